/** Strings up to this many bytes are cached: attribute keys, service names, span names, enum-like values. */
const MAX_CACHED = 48;
const SLOTS = 2048; // power of two; a direct-mapped table, so a collision just replaces the slot

/** Reused argument lists for String.fromCharCode, one per length (faster than concatenating characters). */
const CODES: number[][] = Array.from({ length: MAX_CACHED + 1 }, (_, n) => new Array<number>(n).fill(0));

/**
 * Decodes UTF-8, returning the same string for repeated short byte sequences. Most strings in a batch are keys
 * and names seen many times; hashing a few bytes in JS costs a fraction of a call into Buffer's native decoder
 * (about 100 ns each on these machines), and the batch's spans then share one copy of each string.
 * Each slot keeps a copy of its bytes in one arena, so a hit is confirmed by comparing bytes with bytes (comparing
 * with the string's char codes measured several times slower). Only ASCII strings are cached.
 */
export class StringCache {
  private readonly values: string[] = new Array<string>(SLOTS).fill('');
  private readonly lengths = new Uint8Array(SLOTS);
  private readonly arena = new Uint8Array(SLOTS * MAX_CACHED);
  private readonly arenaView = new DataView(this.arena.buffer);

  /** `view` covers the same bytes as `buf`: comparing four bytes per step halves the cost of a hit. */
  get(buf: Buffer, view: DataView, start: number, end: number): string {
    const len = end - start;
    if (len > MAX_CACHED) return buf.toString('utf8', start, end);
    // Hash the length and the first and last four bytes only: that tells keys and names apart, and the full
    // comparison below catches the rest. One pass over the bytes instead of two.
    let h = Math.imul(len, 0x9e3779b1);
    if (len >= 4) {
      h = Math.imul(h ^ (buf[start]! | (buf[start + 1]! << 8) | (buf[start + 2]! << 16) | (buf[start + 3]! << 24)), 0x85ebca6b);
      h = Math.imul(h ^ (buf[end - 4]! | (buf[end - 3]! << 8) | (buf[end - 2]! << 16) | (buf[end - 1]! << 24)), 0xc2b2ae35);
    } else {
      for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x85ebca6b);
    }
    const slot = (h ^ (h >>> 15) ^ (h >>> 23)) & (SLOTS - 1);
    const arena = this.arena;
    const at = slot * MAX_CACHED;
    if (this.lengths[slot] === len) {
      const arenaView = this.arenaView;
      let i = 0;
      while (i + 4 <= len && arenaView.getInt32(at + i) === view.getInt32(start + i)) i += 4;
      while (i < len && arena[at + i] === buf[start + i]) i++;
      if (i === len) return this.values[slot]!;
    }
    const codes = CODES[len]!;
    this.lengths[slot] = 0xff; // no length matches while the slot's bytes are being replaced
    for (let i = 0; i < len; i++) {
      const b = buf[start + i]!;
      if (b >= 0x80) return buf.toString('utf8', start, end); // not ASCII: let Node decode (and never cache) it
      codes[i] = b;
      arena[at + i] = b;
    }
    const s = String.fromCharCode.apply(null, codes);
    this.values[slot] = s;
    this.lengths[slot] = len;
    return s;
  }
}
