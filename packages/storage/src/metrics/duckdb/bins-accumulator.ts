import type { LatencyBins } from '@clew/model';
import { readBins } from './bins-codec.js';

/**
 * Sums latency bins exactly (counts per key), over a dense window of keys that grows as keys arrive: merging the
 * bins of thousands of rows costs an array index per bin, not a map lookup.
 */
export class BinsAccumulator {
  private lo = 0;
  private counts = new Float64Array(0);
  private present = new Uint8Array(0);
  zeroCount = 0;
  private readonly addOne = (key: number, count: number): void => this.add(key, count);

  add(key: number, count: number): void {
    let i = key - this.lo;
    if (i < 0 || i >= this.counts.length) {
      this.grow(key);
      i = key - this.lo;
    }
    this.counts[i]! += count;
    this.present[i] = 1;
  }

  /** Adds bins encoded by `encodeBins`. */
  addEncoded(bytes: Uint8Array): void {
    this.zeroCount += readBins(bytes, this.addOne);
  }

  addBins(bins: LatencyBins): void {
    this.zeroCount += bins.zeroCount;
    for (let i = 0; i < bins.keys.length; i++) this.add(bins.keys[i]!, bins.counts[i]!);
  }

  private grow(key: number): void {
    if (this.counts.length === 0) {
      this.lo = key - 8;
      this.counts = new Float64Array(32);
      this.present = new Uint8Array(32);
      return;
    }
    const hi = this.lo + this.counts.length;
    const lo = Math.min(this.lo, key - 16);
    const size = Math.max(hi, key + 17) - lo;
    const counts = new Float64Array(size);
    const present = new Uint8Array(size);
    counts.set(this.counts, this.lo - lo);
    present.set(this.present, this.lo - lo);
    this.lo = lo;
    this.counts = counts;
    this.present = present;
  }

  build(): LatencyBins {
    const keys: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      if (this.present[i] === 0) continue;
      keys.push(this.lo + i);
      counts.push(this.counts[i]!);
    }
    return { keys, counts, zeroCount: this.zeroCount };
  }
}
