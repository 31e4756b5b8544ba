import type { SearchQuery, SearchResponse, TraceRow } from '@clew/api';
import { anchorText } from '@clew/api';
import type { TraceId } from '@clew/model';
import type { MatchedSpan, SpanReader, TraceDigest } from '@clew/storage';
import { hasSpanConditions, toTraceQuery } from './to-trace-query.js';
import { traceRow } from './trace-row.js';
import { searchTraceQLPage } from './traceql-search.js';

/** Which of the traces the trace archive keeps (a tenant's `TraceArchive.archivedAmong`). */
export type ArchivedAmong = (traceIds: readonly TraceId[]) => Promise<Set<TraceId>>;

/**
 * One page of a trace search, by the form's fields or by TraceQL (`q`): the native API's search route and the MCP
 * server's search tool both answer with it. Rows say when their trace is archived (`archivedAmong`) or in an attached
 * range archive.
 */
export async function searchTraces(store: SpanReader, q: SearchQuery, archivedAmong?: ArchivedAmong): Promise<SearchResponse> {
  const page = await searchPage(store, q);
  return { ...page, traces: await markArchived(page.traces, store, archivedAmong) };
}

async function markArchived(rows: TraceRow[], store: SpanReader, archivedAmong: ArchivedAmong | undefined): Promise<TraceRow[]> {
  if (rows.length === 0) return rows;
  const ids = rows.map((r) => r.traceId as TraceId);
  const [kept, ranged] = await Promise.all([archivedAmong?.(ids), store.rangeArchived?.(ids)]);
  if (!kept?.size && !ranged?.size) return rows;
  return rows.map((r) => ({
    ...r,
    ...(kept?.has(r.traceId as TraceId) && { archived: true as const }),
    ...(ranged?.has(r.traceId as TraceId) && { rangeArchived: true as const }),
  }));
}

async function searchPage(store: SpanReader, q: SearchQuery): Promise<SearchResponse> {
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
