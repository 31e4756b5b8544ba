import type { SessionResponse } from '@clew/api';
import { ROUTES } from '@clew/api';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

export const SESSION_QUERY_KEY = ['session'] as const;

/** Who the UI reads as: whether auth is on, the tenant, the token's scope and the tenants it may pick. */
export function useSession() {
  return useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: ({ signal }) => fetchJson<SessionResponse>(ROUTES.session, signal),
    staleTime: 5 * 60_000,
  });
}

/** Asks the API who `token` is, without keeping it: answers the session, or throws the ApiError (401, 403, unreachable). */
export function checkToken(token: string): Promise<SessionResponse> {
  return fetchJson<SessionResponse>(ROUTES.session, undefined, token);
}
