import type { SearchPointsResponse, SearchQueryInput, SearchResponse } from '@clew/api';
import { queryString, ROUTES } from '@clew/api';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

const searchUrl = (route: string, query: SearchQueryInput) => route + queryString(query as Record<string, string | readonly string[] | undefined>);

/** One page of matching traces with the real total; the previous page stays up (marked stale) while the next loads. */
export function useSearch(query: SearchQueryInput) {
  const url = searchUrl(ROUTES.search, query);
  return useQuery({
    queryKey: ['search', url],
    queryFn: ({ signal }) => fetchJson<SearchResponse>(url, signal),
    placeholderData: keepPreviousData,
  });
}

/** Every matching trace's start and duration for the scatter (a uniform sample past 2,000); idle without a query. */
export function useSearchPoints(query: SearchQueryInput | undefined) {
  const url = query && searchUrl(ROUTES.searchPoints, query);
  return useQuery({
    queryKey: ['search-points', url],
    queryFn: ({ signal }) => fetchJson<SearchPointsResponse>(url!, signal),
    enabled: url !== undefined,
    placeholderData: keepPreviousData,
  });
}
