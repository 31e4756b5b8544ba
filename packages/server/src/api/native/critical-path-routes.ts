import type { AggregateCriticalPath } from '@clew/analysis';
import { CriticalPathAggregator, patternSpansFromModel, timedSpansFromModel, tracePatterns } from '@clew/analysis';
import type { CriticalPathQuery, CriticalPathResponse, TracePatternsResponse } from '@clew/api';
import { CRITICAL_PATH_DEFAULT_WINDOW_MS, CRITICAL_PATH_ROUTES, CriticalPathQuerySchema, TraceParamsSchema, TracePatternsQuerySchema } from '@clew/api';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { serviceName } from '@clew/model';
import type { SpanReader, Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { parseQuery, parseWith } from './parse-params.js';

/** Traces read per getTraces call: one call costs about as much for 256 traces as for one (see traceql-metrics). */
const BATCH = 256;

/** The endpoint a critical-path aggregate is of, as the spans of a trace are matched against it (times in ns). */
interface Endpoint {
  readonly service: string;
  readonly operation: string;
  readonly start: bigint;
  readonly end: bigint;
  readonly minDuration?: bigint;
  readonly maxDuration?: bigint;
}

/**
 * "Explain the slowness" routes: the critical paths of an endpoint's traces merged, and the N+1 calls and retries of
 * one trace. Patterns are found here rather than in the UI because they need attributes the trace page's outline
 * leaves out (statements and routes tell calls apart), and because other clients (an MCP tool) want the answer too.
 */
export function registerCriticalPathRoutes(app: FastifyInstance, store: Store, now: () => number = Date.now): void {
  app.get(CRITICAL_PATH_ROUTES.criticalPath, async (request): Promise<CriticalPathResponse> =>
    endpointCriticalPath(spanReaderFor(store, request.tenant), parseQuery(request, CriticalPathQuerySchema), now()),
  );

  app.get(CRITICAL_PATH_ROUTES.tracePatterns, async (request): Promise<TracePatternsResponse> => {
    const { traceId } = parseWith(TraceParamsSchema, request.params);
    const { minRepeats } = parseQuery(request, TracePatternsQuerySchema);
    return tracePatternsOf(spanReaderFor(store, request.tenant), traceId, minRepeats);
  });
}

/**
 * Adds a trace's critical path below its earliest span matching the endpoint (as the search's matched span is the
 * earliest), so each trace counts once. A trace whose match has gone (retention since the search) adds nothing.
 */
function addTrace(aggregator: CriticalPathAggregator, spans: readonly Span[], e: Endpoint): void {
  let match = -1;
  spans.forEach((s, i) => {
    if (s.name !== e.operation || s.startTimeUnixNano < e.start || s.startTimeUnixNano > e.end) return;
    const d = s.endTimeUnixNano > s.startTimeUnixNano ? s.endTimeUnixNano - s.startTimeUnixNano : 0n;
    if ((e.minDuration !== undefined && d < e.minDuration) || (e.maxDuration !== undefined && d > e.maxDuration)) return;
    if (serviceName(s.resource) !== e.service) return;
    if (match < 0 || s.startTimeUnixNano < spans[match]!.startTimeUnixNano) match = i;
  });
  if (match >= 0) aggregator.add(timedSpansFromModel(spans), match);
}

/**
 * The critical paths of an endpoint's traces in a window merged: which operations its time waits on (the route
 * above and the MCP server's endpoint_critical_path).
 */
export async function endpointCriticalPath(store: SpanReader, q: CriticalPathQuery, nowMs: number): Promise<CriticalPathResponse> {
  const end = q.to ?? BigInt(nowMs) * 1_000_000n;
  const start = q.from ?? end - BigInt(CRITICAL_PATH_DEFAULT_WINDOW_MS) * 1_000_000n;
  const endpoint: Endpoint = { service: q.service, operation: q.operation, start, end, ...(q.minDuration !== undefined && { minDuration: q.minDuration }), ...(q.maxDuration !== undefined && { maxDuration: q.maxDuration }) };
  // tracePoints rather than findTraces pages: past the limit it answers a uniform sample by trace id (the same
  // traces each time), where pages would take the newest only and skew the aggregate toward the window's end.
  const found = await store.tracePoints(
    {
      service: q.service,
      operation: q.operation,
      start: start as UnixNanos,
      end: end as UnixNanos,
      ...(q.minDuration !== undefined && { minDuration: q.minDuration }),
      ...(q.maxDuration !== undefined && { maxDuration: q.maxDuration }),
      limit: 1,
    },
    q.limit,
  );
  const aggregator = new CriticalPathAggregator();
  const ids = found.points.map((p) => p.traceId);
  for (let i = 0; i < ids.length; i += BATCH) {
    const traces = await store.getTraces(ids.slice(i, i + BATCH));
    for (const spans of traces.values()) addTrace(aggregator, spans, endpoint);
  }
  const result: AggregateCriticalPath = aggregator.result();
  return {
    service: q.service,
    operation: q.operation,
    from: Number(start / 1_000_000n),
    to: Number(end / 1_000_000n),
    matched: found.total,
    used: result.traces,
    sampled: found.sampled,
    totalNs: result.totalNs,
    operations: [...result.operations],
    flame: [...result.flame],
  };
}

/** The N+1 calls and retries in one trace (the route above and the MCP server's trace_patterns); TRACE_NOT_FOUND when absent. */
export async function tracePatternsOf(store: SpanReader, traceId: TraceId, minRepeats: number): Promise<TracePatternsResponse> {
  const spans = await store.getTrace(traceId);
  if (spans.length === 0) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} not found`);
  const found = tracePatterns(patternSpansFromModel(spans), { minRepeats });
  const idOf = (i: number): string => spans[i]!.spanId;
  const common = (f: (typeof found.nPlusOne)[number] | (typeof found.retries)[number]) => ({
    parentSpanId: idOf(f.parent),
    spanIds: f.spans.map(idOf),
    service: f.service,
    name: f.name,
    ...(f.detail !== undefined && { detail: f.detail }),
    ...(f.callee !== undefined && { callee: f.callee }),
    totalNs: f.totalNs,
  });
  return {
    traceId,
    minRepeats,
    nPlusOne: found.nPlusOne.map((f) => ({ ...common(f), count: f.count })),
    retries: found.retries.map((f) => ({ ...common(f), attempts: f.attempts, failures: f.failures, succeeded: f.succeeded })),
  };
}
