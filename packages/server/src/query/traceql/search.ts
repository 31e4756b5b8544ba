import type { TraceId, UnixNanos } from '@clew/model';
import type { Store, TraceQuery, TraceSummary } from '@clew/storage';
import type { TraceQLQuery } from './ast.js';
import { evaluateTrace, prepareQuery } from './evaluate.js';
import type { SpanCondition } from './pushdown.js';
import { candidateConditions } from './pushdown.js';
import { TraceIndex } from './trace-index.js';
import type { TraceQLSearchOptions, TraceQLSearchResult, TraceQLTraceMatch } from './types.js';

/** Search stops after reading this many candidate traces, matched or not; the result says how many it read. */
export const MAX_INSPECTED_TRACES = 2_000;
/** Traces fetched from the store at once. */
const FETCH_CONCURRENCY = 8;
/** The first page of candidates is small (most searches end there); later pages grow up to the last size. */
const PAGE_SIZES = [50, 200, 500];
/** At most this many pushed-down conditions are tried to find the most selective. */
const MAX_CONDITIONS = 4;

/**
 * Finds the newest traces the query matches. Candidates come from Store.findTraces with the most selective
 * condition the query implies (see candidateConditions), newest first, page by page; each is read in full with
 * getTrace and evaluated, until `limit` traces match or MAX_INSPECTED_TRACES were read. Results are ordered by trace
 * start, newest first, ties by trace id.
 */
export async function searchTraces(store: Store, query: TraceQLQuery, options: TraceQLSearchOptions): Promise<TraceQLSearchResult> {
  const limit = Math.max(1, Math.trunc(options.limit));
  const prepared = prepareQuery(query);
  const base: TraceQuery = {
    limit: PAGE_SIZES[0]!,
    ...(options.start !== undefined ? { start: options.start } : {}),
    ...(options.end !== undefined ? { end: options.end } : {}),
  };
  let { query: candidates, firstPage } = await mostSelective(store, base, candidateConditions(query), options.maxDuration);
  const found: TraceQLTraceMatch[] = [];
  let inspectedTraces = 0;
  let inspectedSpans = 0;
  let offset = 0;
  let page = firstPage.traces;
  for (let round = 0; found.length < limit && inspectedTraces < MAX_INSPECTED_TRACES; round++) {
    if (round > 0) {
      const size = PAGE_SIZES[Math.min(round, PAGE_SIZES.length - 1)]!;
      page = (await store.findTraces({ ...candidates, limit: size, offset })).traces;
    }
    if (page.length === 0) break;
    offset += page.length;
    const ids = page.slice(0, MAX_INSPECTED_TRACES - inspectedTraces);
    for (let i = 0; i < ids.length && found.length < limit; i += FETCH_CONCURRENCY) {
      const batch = ids.slice(i, i + FETCH_CONCURRENCY);
      const traces = await Promise.all(batch.map((t) => store.getTrace(t.traceId)));
      // Accepted in candidate order, not completion order, so that the same data always gives the same answer.
      for (let k = 0; k < traces.length && found.length < limit; k++) {
        const spans = traces[k]!;
        inspectedTraces++;
        inspectedSpans += spans.length;
        if (spans.length === 0) continue;
        const trace = new TraceIndex(spans);
        if (options.minDuration !== undefined && trace.duration < options.minDuration) continue;
        if (options.maxDuration !== undefined && trace.duration > options.maxDuration) continue;
        const spanSets = evaluateTrace(prepared, trace, options.spansPerSpanSet);
        if (spanSets.length === 0) continue;
        found.push(traceMatch(batch[k]!.traceId, trace, spanSets));
      }
    }
    if (page.length < (round === 0 ? candidates.limit : PAGE_SIZES[Math.min(round, PAGE_SIZES.length - 1)]!)) break;
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

/**
 * Asks the store for the first page under each condition at once and keeps the one with the fewest matching
 * traces (the store reports the real total). A bound on trace duration also bounds each span's duration, so a
 * maximum trace duration narrows every condition.
 */
async function mostSelective(
  store: Store,
  base: TraceQuery,
  conditions: SpanCondition[],
  maxTraceDuration: bigint | undefined,
): Promise<{ query: TraceQuery; firstPage: { traces: readonly TraceSummary[]; total: number } }> {
  const choices = (conditions.length > 0 ? conditions.slice(0, MAX_CONDITIONS) : [{}]).map((c): TraceQuery => {
    const maxDuration = c.maxDuration === undefined ? maxTraceDuration : maxTraceDuration === undefined || c.maxDuration < maxTraceDuration ? c.maxDuration : maxTraceDuration;
    return { ...base, ...c, ...(maxDuration !== undefined ? { maxDuration } : {}) };
  });
  const pages = await Promise.all(choices.map((q) => store.findTraces(q)));
  let best = 0;
  for (let i = 1; i < pages.length; i++) if (pages[i]!.total < pages[best]!.total) best = i;
  return { query: choices[best]!, firstPage: pages[best]! };
}
