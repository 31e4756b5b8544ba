import type { LatencyBins } from '@clew/model';
import { binsOf, decodeBins, StoredBins } from './bins-codec.js';
import type { BinsReader } from './bins-codec.js';

/*
 * One scratch array serves every merge: `build` runs synchronously from start to end, so no two merges share it
 * at once. Keys within ±32768 (durations from far below a nanosecond to far beyond a year) index it directly; any
 * other key goes to a map.
 */
const OFFSET = 1 << 15;
const scratch = new Float64Array(2 * OFFSET);
const seen = new Uint8Array(2 * OFFSET);
const overflow = new Map<number, number>();
let lo = Infinity;
let hi = -Infinity;

function addToScratch(key: number, count: number): void {
  const i = key + OFFSET;
  if (i >= 0 && i < scratch.length) {
    scratch[i]! += count;
    seen[i] = 1;
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  } else {
    overflow.set(key, (overflow.get(key) ?? 0) + count);
  }
}

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
        zeroCount += b.addTo(addToScratch);
        continue;
      }
      zeroCount += b.zeroCount;
      for (let i = 0; i < b.keys.length; i++) addToScratch(b.keys[i]!, b.counts[i]!);
    }
    return takeScratch(zeroCount);
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
  for (let i = 0; i < n; i++) zeroCount += reader.addNextTo(addToScratch);
  return takeScratch(zeroCount);
}

/** The bins gathered in the shared array, which is left empty. */
function takeScratch(zeroCount: number): LatencyBins {
  const keys: number[] = [];
  const counts: number[] = [];
  for (let i = lo; i <= hi; i++) {
    if (seen[i] === 0) continue;
    keys.push(i - OFFSET);
    counts.push(scratch[i]!);
    scratch[i] = 0;
    seen[i] = 0;
  }
  lo = Infinity;
  hi = -Infinity;
  if (overflow.size > 0) {
    const all = new Map<number, number>(keys.map((k, i) => [k, counts[i]!]));
    for (const [k, c] of overflow) all.set(k, c);
    overflow.clear();
    const sorted = [...all.keys()].sort((a, b) => a - b);
    return { keys: sorted, counts: sorted.map((k) => all.get(k)!), zeroCount };
  }
  return { keys, counts, zeroCount };
}
