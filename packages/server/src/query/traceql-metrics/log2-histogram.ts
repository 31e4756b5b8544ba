/**
 * Tempo's power-of-two histograms (engine_metrics.go): quantile_over_time and histogram_over_time put each value in
 * the bucket of the next power of two at or above it, and a quantile is read back by exponential interpolation
 * inside the bucket where it falls. Accuracy is therefore within a factor of two of the true value, by design.
 */

export interface HistogramBucket {
  /** The bucket's upper bound. */
  readonly max: number;
  readonly count: number;
}

/** Tempo's Log2Bucketize: the smallest power of two ≥ v, or -1 below 2. */
export function log2Bucketize(v: bigint): number {
  if (v < 2n) return -1;
  let p = 1n;
  while (p < v) p <<= 1n;
  return Number(p);
}

/** Tempo's Log2Quantile over buckets sorted by `max`: 0 when there is nothing to read. */
export function log2Quantile(p: number, buckets: readonly HistogramBucket[]): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || buckets.length === 0) return 0;
  let totalCount = 0;
  for (const b of buckets) totalCount += b.count;
  if (totalCount === 0) return 0;
  // Rounded up, so that low counts (under 100) give a sample that was seen.
  const maxSamples = Math.max(1, Math.ceil(p * totalCount));
  let total = 0;
  let bucket = 0;
  for (let i = 0; i < buckets.length; i++) {
    bucket = i;
    const b = buckets[i]!;
    if (total + b.count > maxSamples) break;
    total += b.count;
    if (total === maxSamples) return b.max;
  }
  const interp = (maxSamples - total) / buckets[bucket]!.count;
  const maxV = Math.log2(buckets[bucket]!.max);
  const minV = bucket > 0 ? Math.log2(buckets[bucket - 1]!.max) : maxV - 1;
  return Math.pow(2, minV + (maxV - minV) * interp);
}
