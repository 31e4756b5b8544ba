import type { UnixNanos } from '@clew/model';
import type { TraceQuery } from './store.js';

/**
 * The spans a heatmap or a comparison looks at: every span meeting the search conditions of a TraceQuery (service,
 * operation, kind, attributes, duration bounds) that starts inside the window. Unlike a search, the unit is the span,
 * not the trace.
 */
export type SpanFilter = Omit<TraceQuery, 'limit' | 'offset' | 'sort' | 'anchor' | 'start' | 'end'> & {
  /** Inclusive window on the span's start time; required, since the baseline is the rest of it. */
  readonly start: UnixNanos;
  readonly end: UnixNanos;
};

/** Duration buckets per doubling in a latency heatmap: each bucket is 2^(1/4), about 19%, wider than the last. */
export const HEATMAP_BUCKETS_PER_DOUBLING = 4;

/** The inclusive lower and exclusive upper duration (ns) of heatmap duration bucket `index`. */
export function heatmapDurationBounds(index: number): { readonly minNanos: number; readonly maxNanos: number } {
  const b = HEATMAP_BUCKETS_PER_DOUBLING;
  return { minNanos: Math.ceil(2 ** (index / b)), maxNanos: Math.ceil(2 ** ((index + 1) / b)) };
}

/** The heatmap duration bucket of a duration in ns: floor(log2(max(d, 1)) × buckets per doubling). */
export function heatmapDurationBucket(durationNanos: bigint): number {
  const d = durationNanos < 1n ? 1 : Number(durationNanos);
  return Math.floor(Math.log2(d) * HEATMAP_BUCKETS_PER_DOUBLING);
}

export interface HeatmapQuery {
  readonly filter: SpanFilter;
  /** Width of a time bucket in ns (at least 1); bucket i starts at filter.start + i × step. */
  readonly step: bigint;
}

/** One non-empty cell: spans that started in time bucket `t` and lasted within duration bucket `d`. */
export interface HeatmapCell {
  readonly t: number;
  /** See heatmapDurationBounds. */
  readonly d: number;
  readonly count: number;
  /** Of those, spans with status ERROR. */
  readonly errors: number;
}

export interface LatencyHeatmap {
  /** Cells with at least one span, by time bucket then duration bucket. */
  readonly cells: readonly HeatmapCell[];
  /** Every matching span, so the heatmap is never a sample. */
  readonly total: number;
  readonly errors: number;
}

/**
 * The spans picked out of the filtered ones: those meeting every condition given (a duration band, a time band,
 * status ERROR). An empty selection picks nothing.
 */
export interface SpanSelection {
  /** Inclusive bounds on the span's duration (a span ending before it starts lasts 0). */
  readonly minDuration?: bigint;
  readonly maxDuration?: bigint;
  /** Inclusive bounds on the span's start. */
  readonly start?: UnixNanos;
  readonly end?: UnixNanos;
  readonly errors?: boolean;
}

export interface AttributeCountsQuery {
  readonly filter: SpanFilter;
  readonly selection: SpanSelection;
  /** Values kept per key: the most frequent in the selection and, as many again, in the baseline. */
  readonly topValues: number;
  /** At most this many spans are read for attributes; past it each side is a uniform sample by span id. */
  readonly maxSpans: number;
}

/**
 * Where an attribute came from: the span's own, its resource's, one of its events', or a field of the span itself
 * (`name`, `kind`, `status`; kinds and statuses as their lowercase names).
 */
export type AttributeScope = 'span' | 'resource' | 'event' | 'intrinsic';

export interface ValueCount {
  /** The value as text (anyValueToString). */
  readonly value: string;
  /** Spans of each side (counted ones, see SideCount) with this value. */
  readonly selection: number;
  readonly baseline: number;
}

export interface KeyCounts {
  readonly scope: AttributeScope;
  readonly key: string;
  /**
   * Counted spans of each side that carry the key (with any value); for an event attribute, a span whose events hold
   * two values of the key counts once per value.
   */
  readonly selection: number;
  readonly baseline: number;
  /** Distinct values among the counted spans: exact for them, an estimate of the window's when sampled. */
  readonly distinctValues: number;
  /** The top values of either side, each with both counts; most frequent in the selection first, then by value. */
  readonly values: readonly ValueCount[];
}

export interface SideCount {
  /** Spans of this side in the window. */
  readonly spans: number;
  /** Of those, the ones whose attributes were counted: all of them unless sampled. */
  readonly counted: number;
  /**
   * Half the width of a 95% confidence interval on any share of this side, in percentage points (the worst case,
   * a share of 50%, with the finite-population correction); 0 when every span was counted.
   */
  readonly marginPercent: number;
}

export interface AttributeCounts {
  readonly selection: SideCount;
  /** The rest of the filtered spans in the window. */
  readonly baseline: SideCount;
  readonly sampled: boolean;
  /** Keys by scope then key (code-unit order). */
  readonly keys: readonly KeyCounts[];
}

/**
 * The 95% margin, in percentage points, of a share estimated from `counted` spans drawn uniformly out of `spans`.
 * @example sampleMarginPercent(10_000, 1_000_000) // ≈ 0.98
 */
export function sampleMarginPercent(counted: number, spans: number): number {
  if (counted >= spans || counted === 0) return counted === 0 && spans > 0 ? 100 : 0;
  const fpc = Math.sqrt((spans - counted) / (spans - 1));
  return 100 * 1.96 * Math.sqrt(0.25 / counted) * fpc;
}
