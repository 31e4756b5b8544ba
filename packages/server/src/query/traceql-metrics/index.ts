export type { RangeRequest } from './interval-mapper.js';
export { alignRequest, defaultStep, intervalMapper } from './interval-mapper.js';
export type { MetricsQueryOptions, MetricsQueryResult } from './query-range.js';
export { MAX_METRICS_SPANS, queryRangeTraceQL } from './query-range.js';
export type { ResponseSeries, Sample } from './response-series.js';
export type { Exemplar, Label, LabelValue } from './series.js';
