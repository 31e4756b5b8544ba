import { ByteCache } from './byte-cache.js';

/** Strings up to this many bytes are cached: attribute keys, service names, span names, enum-like values. */
const MAX_CACHED = 48;

/** Reused argument lists for String.fromCharCode, one per length (faster than concatenating characters). */
const CODES: number[][] = Array.from({ length: MAX_CACHED + 1 }, (_, n) => new Array<number>(n).fill(0));

/**
 * Decodes UTF-8, returning the same string for repeated short byte sequences. Most strings in a batch are keys
 * and names seen many times; hashing a few bytes in JS costs a fraction of a call into Buffer's native decoder
 * (about 100 ns each on these machines), and the batch's spans then share one copy of each string.
 * Only ASCII strings are cached (and decoded in JS); the rest go to Node's decoder.
 */
export class StringCache {
  private readonly cache = new ByteCache<string>(2048, MAX_CACHED);

  /** `view` covers the same bytes as `buf`. */
  get(buf: Buffer, view: DataView, start: number, end: number): string {
    const len = end - start;
    if (len > MAX_CACHED) return buf.toString('utf8', start, end);
    const hash = this.cache.hash(view, start, end);
    const known = this.cache.find(hash, view, start, end);
    if (known !== undefined) return known;
    const codes = CODES[len]!;
    for (let i = 0; i < len; i++) {
      const b = buf[start + i]!;
      if (b >= 0x80) return buf.toString('utf8', start, end); // not ASCII
      codes[i] = b;
    }
    const s = String.fromCharCode.apply(null, codes);
    this.cache.store(hash, view, start, end, s);
    return s;
  }
}
