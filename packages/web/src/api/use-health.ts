import type { ServiceDetailResponse, ServiceMapResponse, ServicesHealthResponse, SpanKindName } from '@clew/api';
import { queryString, ROUTES, serviceHealthPath } from '@clew/api';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from './fetch-json.js';

/** A window that ends when it is fetched: its length, and how often to fetch it again (0: never on its own). */
export interface LiveWindow {
  lengthMs: number;
  refreshMs: number;
}

/**
 * `from`/`to` for a window ending with the current minute: the rollups are per minute, so whole minutes make a rate
 * over "the last hour" a count over exactly an hour, and the steps the same on every refresh within a minute. The
 * server picks the step (at most 120 points).
 */
const bounds = (w: LiveWindow) => {
  const to = Math.ceil(Date.now() / 60_000) * 60_000;
  return { from: String(to - w.lengthMs), to: String(to) };
};

const refreshing = (w: LiveWindow) => ({ refetchInterval: w.refreshMs > 0 ? w.refreshMs : (false as const), placeholderData: keepPreviousData });

/** Every service's RED figures over the window, with the previous window's and a series for sparklines. */
export function useServicesHealth(w: LiveWindow, spanKind: SpanKindName) {
  return useQuery({
    queryKey: ['services-health', w.lengthMs, spanKind],
    queryFn: ({ signal }) => fetchJson<ServicesHealthResponse>(ROUTES.servicesHealth + queryString({ ...bounds(w), spanKind }), signal),
    ...refreshing(w),
  });
}

/** One service's series (of one operation when given), its operations and its top errors. */
export function useServiceDetail(service: string, w: LiveWindow, spanKind: SpanKindName, operation: string | undefined) {
  return useQuery({
    queryKey: ['service-health', service, w.lengthMs, spanKind, operation],
    queryFn: ({ signal }) => fetchJson<ServiceDetailResponse>(serviceHealthPath(service) + queryString({ ...bounds(w), spanKind, operation }), signal),
    ...refreshing(w),
  });
}

/** The services, the things they call, and the edges between them over the window. */
export function useServiceMap(w: LiveWindow) {
  return useQuery({
    queryKey: ['service-map', w.lengthMs],
    queryFn: ({ signal }) => fetchJson<ServiceMapResponse>(ROUTES.serviceMap + queryString(bounds(w)), signal),
    ...refreshing(w),
  });
}
