/**
 * Time series as TraceQL metrics build them (Tempo's Labels, TimeSeries, SeriesSet): typed label values, one value
 * per interval (NaN where there is none), exemplars with their time in milliseconds.
 */

/** A label's value as Tempo types it (Static.AsAnyValue): durations are written as Go durations, nil as "nil". */
export type LabelValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'duration'; readonly nanos: bigint };

export interface Label {
  readonly name: string;
  readonly value: LabelValue;
}

export interface Exemplar {
  readonly labels: readonly Label[];
  /** NaN until it takes the value of its interval (rate, count_over_time, histogram_over_time). */
  readonly value: number;
  readonly timestampMs: number;
}

export interface Series {
  readonly labels: readonly Label[];
  readonly values: number[];
  exemplars: Exemplar[];
}

/** Series by their labels' key. */
export type SeriesSet = Map<string, Series>;

/** The name Tempo gives an ungrouped series' only label (Prometheus' metric name). */
export const METRIC_NAME = '__name__';
/** The label a histogram_over_time series carries its bucket in. */
export const BUCKET_LABEL = '__bucket';

export const NIL_LABEL: LabelValue = { type: 'string', value: 'nil' };

/** A key equal for equal label lists (names, types and values). */
export function labelsKey(labels: readonly Label[]): string {
  return labels.map((l) => `${l.name}\u0000${labelValueText(l.value)}`).join('\u0001');
}

/** A label value as text, with its type, for keys and ordering. */
export function labelValueText(v: LabelValue): string {
  switch (v.type) {
    case 'string':
      return `s:${v.value}`;
    case 'int':
      return `i:${v.value}`;
    case 'double':
      return `d:${v.value}`;
    case 'bool':
      return `b:${v.value}`;
    case 'duration':
      return `u:${v.nanos}`;
  }
}

/** Tempo's SeriesMapKey: the labels' key without the metric name, so that `rate()` and `count_over_time()` meet. */
export function seriesMapKey(labels: readonly Label[]): string {
  return labelsKey(labels.filter((l) => l.name !== METRIC_NAME));
}
