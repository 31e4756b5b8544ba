/**
 * A direct-mapped cache from short byte sequences to values, for things a batch repeats: strings, whole
 * attributes. A slot keeps a copy of its bytes in one arena, so a hit is confirmed by comparing bytes with bytes
 * (four at a time); a collision just replaces the slot.
 */
export class ByteCache<T> {
  private readonly values: (T | undefined)[];
  private readonly lengths: Uint8Array;
  private readonly arena: Uint8Array;
  private readonly arenaView: DataView;

  constructor(
    private readonly slots: number, // a power of two
    readonly maxBytes: number, // at most 254
  ) {
    this.values = new Array<T | undefined>(slots).fill(undefined);
    this.lengths = new Uint8Array(slots).fill(0xff);
    this.arena = new Uint8Array(slots * maxBytes);
    this.arenaView = new DataView(this.arena.buffer);
  }

  /** The slot for these bytes (len <= maxBytes). Hashes the length and the first and last four bytes only. */
  slot(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    let h = Math.imul(len, 0x9e3779b1);
    if (len >= 4) {
      h = Math.imul(h ^ (buf[start]! | (buf[start + 1]! << 8) | (buf[start + 2]! << 16) | (buf[start + 3]! << 24)), 0x85ebca6b);
      h = Math.imul(h ^ (buf[end - 4]! | (buf[end - 3]! << 8) | (buf[end - 2]! << 16) | (buf[end - 1]! << 24)), 0xc2b2ae35);
    } else {
      for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x85ebca6b);
    }
    return (h ^ (h >>> 15) ^ (h >>> 23)) & (this.slots - 1);
  }

  /** The value stored in `slot` for exactly these bytes, or undefined. `view` covers the same bytes as `buf`. */
  find(slot: number, buf: Uint8Array, view: DataView, start: number, end: number): T | undefined {
    const len = end - start;
    if (this.lengths[slot] !== len) return undefined;
    const arena = this.arena;
    const arenaView = this.arenaView;
    const at = slot * this.maxBytes;
    let i = 0;
    while (i + 4 <= len && arenaView.getInt32(at + i) === view.getInt32(start + i)) i += 4;
    while (i < len && arena[at + i] === buf[start + i]) i++;
    return i === len ? this.values[slot] : undefined;
  }

  store(slot: number, buf: Uint8Array, start: number, end: number, value: T): void {
    // A loop, not arena.set(buf.subarray()): a Buffer's subarray goes through its species constructor, slowly.
    const at = slot * this.maxBytes;
    for (let i = start; i < end; i++) this.arena[at + i - start] = buf[i]!;
    this.lengths[slot] = end - start;
    this.values[slot] = value;
  }
}
