import type { HeatmapResponse } from '@clew/api';
import { queryString, SEARCH_HEATMAP_ROUTE } from '@clew/api';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** The latency heatmap of every span matching the search (never sampled); idle without a query (TraceQL mode). */
export function useHeatmap(query: Record<string, string | string[] | undefined> | undefined) {
  const url = query && SEARCH_HEATMAP_ROUTE + queryString(query);
  return useQuery({
    queryKey: ['search-heatmap', url],
    queryFn: ({ signal }) => fetchJson<HeatmapResponse>(url!, signal),
    enabled: url !== undefined,
    placeholderData: keepPreviousData,
  });
}
