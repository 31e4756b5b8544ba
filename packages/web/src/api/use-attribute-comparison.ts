import type { AttributeCompareResponse } from '@clew/api';
import { queryString, SEARCH_COMPARE_ROUTE } from '@clew/api';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/**
 * The attribute values over-represented in a selection of the matching spans against the rest of the window; idle
 * without a selection. No placeholder: another selection's table under this one would be read as its answer.
 */
export function useAttributeComparison(query: Record<string, string | string[] | undefined> | undefined) {
  const url = query && SEARCH_COMPARE_ROUTE + queryString(query);
  return useQuery({
    queryKey: ['search-compare', url],
    queryFn: ({ signal }) => fetchJson<AttributeCompareResponse>(url!, signal),
    enabled: url !== undefined,
  });
}
