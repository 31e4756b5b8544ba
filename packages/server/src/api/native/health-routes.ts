import type { ServiceDetailResponse, ServiceMapResponse, ServicesHealthResponse } from '@clew/api';
import { HEALTH_MAX_POINTS, HealthWindowSchema, ROUTES, ServiceDetailQuerySchema } from '@clew/api';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { resolveHealthWindow } from '../../query/metrics/health-window.js';
import type { ServiceHealthQueries } from '../../query/metrics/service-health.js';
import { parseQuery, parseWith } from './parse-params.js';

const ServiceParamsSchema = z.object({ service: z.string().min(1) });

/** Service health on the native API: the Services page, a service's page, the service map (shapes in @clew/api metrics.ts). */
export function registerHealthRoutes(app: FastifyInstance, health: ServiceHealthQueries, now: () => number = Date.now): void {
  app.get(ROUTES.servicesHealth, async (request): Promise<ServicesHealthResponse> => {
    const q = parseQuery(request, HealthWindowSchema);
    const w = resolveHealthWindow({ from: q.from, to: q.to, stepNanos: q.step }, now(), HEALTH_MAX_POINTS);
    const spanKind = q.spanKind ?? 'server';
    return { ...w, spanKind, services: await health.forTenant(request.tenant).services(w, spanKind) };
  });

  app.get(ROUTES.serviceHealth, async (request): Promise<ServiceDetailResponse> => {
    const { service } = parseWith(ServiceParamsSchema, request.params);
    const q = parseQuery(request, ServiceDetailQuerySchema);
    const w = resolveHealthWindow({ from: q.from, to: q.to, stepNanos: q.step }, now(), HEALTH_MAX_POINTS);
    const spanKind = q.spanKind ?? 'server';
    return { ...w, spanKind, ...(await health.forTenant(request.tenant).service(service, w, spanKind, q.operation)) };
  });

  app.get(ROUTES.serviceMap, async (request): Promise<ServiceMapResponse> => {
    const q = parseQuery(request, HealthWindowSchema);
    const w = resolveHealthWindow({ from: q.from, to: q.to, stepNanos: q.step }, now(), HEALTH_MAX_POINTS);
    return { from: w.from, to: w.to, ...(await health.forTenant(request.tenant).map(w)) };
  });
}
