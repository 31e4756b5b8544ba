import type { SloDefinitionInput, SloDetailResponse, SloResponse, SlosResponse } from '@clew/api';
import { ROUTES, sloPath } from '@clew/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchJson, sendJson } from './fetch-json.js';

/** Every SLO with where it stands now. */
export function useSlos(refreshMs = 0) {
  return useQuery({
    queryKey: ['slos'],
    queryFn: ({ signal }) => fetchJson<SlosResponse>(ROUTES.slos, signal),
    select: (r) => r.slos,
    refetchInterval: refreshMs > 0 ? refreshMs : false,
  });
}

/** One SLO with its SLI and remaining budget over its compliance window. */
export function useSlo(id: string, refreshMs = 0) {
  return useQuery({
    queryKey: ['slo', id],
    queryFn: ({ signal }) => fetchJson<SloDetailResponse>(sloPath(id), signal),
    refetchInterval: refreshMs > 0 ? refreshMs : false,
  });
}

/** Creates (no `existingId`) or replaces an API-defined SLO; the lists are read again after. */
export function useSaveSlo(existingId: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (definition: SloDefinitionInput) =>
      existingId === undefined ? sendJson<SloResponse>('POST', ROUTES.slos, definition) : sendJson<SloResponse>('PUT', sloPath(existingId), definition),
    onSuccess: () => client.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'slos' || q.queryKey[0] === 'slo' }),
  });
}

export function useDeleteSlo() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => sendJson<unknown>('DELETE', sloPath(id)),
    onSuccess: (_r, id) => {
      client.removeQueries({ queryKey: ['slo', id] });
      // The list may be showing from the cache before it is read again: it should not show the SLO just deleted.
      client.setQueryData<SlosResponse>(['slos'], (r) => r && { slos: r.slos.filter((v) => v.definition.id !== id) });
      return client.invalidateQueries({ queryKey: ['slos'] });
    },
  });
}
