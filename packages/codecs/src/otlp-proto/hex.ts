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
  if (len === 16) return hex8(b, at) + hex8(b, at + 8);
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
