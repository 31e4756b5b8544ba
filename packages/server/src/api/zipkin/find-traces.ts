import type { ZipkinJsonSpan } from '@clew/codecs';
import { toZipkinTrace } from '@clew/codecs';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import type { SpanReader, TraceQuery } from '@clew/storage';
import type { ZipkinQueryRequest } from './query-request.js';
import { matchesQuery } from './query-test.js';

/** Most candidate traces read for one search; past it the answer holds what matched so far. */
const MAX_CANDIDATES = 2000;

/** Tags Clew derives from other fields (status, kind, scope, links): not attributes, so the Store cannot filter on them. */
const DERIVED_TAG = /^(error|otel\.status_code|otel\.status_description|span\.kind|w3c\.tracestate|otel\.library\.(name|version)|otlp\.link\.\d+)$/;

/**
 * `GET /api/v2/traces`: Zipkin's conditions may be met by different spans of a trace, while the Store matches
 * traces where one span meets every condition. So the Store is asked only for what one span of the service must
 * have (the service and at most one other condition), newest first, page by page; each candidate is read whole and
 * kept when Zipkin's own test (QueryRequest.test) accepts it, until `limit` traces are found.
 */
export async function findZipkinTraces(store: SpanReader, q: ZipkinQueryRequest): Promise<ZipkinJsonSpan[][]> {
  const page = Math.min(Math.max(q.limit * 2, 50), 500);
  const base: TraceQuery = {
    ...(q.serviceName !== undefined && { service: q.serviceName }),
    ...narrowing(q),
    start: ((q.endTs - q.lookback) * 1_000_000n) as UnixNanos,
    end: (q.endTs * 1_000_000n) as UnixNanos,
    limit: page,
  };
  const found: ZipkinJsonSpan[][] = [];
  for (let offset = 0; offset < MAX_CANDIDATES; offset += page) {
    const result = await store.findTraces({ ...base, offset });
    // One read for the page's candidates.
    const read = await store.getTraces(result.traces.map((t) => t.traceId));
    const traces = result.traces.map((t) => zipkinTraceOf(read.get(t.traceId) ?? []));
    for (const trace of traces) {
      if (trace.length > 0 && matchesQuery(q, trace)) found.push(trace);
      if (found.length === q.limit) return found;
    }
    if (result.traces.length < page) break;
  }
  return found;
}

/** A trace as Zipkin JSON, spans by start time then id (the client half of a shared span first); [] when unknown. */
export async function readZipkinTrace(store: SpanReader, traceId: TraceId): Promise<ZipkinJsonSpan[]> {
  return zipkinTraceOf(await store.getTrace(traceId));
}

function zipkinTraceOf(spans: readonly Span[]): ZipkinJsonSpan[] {
  return toZipkinTrace([...spans].sort(byStart));
}

function byStart(a: Span, b: Span): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
  if (a.spanId !== b.spanId) return a.spanId < b.spanId ? -1 : 1;
  return a.kind - b.kind;
}

/** The one extra condition a single span of the service must meet, when there is one the Store can check. */
function narrowing(q: ZipkinQueryRequest): Partial<TraceQuery> {
  if (q.spanName !== undefined) return { operation: q.spanName };
  for (const [key, value] of q.annotationQuery) {
    if (value !== '' && !DERIVED_TAG.test(key)) return { attributes: [[key, value]] };
  }
  if (q.minDuration !== undefined) {
    return { minDuration: q.minDuration * 1000n, ...(q.maxDuration !== undefined && { maxDuration: q.maxDuration * 1000n }) };
  }
  return {};
}
