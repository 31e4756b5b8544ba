export type { ClewConfig, ClewConfigInput } from './config/schema.js';
export { configSchema } from './config/schema.js';
export { commaList, configFromEnv, configFromFile, mergeConfig, resolveConfig } from './config/load.js';
export { durationMs } from './config/duration.js';
export { ClewError } from './errors.js';
export type { SpanMetricsOptions } from './span-metrics/span-metrics-consumer.js';
export { SpanMetricsConsumer } from './span-metrics/span-metrics-consumer.js';
export { openDataDirMetricsStore, spanMetricsOptions } from './span-metrics/span-metrics-config.js';
export type { HealthWindow } from './query/metrics/health-window.js';
export { resolveHealthWindow } from './query/metrics/health-window.js';
export { readSlo } from './slo/evaluate.js';
export type {
  TraceQLMatchedSpan,
  TraceQLQuery,
  TraceQLSearchOptions,
  TraceQLSearchResult,
  TraceQLSpanSet,
  TraceQLSyntaxError,
  TraceQLTraceMatch,
} from './query/traceql/index.js';
export { evaluateTraceQL, MAX_INSPECTED_TRACES, parseTraceQL, searchTraceQL } from './query/traceql/index.js';
export type { RunningClew } from './serve.js';
export { REDACT, startClew } from './serve.js';
export { createToken, hashToken } from './auth/tokens.js';
export { Authenticator } from './auth/authenticator.js';
export { TenantLimits } from './auth/tenant-limits.js';
export { createMetrics } from './observability/metrics.js';
export { HashRing } from './pipeline/forward/ring.js';
export type { ExportFormat } from './api/export/export-format.js';
export { encodeExportRequests, EXPORT_CONTENT_TYPES, EXPORT_ROUTE, EXPORT_SPANS_HEADER, SPANS_PER_REQUEST } from './api/export/export-format.js';
export {
  RANGE_ARCHIVE_CONTENT_TYPE,
  RANGE_ARCHIVE_ROUTE,
  rangeArchiveFrame,
  RangeArchiveFrames,
  type RangeArchiveFrame,
} from './api/export/range-archive-frames.js';
export type { ExportSelection, SelectedSpans } from './api/export/select-spans.js';
export { selectSpans } from './api/export/select-spans.js';
export { walRecordsAfter } from './wal/wal.js';
