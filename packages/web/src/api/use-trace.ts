import type { ApiTrace } from '@clew/api';
import { tracePath } from '@clew/api';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** One whole trace. A trace does not change once complete, so it is kept for the session. */
export function traceQuery(traceId: string) {
  return queryOptions({
    queryKey: ['trace', traceId],
    queryFn: async ({ signal }) => {
      const trace = await fetchJson<ApiTrace>(tracePath(traceId), signal);
      // bench/ui.js reads these marks to split time to interactive into server, parse, analysis and render.
      performance.mark('clew:trace-parsed');
      return trace;
    },
    staleTime: 60_000,
  });
}

export function useTrace(traceId: string) {
  return useQuery(traceQuery(traceId));
}
