import type { ZipkinJsonSpan } from '@clew/codecs';
import type { ZipkinQueryRequest } from './query-request.js';

/**
 * Zipkin's QueryRequest.test(List<Span>): whether a whole trace answers the query. The trace's timestamp (its
 * root's, else its earliest) must be inside [endTs - lookback, endTs]; every other condition must be met by some
 * span of `serviceName` (any span when none is given), not necessarily the same span.
 */
export function matchesQuery(q: ZipkinQueryRequest, trace: readonly ZipkinJsonSpan[]): boolean {
  const ts = traceTimestamp(trace);
  if (ts === 0 || ts < Number(q.endTs - q.lookback) * 1000 || ts > Number(q.endTs) * 1000) return false;
  let serviceSeen = q.serviceName === undefined;
  let spanName = q.spanName;
  let remote = q.remoteServiceName;
  let duration = q.minDuration === undefined && q.maxDuration === undefined;
  const remaining = new Map(q.annotationQuery);
  for (const span of trace) {
    if (q.serviceName !== undefined && span.localEndpoint?.serviceName !== q.serviceName) continue;
    serviceSeen = true;
    if (spanName !== undefined && span.name === spanName) spanName = undefined;
    if (remote !== undefined && span.remoteEndpoint?.serviceName === remote) remote = undefined;
    for (const a of span.annotations ?? []) if (remaining.get(a.value) === '') remaining.delete(a.value);
    for (const [key, value] of Object.entries(span.tags ?? {})) {
      const want = remaining.get(key);
      if (want !== undefined && (want === '' || want === value)) remaining.delete(key);
    }
    if (!duration) {
      const d = BigInt(span.duration ?? 0);
      duration = d >= (q.minDuration ?? 0n) && (q.maxDuration === undefined || d <= q.maxDuration);
    }
  }
  return serviceSeen && spanName === undefined && remote === undefined && remaining.size === 0 && duration;
}

/** The root span's timestamp, else the earliest one (µs; 0 when no span has one). */
export function traceTimestamp(trace: readonly ZipkinJsonSpan[]): number {
  let ts = 0;
  for (const s of trace) {
    if (s.timestamp === undefined) continue;
    if (s.parentId === undefined) return s.timestamp;
    if (ts === 0 || s.timestamp < ts) ts = s.timestamp;
  }
  return ts;
}
