/*
 * A Bloom filter over trace ids, one per block of ~100k spans of a partition. Trace ids are random, so no zone map
 * can prune a lookup by id; the blooms say which blocks may hold the trace, and the block number column, which
 * grows with ingest and so is clustered, lets DuckDB's zone maps skip every other row group. About 10 bits per
 * distinct trace per block (1% false positives), kept in memory and rebuilt when a partition is opened.
 */
const BITS_PER_KEY = 10;
const HASHES = 7;

/*
 * The two 32-bit hashes of a trace id given as its two low 32-bit words: keyA is where its bits start, keyB (odd) the
 * step between them. Two functions rather than one returning a pair: the pair was an array made for every trace a
 * batch holds (about 2% of what a Clew's ingest allocates). They read only the words' 32 bits, so a word given signed
 * (as the store gives them, int32) and unsigned (parsed from hex, as a lookup gives them) is the same key.
 */
const keyA = (lo: number, hi: number): number => mix(lo ^ Math.imul(hi, 0x9e3779b1));
const keyB = (lo: number, hi: number): number => mix(hi ^ Math.imul(lo, 0x85ebca6b)) | 1;

/** The two low 32-bit words of a hex trace id. */
export function traceWords(traceId: string): [number, number] {
  return [parseInt(traceId.slice(24, 32), 16), parseInt(traceId.slice(16, 24), 16)];
}

/** A 32-bit integer finaliser (good avalanche for hash bits). */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export class TraceBloom {
  private bits: Uint32Array;
  private keys = 0;

  /** Sized for the most keys a block can hold (a block has at most that many spans, so as many traces). */
  constructor(expectedKeys: number) {
    this.bits = new Uint32Array(Math.max(64, Math.ceil((expectedKeys * BITS_PER_KEY) / 32)));
  }

  add(lo: number, hi: number): void {
    const a = keyA(lo, hi);
    const b = keyB(lo, hi);
    const m = this.bits.length * 32;
    for (let i = 0; i < HASHES; i++) {
      const bit = (a + Math.imul(i, b)) >>> 0;
      const at = bit % m;
      this.bits[at >>> 5]! |= 1 << (at & 31);
    }
    this.keys++;
  }

  mayContain(lo: number, hi: number): boolean {
    const a = keyA(lo, hi);
    const b = keyB(lo, hi);
    const m = this.bits.length * 32;
    for (let i = 0; i < HASHES; i++) {
      const at = ((a + Math.imul(i, b)) >>> 0) % m;
      if ((this.bits[at >>> 5]! & (1 << (at & 31))) === 0) return false;
    }
    return true;
  }

  get size(): number {
    return this.keys;
  }
}
