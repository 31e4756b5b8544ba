import type { ApiTrace } from '@clew/api';
import { tracePath } from '@clew/api';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** One whole trace. A trace does not change once complete, so it is kept for the session. */
export function useTrace(traceId: string) {
  return useQuery({
    queryKey: ['trace', traceId],
    queryFn: ({ signal }) => fetchJson<ApiTrace>(tracePath(traceId), signal),
    staleTime: 60_000,
  });
}
