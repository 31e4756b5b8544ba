import type { TraceId, UnixNanos } from '@clew/model';
import { nowNanos } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import type { TraceQLQuery } from './ast.js';
import { candidateTraces } from './candidates.js';
import { evaluateTrace, prepareQuery } from './evaluate.js';
import { candidateConditions } from './pushdown.js';
import { TraceIndex } from './trace-index.js';
import type { TraceQLSearchOptions, TraceQLSearchResult, TraceQLTraceMatch } from './types.js';

/** Search stops after reading this many candidate traces, matched or not; the result says how many it read. */
export const MAX_INSPECTED_TRACES = 1_000;
/**
 * Most traces read from the store in one getTraces call. A batch asks for as many as are still missing, and twice
 * the last batch while candidates keep being rejected.
 */
const MAX_BATCH = 64;

/**
 * Finds the newest traces the query matches: candidates come newest first from the store (candidateTraces), each
 * is read in full (getTraces, in batches) and evaluated, until `limit` traces match or MAX_INSPECTED_TRACES were read.
 * Results are ordered by trace start, newest first, ties by trace id.
 */
export async function searchTraces(store: SpanReader, query: TraceQLQuery, options: TraceQLSearchOptions): Promise<TraceQLSearchResult> {
  const limit = Math.max(1, Math.trunc(options.limit));
  const prepared = prepareQuery(query);
  const found: TraceQLTraceMatch[] = [];
  let inspectedTraces = 0;
  let inspectedSpans = 0;
  let batchSize = 0;
  for await (const page of candidateTraces(store, candidateConditions(query), { ...options, now: nowNanos() })) {
    const ids = page.slice(0, MAX_INSPECTED_TRACES - inspectedTraces);
    for (let i = 0; i < ids.length && found.length < limit; i += batchSize) {
      batchSize = Math.min(MAX_BATCH, Math.max(limit - found.length, batchSize * 2));
      const batch = ids.slice(i, i + batchSize);
      const traces = await store.getTraces(batch);
      // Accepted in candidate order, so that the same data always gives the same answer.
      for (let k = 0; k < batch.length && found.length < limit; k++) {
        const spans = traces.get(batch[k]!) ?? [];
        inspectedTraces++;
        inspectedSpans += spans.length;
        if (spans.length === 0) continue;
        const trace = new TraceIndex(spans);
        if (options.minDuration !== undefined && trace.duration < options.minDuration) continue;
        if (options.maxDuration !== undefined && trace.duration > options.maxDuration) continue;
        const spanSets = evaluateTrace(prepared, trace, options.spansPerSpanSet);
        if (spanSets.length > 0) found.push(traceMatch(batch[k]!, trace, spanSets));
      }
    }
    if (found.length >= limit || inspectedTraces >= MAX_INSPECTED_TRACES) break;
  }
  found.sort((a, b) => (a.startTimeUnixNano > b.startTimeUnixNano ? -1 : a.startTimeUnixNano < b.startTimeUnixNano ? 1 : a.traceId < b.traceId ? -1 : 1));
  return { traces: found, inspectedTraces, inspectedSpans };
}

function traceMatch(traceId: TraceId, trace: TraceIndex, spanSets: TraceQLTraceMatch['spanSets']): TraceQLTraceMatch {
  return {
    traceId,
    ...(trace.rootServiceName !== undefined ? { rootServiceName: trace.rootServiceName } : {}),
    ...(trace.rootName !== undefined ? { rootSpanName: trace.rootName } : {}),
    startTimeUnixNano: trace.start as UnixNanos,
    durationNanos: trace.duration,
    spanSets,
  };
}
