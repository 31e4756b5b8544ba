import type { SearchQueryInput, SearchResponse } from '@clew/api';
import { queryString, ROUTES } from '@clew/api';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** One page of matching traces, newest first, with the real total; the previous page stays up while the next loads. */
export function useSearch(query: SearchQueryInput) {
  const url = ROUTES.search + queryString(query as Record<string, string | readonly string[] | undefined>);
  return useQuery({
    queryKey: ['search', url],
    queryFn: ({ signal }) => fetchJson<SearchResponse>(url, signal),
    placeholderData: keepPreviousData,
  });
}
