import type { TraceComparison } from '@clew/api';
import { comparePath } from '@clew/api';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** Two traces aligned by the server (`GET /api/clew/v1/compare`); stored traces do not change, so kept a minute. */
export function useCompare(a: string, b: string) {
  return useQuery({
    queryKey: ['compare', a, b],
    queryFn: async ({ signal }) => {
      const body = await fetchJson<TraceComparison>(comparePath(a, b), signal);
      performance.mark('clew:compare-parsed');
      return body;
    },
    staleTime: 60_000,
  });
}
