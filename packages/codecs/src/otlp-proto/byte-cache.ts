/**
 * A direct-mapped cache from short byte sequences to values, for things a batch repeats: strings, whole
 * attributes. A slot keeps a copy of its bytes in one arena, so a hit is confirmed by comparing bytes with bytes
 * (four at a time); a collision just replaces the slot. Bytes are admitted on their second sighting: ids and counts
 * that never repeat would otherwise cost a copy each and push out the values that do repeat.
 */
export class ByteCache<T> {
  private readonly values: (T | undefined)[];
  private readonly lengths: Uint8Array;
  /** Per slot, the hash of the last bytes that missed there: a second miss with the same hash stores them. */
  private readonly candidates: Int32Array;
  private readonly arena: Uint8Array;
  private readonly arenaView: DataView;

  constructor(
    private readonly slots: number, // a power of two
    readonly maxBytes: number, // at most 254
  ) {
    this.values = new Array<T | undefined>(slots).fill(undefined);
    this.lengths = new Uint8Array(slots).fill(0xff);
    this.candidates = new Int32Array(slots);
    this.arena = new Uint8Array(slots * maxBytes);
    this.arenaView = new DataView(this.arena.buffer);
  }

  /** A hash of these bytes (len <= maxBytes): the length and the first, middle and last four bytes. */
  hash(view: DataView, start: number, end: number): number {
    const len = end - start;
    let h = Math.imul(len, 0x9e3779b1);
    if (len >= 4) {
      h = Math.imul(h ^ view.getInt32(start, true), 0x85ebca6b);
      h = Math.imul(h ^ view.getInt32(start + ((len - 4) >> 1), true), 0xcc9e2d51);
      h = Math.imul(h ^ view.getInt32(end - 4, true), 0xc2b2ae35);
    } else {
      for (let i = start; i < end; i++) h = Math.imul(h ^ view.getUint8(i), 0x85ebca6b);
    }
    return h ^ (h >>> 15) ^ (h >>> 23);
  }

  /** The value stored for exactly these bytes, or undefined. `view` covers the same bytes as `buf`. */
  find(hash: number, view: DataView, start: number, end: number): T | undefined {
    const slot = hash & (this.slots - 1);
    const len = end - start;
    if (this.lengths[slot] !== len) return undefined;
    const arenaView = this.arenaView;
    const at = slot * this.maxBytes;
    let i = 0;
    while (i + 4 <= len && arenaView.getInt32(at + i) === view.getInt32(start + i)) i += 4;
    while (i < len && arenaView.getUint8(at + i) === view.getUint8(start + i)) i++;
    return i === len ? this.values[slot] : undefined;
  }

  /** Remembers `value` for these bytes if they missed with this hash before (see the class comment); true when it did. */
  store(hash: number, view: DataView, start: number, end: number, value: T): boolean {
    if (!this.admits(hash)) return false;
    this.put(hash, view, start, end, value);
    return true;
  }

  /**
   * Whether bytes with this hash that missed are to be kept (`put`): they missed with it before. Else they are the
   * slot's candidate now.
   */
  admits(hash: number): boolean {
    const slot = hash & (this.slots - 1);
    if (this.candidates[slot] === hash) return true;
    this.candidates[slot] = hash;
    return false;
  }

  /** Keeps `value` for these bytes (which `admits`). */
  put(hash: number, view: DataView, start: number, end: number, value: T): void {
    const slot = hash & (this.slots - 1);
    const arenaView = this.arenaView;
    const at = slot * this.maxBytes;
    const len = end - start;
    let i = 0;
    for (; i + 4 <= len; i += 4) arenaView.setInt32(at + i, view.getInt32(start + i));
    for (; i < len; i++) arenaView.setUint8(at + i, view.getUint8(start + i));
    this.lengths[slot] = len;
    this.values[slot] = value;
  }
}
