/**
 * A latency distribution as the bins of a DDSketch with a logarithmic mapping at 1% relative accuracy
 * (`@clew/analysis`'s `latency-sketch.ts` maps values to keys and reads quantiles). Plain data, so a store can keep
 * it in columns and merge it by summing counts per key: merging is exact, only the mapping is approximate.
 *
 * Values are durations in nanoseconds; a zero duration has no logarithm and counts in `zeroCount`.
 */
export interface LatencyBins {
  /** Bin keys, ascending, without repeats. */
  readonly keys: readonly number[];
  /** Weight in each bin, parallel to `keys` (weights, not integers: head sampling's adjusted counts). */
  readonly counts: readonly number[];
  readonly zeroCount: number;
}

export const EMPTY_LATENCY_BINS: LatencyBins = { keys: [], counts: [], zeroCount: 0 };
