import type { LatencyBins } from '@clew/model';
import { binsOf, decodeBins, StoredBins } from './bins-codec.js';
import type { BinsReader } from './bins-codec.js';

/**
 * Counts per latency key in a dense array (index: key + `offset`), the keys added between `lo` and `hi`; keys
 * outside go to a map. `take` reads the sum out and leaves it empty.
 */
export class DenseCounts {
  readonly offset = 1 << 15;
  readonly counts = new Float64Array(2 * this.offset);
  readonly seen = new Uint8Array(2 * this.offset);
  lo = Infinity;
  hi = -Infinity;
  private readonly overflow = new Map<number, number>();

  /** Adds one key's count (a function bound to this, for BinsReader.addNextTo). */
  readonly add = (key: number, count: number): void => {
    const i = key + this.offset;
    if (i >= 0 && i < this.counts.length) {
      this.counts[i]! += count;
      this.seen[i] = 1;
      if (i < this.lo) this.lo = i;
      if (i > this.hi) this.hi = i;
    } else {
      this.overflow.set(key, (this.overflow.get(key) ?? 0) + count);
    }
  };

  /** Adds decoded bins' counts (not their zero count). */
  addAll(keys: readonly number[], counts: readonly number[]): void {
    const n = keys.length;
    if (n === 0) return;
    const { offset, counts: dense, seen } = this;
    const first = keys[0]! + offset;
    const last = keys[n - 1]! + offset;
    if (!(first >= 0 && last < dense.length && first <= last)) {
      for (let i = 0; i < n; i++) this.add(keys[i]!, counts[i]!);
      return;
    }
    for (let i = 0; i < n; i++) {
      const j = keys[i]! + offset;
      dense[j]! += counts[i]!;
      seen[j] = 1;
    }
    if (first < this.lo) this.lo = first;
    if (last > this.hi) this.hi = last;
  }

  /** The bins added, which are cleared. */
  take(zeroCount: number): LatencyBins {
    const keys: number[] = [];
    const counts: number[] = [];
    const { counts: dense, seen, offset } = this;
    for (let i = this.lo; i <= this.hi; i++) {
      if (seen[i] === 0) continue;
      keys.push(i - offset);
      counts.push(dense[i]!);
      dense[i] = 0;
      seen[i] = 0;
    }
    this.lo = Infinity;
    this.hi = -Infinity;
    if (this.overflow.size > 0) {
      const all = new Map<number, number>(keys.map((k, i) => [k, counts[i]!]));
      for (const [k, c] of this.overflow) all.set(k, c);
      this.overflow.clear();
      const sorted = [...all.keys()].sort((a, b) => a - b);
      return { keys: sorted, counts: sorted.map((k) => all.get(k)!), zeroCount };
    }
    return { keys, counts, zeroCount };
  }
}

/*
 * One scratch array serves every merge: `build` and `sumNext` run synchronously from start to end, so no two merges
 * share it at once. Keys within ±32768 (durations from far below a nanosecond to far beyond a year) index it
 * directly.
 */
const scratch = new DenseCounts();

/**
 * Sums latency bins exactly (counts per key). It keeps what it is given (a row's bins as read, not decoded) and
 * merges once, in `build`, through a shared dense array: merging thousands of rows costs an array index per bin, and
 * no allocation per group beyond the result (a per-group growing typed array spent more time allocating and
 * collecting than merging).
 */
export class BinsAccumulator {
  private readonly bins: Array<LatencyBins | StoredBins> = [];

  /** Adds bins encoded by `encodeBins`. */
  addEncoded(text: string): void {
    this.bins.push(decodeBins(text));
  }

  /** Adds the next `n` bins of a concatenation (merged as they are read when there are several: see sumNext). */
  addFrom(reader: BinsReader, n: number): void {
    if (n > 0) this.bins.push(sumNext(reader, n));
  }

  /** Adds bins; a row's StoredBins are merged from their text without being decoded first. */
  addBins(bins: LatencyBins | StoredBins): void {
    this.bins.push(bins);
  }

  /** The sum; for a single addition, what was added (bins are read-only). */
  build(): LatencyBins {
    if (this.bins.length === 1) return binsOf(this.bins[0]!);
    let zeroCount = 0;
    for (const b of this.bins) {
      if (b instanceof StoredBins) {
        zeroCount += b.addTo(scratch);
        continue;
      }
      zeroCount += b.zeroCount;
      scratch.addAll(b.keys, b.counts);
    }
    return scratch.take(zeroCount);
  }
}

/**
 * The sum of the next `n` (≥ 1) bins of a concatenation, read straight into the shared array: no bins are built
 * for the rows (a day's hours of a series are ~24 rows of a few hundred bins each, and building each row's made
 * much of a read's garbage). Runs from start to end synchronously, like `build`, so the shared array is free.
 */
export function sumNext(reader: BinsReader, n: number): LatencyBins {
  if (n === 1) return reader.next();
  let zeroCount = 0;
  for (let i = 0; i < n; i++) zeroCount += reader.addNextInto(scratch);
  return scratch.take(zeroCount);
}
