import type { ApiTrace, ApiTraceOutline, TraceSearchResponse } from '@clew/api';
import { queryString, traceOutlinePath, traceSearchPath, traceSpanPath } from '@clew/api';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** A trace does not change once complete, so what is read of it is kept for the session. */
const TRACE_STALE_MS = 60_000;

/** A trace's outline: the columns the trace page draws (span details come one at a time, see useSpanDetail). */
export function traceQuery(traceId: string) {
  return queryOptions({
    queryKey: ['trace-outline', traceId],
    queryFn: async ({ signal }) => {
      const outline = await fetchJson<ApiTraceOutline>(traceOutlinePath(traceId), signal);
      // bench/ui.js reads these marks to split time to interactive into server, parse, analysis and render.
      performance.mark('clew:trace-parsed');
      return outline;
    },
    staleTime: TRACE_STALE_MS,
  });
}

export function useTrace(traceId: string) {
  return useQuery(traceQuery(traceId));
}

/** One span with everything about it, as an ApiTrace of that span with its resource and scope. */
export function useSpanDetail(traceId: string, spanId: string) {
  return useQuery({
    queryKey: ['trace-span', traceId, spanId],
    queryFn: ({ signal }) => fetchJson<ApiTrace>(traceSpanPath(traceId, spanId), signal),
    staleTime: TRACE_STALE_MS,
  });
}

/** Indexes of the spans matching `q` with their attributes searched too (by the server); idle for an empty `q`. */
export function useTraceSearch(traceId: string, q: string) {
  return useQuery({
    queryKey: ['trace-search', traceId, q],
    queryFn: ({ signal }) => fetchJson<TraceSearchResponse>(traceSearchPath(traceId) + queryString({ q }), signal),
    enabled: q.trim() !== '',
    staleTime: TRACE_STALE_MS,
  });
}
