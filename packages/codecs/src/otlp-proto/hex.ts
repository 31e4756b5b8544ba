import { bytesToHex } from '@clew/model';

// Char codes of each byte's two hex digits: building an id with one String.fromCharCode call is several times
// faster here than Buffer's native hex (a C++ call per id) or concatenating per-byte strings.
const HI = new Uint8Array(256);
const LO = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HI[i] = h.charCodeAt(0);
  LO[i] = h.charCodeAt(1);
}

/** Lowercase hex of `len` bytes at `at`: fast for span ids (8) and trace ids (16), correct for any length. */
export function idHex(b: Uint8Array, at: number, len: number): string {
  if (len === 8) return hex8(b, at);
  if (len === 16) return hex16(b, at);
  return bytesToHex(b, at, len);
}

function hex8(b: Uint8Array, o: number): string {
  const b0 = b[o]!, b1 = b[o + 1]!, b2 = b[o + 2]!, b3 = b[o + 3]!;
  const b4 = b[o + 4]!, b5 = b[o + 5]!, b6 = b[o + 6]!, b7 = b[o + 7]!;
  return String.fromCharCode(
    HI[b0]!, LO[b0]!, HI[b1]!, LO[b1]!, HI[b2]!, LO[b2]!, HI[b3]!, LO[b3]!,
    HI[b4]!, LO[b4]!, HI[b5]!, LO[b5]!, HI[b6]!, LO[b6]!, HI[b7]!, LO[b7]!,
  );
}

/**
 * A trace id in one call too: `hex8(…) + hex8(…)` made a cons string (V8 joins strings of 13 characters or more by
 * reference), which every Map lookup and comparison by trace id then had to flatten, and which hashed 2–3× slower
 * as a Map key than a flat string (a million ids: 68 ms against 179–218 ms of `has`/`set`).
 */
function hex16(b: Uint8Array, o: number): string {
  const b0 = b[o]!, b1 = b[o + 1]!, b2 = b[o + 2]!, b3 = b[o + 3]!;
  const b4 = b[o + 4]!, b5 = b[o + 5]!, b6 = b[o + 6]!, b7 = b[o + 7]!;
  const c0 = b[o + 8]!, c1 = b[o + 9]!, c2 = b[o + 10]!, c3 = b[o + 11]!;
  const c4 = b[o + 12]!, c5 = b[o + 13]!, c6 = b[o + 14]!, c7 = b[o + 15]!;
  return String.fromCharCode(
    HI[b0]!, LO[b0]!, HI[b1]!, LO[b1]!, HI[b2]!, LO[b2]!, HI[b3]!, LO[b3]!,
    HI[b4]!, LO[b4]!, HI[b5]!, LO[b5]!, HI[b6]!, LO[b6]!, HI[b7]!, LO[b7]!,
    HI[c0]!, LO[c0]!, HI[c1]!, LO[c1]!, HI[c2]!, LO[c2]!, HI[c3]!, LO[c3]!,
    HI[c4]!, LO[c4]!, HI[c5]!, LO[c5]!, HI[c6]!, LO[c6]!, HI[c7]!, LO[c7]!,
  );
}
