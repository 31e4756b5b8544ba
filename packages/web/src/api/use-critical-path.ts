import type { CriticalPathQueryInput, CriticalPathResponse, TracePatternsResponse } from '@clew/api';
import { CRITICAL_PATH_ROUTES, queryString, tracePatternsPath } from '@clew/api';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** The critical paths of an endpoint's traces in a window, merged (a fixed window: kept while the page is open). */
export function useCriticalPath(q: CriticalPathQueryInput) {
  return useQuery({
    queryKey: ['critical-path', q.service, q.operation, q.from, q.to, q.minDuration, q.maxDuration, q.limit],
    queryFn: ({ signal }) => fetchJson<CriticalPathResponse>(CRITICAL_PATH_ROUTES.criticalPath + queryString({ ...q }), signal),
    staleTime: Infinity,
  });
}

/** N+1 calls and retries in a trace, found by the server (it reads the statements and routes the outline leaves out). */
export function useTracePatterns(traceId: string) {
  return useQuery({
    queryKey: ['trace-patterns', traceId],
    queryFn: ({ signal }) => fetchJson<TracePatternsResponse>(tracePatternsPath(traceId), signal),
    staleTime: 60_000,
  });
}
