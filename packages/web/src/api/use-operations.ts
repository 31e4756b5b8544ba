import type { OperationsResponse } from '@clew/api';
import { queryString, ROUTES } from '@clew/api';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** The operations (span name and kind) of one service; idle until a service is chosen. */
export function useOperations(service: string | undefined) {
  return useQuery({
    queryKey: ['operations', service],
    queryFn: ({ signal }) => fetchJson<OperationsResponse>(ROUTES.operations + queryString({ service }), signal),
    select: (r) => r.operations,
    enabled: !!service,
  });
}
