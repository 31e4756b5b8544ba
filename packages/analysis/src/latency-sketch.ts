import type { LatencyBins } from '@clew/model';

/**
 * DDSketch's logarithmic mapping at 1% relative accuracy, written out so that counting a span costs one logarithm
 * and a map update, and so that a store can keep and merge the bins as plain numbers. The keys and the values read
 * back are those of `@datadog/sketches-js`'s `DDSketch` with `LogarithmicMapping(0.01)` (the test checks it against
 * the library): any quantile read from merged bins is within 1% of the true value of some sample.
 */
export const LATENCY_RELATIVE_ACCURACY = 0.01;

const GAMMA_MANTISSA = (2 * LATENCY_RELATIVE_ACCURACY) / (1 - LATENCY_RELATIVE_ACCURACY);
const GAMMA = 1 + GAMMA_MANTISSA;
const MULTIPLIER = (1 / Math.log1p(GAMMA_MANTISSA)) * Math.LN2;
/** Values at or below this go to the zero bin (the library's `minPossible`). */
const MIN_POSITIVE = 2.2250738585072014e-308 * GAMMA;

/** The bin of a positive value. */
export function latencyKey(value: number): number {
  return Math.ceil(Math.log2(value) * MULTIPLIER);
}

/** The value a bin stands for: within 1% of every value that maps to it. */
export function latencyKeyValue(key: number): number {
  return Math.pow(2, key / MULTIPLIER) * (2 / (1 + GAMMA));
}

/**
 * Accumulates durations (nanoseconds) with weights into bins: a dense array over the keys seen so far (DDSketch's
 * DenseStore), which grows to take a key outside it. Cheaper than a map per bin on the ingest path: no boxed
 * numbers, no hashing.
 *
 * Values of weight 1 (nearly all) wait in a short buffer and are binned PENDING_MAX at a time, or when the bins are
 * read. On the ingest path, between two spans of one operation the server decodes and stores others, and a wide
 * operation's bins (a few kilobytes) left the cache: binning each value as it came cost a miss for most of them.
 * The buffer is written in order, so a value costs one store there; binned together, they meet the bins in cache.
 */
export class LatencyBinsBuilder {
  /** Weights by key − offset: a plain array of doubles, held in the heap beside its builder (a Float64Array of more than a few numbers keeps them apart, a load further away). */
  private counts: number[] | undefined;
  /** Key of counts[0]. */
  private offset = 0;
  private zero = 0;
  /** Values of weight 1 not binned yet: pending[0 .. waiting). */
  private pending: number[] | undefined;
  private waiting = 0;

  add(valueNanos: number, weight = 1): void {
    if (weight !== 1) {
      this.addNow(valueNanos, weight);
      return;
    }
    let p = (this.pending ??= doubles(PENDING_FIRST));
    if (this.waiting === p.length) {
      if (p.length < PENDING_MAX) p = this.morePending(p);
      else this.binPending();
    }
    p[this.waiting++] = valueNanos;
  }

  addBins(other: LatencyBins): void {
    this.zero += other.zeroCount;
    for (let i = 0; i < other.keys.length; i++) this.addKey(other.keys[i]!, other.counts[i]!);
  }

  /**
   * Adds another builder's values, which it is left without: the bins of both, as if each value came here. Its
   * waiting values wait here instead, unbinned: a builder that got a few values (a batch's, staged by an import) had
   * them binned into bins of its own and all of those read back, most of a counted import's cost of merging.
   */
  merge(other: LatencyBinsBuilder): void {
    // Emptied as it is read, a builder merged into itself would lose its values.
    if (other === this) throw new Error('a latency builder cannot be merged into itself');
    this.zero += other.zero;
    other.zero = 0;
    const c = other.counts;
    if (c !== undefined) {
      for (let i = 0; i < c.length; i++) if (c[i] !== 0) this.addKey(i + other.offset, c[i]!);
      other.counts = undefined;
    }
    const p = other.pending;
    const n = other.waiting;
    other.waiting = 0;
    for (let i = 0; i < n; i++) this.add(p![i]!);
  }

  get empty(): boolean {
    return this.zero === 0 && this.counts === undefined && this.waiting === 0;
  }

  build(): LatencyBins {
    this.binPending();
    const keys: number[] = [];
    const counts: number[] = [];
    const c = this.counts;
    if (c !== undefined) {
      for (let i = 0; i < c.length; i++) {
        if (c[i] !== 0) {
          keys.push(i + this.offset);
          counts.push(c[i]!);
        }
      }
    }
    return { keys, counts, zeroCount: this.zero };
  }

  private addNow(valueNanos: number, weight: number): void {
    if (valueNanos > MIN_POSITIVE) this.addKey(latencyKey(valueNanos), weight);
    else this.zero += weight;
  }

  /** A builder that keeps getting values gets a longer buffer (most get a few a minute: they keep a short one). */
  private morePending(p: number[]): number[] {
    const more = doubles(p.length * 4);
    for (let i = 0; i < p.length; i++) more[i] = p[i]!;
    return (this.pending = more);
  }

  private binPending(): void {
    const p = this.pending;
    const n = this.waiting;
    this.waiting = 0;
    for (let i = 0; i < n; i++) this.addNow(p![i]!, 1);
  }

  private addKey(key: number, weight: number): void {
    let c = this.counts;
    if (c === undefined) {
      c = this.counts = doubles(INITIAL_BINS);
      this.offset = key - INITIAL_BINS / 2;
    }
    let i = key - this.offset;
    if (i < 0 || i >= c.length) {
      c = this.grow(key);
      i = key - this.offset;
    }
    c[i]! += weight;
  }

  /** Widens the array to hold `key`, with room to spare on that side. */
  private grow(key: number): number[] {
    const old = this.counts!;
    const low = Math.min(this.offset, key);
    const high = Math.max(this.offset + old.length - 1, key);
    const size = Math.max(old.length * 2, high - low + 1 + INITIAL_BINS);
    const offset = key < this.offset ? high - size + 1 : low;
    const next = doubles(size);
    const at = this.offset - offset;
    for (let i = 0; i < old.length; i++) next[at + i] = old[i]!;
    this.counts = next;
    this.offset = offset;
    return next;
  }
}

/**
 * An array of `n` zeros that holds doubles from the start (filled with a fraction first), so it never changes kind:
 * counters updated on the ingest path stay unboxed, in the heap beside their owner.
 */
export function doubles(n: number): number[] {
  return new Array<number>(n).fill(0.5).fill(0);
}

/** Bins a new builder starts with; about ±0.7 of a decade around its first value at 1% accuracy. */
const INITIAL_BINS = 64;
/** Values of weight 1 a builder holds before binning them (see LatencyBinsBuilder). */
const PENDING_MAX = 128;
const PENDING_FIRST = 8;

/** Bins of a list of values: a test and benchmark convenience. */
export function latencyBinsOf(valuesNanos: readonly number[]): LatencyBins {
  const b = new LatencyBinsBuilder();
  for (const v of valuesNanos) b.add(v);
  return b.build();
}

/** Merges bins exactly: counts add up per key. */
export function mergeLatencyBins(all: readonly LatencyBins[]): LatencyBins {
  if (all.length === 1) return all[0]!;
  const b = new LatencyBinsBuilder();
  for (const x of all) b.addBins(x);
  return b.build();
}

/** Total weight in the bins. */
export function latencyCount(bins: LatencyBins): number {
  let n = bins.zeroCount;
  for (const c of bins.counts) n += c;
  return n;
}

/**
 * Where quantile q (0..1) falls, as `DDSketch.getValueAtQuantile` reads it (rank q × (count − 1), the first bin
 * whose running count passes it): the bin's key, `null` among the zero durations, `undefined` when the bins are
 * empty or q is out of range. A store can keep the keys of a row's usual quantiles beside its bins.
 */
export function latencyQuantileKey(bins: LatencyBins, q: number): number | null | undefined {
  const count = latencyCount(bins);
  if (!(q >= 0 && q <= 1) || count === 0) return undefined;
  const rank = q * (count - 1);
  if (rank < bins.zeroCount) return null;
  let running = bins.zeroCount;
  for (let i = 0; i < bins.keys.length; i++) {
    running += bins.counts[i]!;
    if (running > rank) return bins.keys[i]!;
  }
  return bins.keys[bins.keys.length - 1]!;
}

/** The value at quantile q (0..1) in nanoseconds (see latencyQuantileKey); NaN when the bins are empty. */
export function latencyQuantile(bins: LatencyBins, q: number): number {
  const key = latencyQuantileKey(bins, q);
  return key === undefined ? NaN : key === null ? 0 : latencyKeyValue(key);
}

/**
 * latencyQuantile at each of `qs` (any order), reading the bins once: a page asks for p50, p95 and p99 of every
 * point, and three walks over a few hundred bins cost three times one.
 */
export function latencyQuantiles(bins: LatencyBins, qs: readonly number[]): number[] {
  const out = new Array<number>(qs.length).fill(NaN);
  const count = latencyCount(bins);
  if (count === 0) return out;
  // The quantiles' ranks, visited in ascending order as the running count passes them.
  const order = qs.map((_, i) => i).filter((i) => qs[i]! >= 0 && qs[i]! <= 1);
  order.sort((a, b) => qs[a]! - qs[b]!);
  const { keys, counts, zeroCount } = bins;
  let next = 0;
  while (next < order.length && qs[order[next]!]! * (count - 1) < zeroCount) out[order[next++]!] = 0;
  let running = zeroCount;
  for (let i = 0; i < keys.length && next < order.length; i++) {
    running += counts[i]!;
    while (next < order.length && running > qs[order[next]!]! * (count - 1)) out[order[next++]!] = latencyKeyValue(keys[i]!);
  }
  // Past the last bin (rounding): the last key, as latencyQuantileKey answers.
  while (next < order.length) out[order[next++]!] = keys.length > 0 ? latencyKeyValue(keys[keys.length - 1]!) : NaN;
  return out;
}

/**
 * Weight at or under `thresholdNanos` (a latency SLO's good events): every bin whose key is at most the threshold's.
 * A bin straddles the threshold by at most 1%, so a value within 1% above the threshold may count as good.
 */
export function latencyCountAtOrBelow(bins: LatencyBins, thresholdNanos: number): number {
  let n = bins.zeroCount;
  if (thresholdNanos <= MIN_POSITIVE) return n;
  const limit = latencyKey(thresholdNanos);
  for (let i = 0; i < bins.keys.length && bins.keys[i]! <= limit; i++) n += bins.counts[i]!;
  return n;
}
