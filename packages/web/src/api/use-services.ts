import type { ServicesResponse } from '@clew/api';
import { ROUTES } from '@clew/api';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** Every service Clew has seen, sorted. */
export function useServices() {
  return useQuery({
    queryKey: ['services'],
    queryFn: ({ signal }) => fetchJson<ServicesResponse>(ROUTES.services, signal),
    select: (r) => r.services,
  });
}
