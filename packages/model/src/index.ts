export type { AnyValue, Attributes, KeyValue } from './attributes.js';
export type { AnyValueJsonStyle } from './any-value-json.js';
export { anyValueJsonText, goHtmlSafe } from './any-value-json.js';
export { anyValueToString, bool, dbl, getAttribute, getStringAttribute, int, SharedAttributeBytes, sharedAttributeId, sharedKeyValue, str } from './attributes.js';
export type { SpanId, TraceId } from './ids.js';
export {
  bytesToHex,
  hexToBytes,
  isSpanId,
  isTraceId,
  parseSpanId,
  parseTraceId,
  ZERO_SPAN_ID,
  ZERO_TRACE_ID,
} from './ids.js';
export type { LatencyBins } from './latency-bins.js';
export { EMPTY_LATENCY_BINS } from './latency-bins.js';
export type { EntityRef, Resource, Scope, Span, SpanEvent, SpanLink, SpanStatus } from './span.js';
export { serviceName, SPAN_KIND_NAMES, SpanKind, spanDuration, StatusCode, UNKNOWN_SERVICE } from './span.js';
export type { SpanOutline } from './span-outline.js';
export { compareSpanOrder, spanOutline } from './span-outline.js';
export type { Tenant } from './tenant.js';
export { DEFAULT_TENANT, isValidTenant } from './tenant.js';
export type { Micros, Millis, Nanos, UnixNanos } from './time.js';
export {
  microsToNanos,
  millisToNanos,
  NANOS_PER_MICRO,
  NANOS_PER_MILLI,
  nanos,
  nanosToMicros,
  nanosToMillis,
  nowNanos,
  unixNanos,
} from './time.js';
