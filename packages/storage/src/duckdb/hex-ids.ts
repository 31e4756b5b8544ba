/*
 * Trace and span ids from hex straight into 32-bit words, without a BigInt: the writer copies the words into
 * DuckDB's UHUGEINT and UBIGINT vectors (little-endian: lowest word first). A malformed id throws, which fails
 * the whole append.
 */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = NIBBLE[65 + i] = 10 + i;

/** The 32-bit word written by hex digits [from, from + 8) of `id`. */
function hexWord(id: string, from: number): number {
  let w = 0;
  for (let i = from; i < from + 8; i++) {
    const c = id.charCodeAt(i);
    const n = c < 128 ? NIBBLE[c]! : -1;
    if (n < 0) throw new Error(`malformed id '${id}': expected hex digits`);
    w = (w << 4) | n;
  }
  return w >>> 0;
}

/** Writes a 32-hex-digit trace id into out[at..at+4), lowest word first. */
export function putTraceId(id: string, out: Uint32Array, at: number): void {
  if (id.length !== 32) throw new Error(`malformed trace id '${id}': expected 32 hex digits`);
  out[at] = hexWord(id, 24);
  out[at + 1] = hexWord(id, 16);
  out[at + 2] = hexWord(id, 8);
  out[at + 3] = hexWord(id, 0);
}

/** Writes a 16-hex-digit span id into out[at..at+2), lowest word first. */
export function putSpanId(id: string, out: Uint32Array, at: number): void {
  if (id.length !== 16) throw new Error(`malformed span id '${id}': expected 16 hex digits`);
  out[at] = hexWord(id, 8);
  out[at + 1] = hexWord(id, 0);
}
