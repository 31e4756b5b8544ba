import type { SearchQuery, SearchResponse, TraceRow } from '@clew/api';
import { anchorText } from '@clew/api';
import type { MatchedSpan, SpanReader, TraceDigest } from '@clew/storage';
import { hasSpanConditions, toTraceQuery } from './to-trace-query.js';
import { traceRow } from './trace-row.js';
import { searchTraceQLPage } from './traceql-search.js';

/**
 * One page of a trace search, by the form's fields or by TraceQL (`q`): the native API's search route and the MCP
 * server's search tool both answer with it.
 */
export async function searchTraces(store: SpanReader, q: SearchQuery): Promise<SearchResponse> {
  if (q.q !== undefined) {
    const page = await searchTraceQLPage(store, q.q, q);
    const digests = await store.summarizeTraces(page.traceIds);
    const traces = page.traceIds.flatMap((id) => rowOf(digests.get(id)));
    return { traces, total: page.total, totalIsLowerBound: page.totalIsLowerBound, limit: q.limit, offset: q.offset };
  }
  const query = toTraceQuery(q);
  const found = await store.findTraces(query);
  // One query for the page's rows, whatever its size. A trace retention dropped since the search has no digest and
  // no row.
  const digests = await store.summarizeTraces(found.traces.map((t) => t.traceId));
  const withMatch = hasSpanConditions(query);
  const traces = found.traces.flatMap((t) => rowOf(digests.get(t.traceId), withMatch ? t.matched : undefined));
  const anchor = query.anchor ?? found.newest;
  return {
    traces,
    total: found.total,
    limit: q.limit,
    offset: q.offset,
    ...(anchor !== undefined && { anchor: anchorText({ startTimeUnixNano: anchor.startTimeUnixNano.toString(), traceId: anchor.traceId }) }),
    ...(found.newSinceAnchor !== undefined && { newSinceAnchor: found.newSinceAnchor }),
  };
}

const rowOf = (d: TraceDigest | undefined, matched?: MatchedSpan): TraceRow[] => (d === undefined ? [] : [traceRow(d, matched)]);
