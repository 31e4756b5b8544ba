import type { AttributeKeysResponse, AttributeValuesResponse } from '@clew/api';
import { queryString, ROUTES } from '@clew/api';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** Attribute keys seen recently (optionally for one service) that start with `prefix`. */
export function useAttributeKeys(service: string | undefined, prefix: string, enabled: boolean) {
  return useQuery({
    queryKey: ['attribute-keys', service, prefix],
    queryFn: ({ signal }) => fetchJson<AttributeKeysResponse>(ROUTES.attributeKeys + queryString({ service, prefix }), signal),
    select: (r) => r.keys,
    enabled,
    staleTime: 30_000,
  });
}

/** Values seen recently for `key`, most recent first. */
export function useAttributeValues(key: string, service: string | undefined, prefix: string, enabled: boolean) {
  return useQuery({
    queryKey: ['attribute-values', key, service, prefix],
    queryFn: ({ signal }) =>
      fetchJson<AttributeValuesResponse>(ROUTES.attributeValues + queryString({ key, service, prefix }), signal),
    select: (r) => r.values,
    enabled: enabled && key !== '',
    staleTime: 30_000,
  });
}
