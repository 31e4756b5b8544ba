/** Where the native API lives on the query port (16686). Versioned so the UI and server can change apart later. */
export const API_BASE = '/api/clew/v1';

/**
 * The native API's routes, as fastify patterns. The UI builds URLs with {@link tracePath} and friends rather than
 * by hand, so a route that moves moves in one place.
 */
export const ROUTES = {
  services: `${API_BASE}/services`,
  operations: `${API_BASE}/operations`,
  search: `${API_BASE}/search`,
  searchPoints: `${API_BASE}/search/points`,
  trace: `${API_BASE}/traces/:traceId`,
  traceOtlp: `${API_BASE}/traces/:traceId/otlp`,
  traceOutline: `${API_BASE}/traces/:traceId/outline`,
  traceSearch: `${API_BASE}/traces/:traceId/search`,
  traceSpan: `${API_BASE}/traces/:traceId/spans/:spanId`,
  attributeKeys: `${API_BASE}/attributes/keys`,
  attributeValues: `${API_BASE}/attributes/values`,
  servicesHealth: `${API_BASE}/metrics/services`,
  serviceHealth: `${API_BASE}/metrics/services/:service`,
  serviceMap: `${API_BASE}/service-map`,
  slos: `${API_BASE}/slos`,
  session: `${API_BASE}/session`,
  slo: `${API_BASE}/slos/:id`,
} as const;

/** `/api/clew/v1/slos/{id}`: GET (SloDetailResponse), PUT (a SloDefinition), DELETE. POST to `ROUTES.slos` creates. */
export const sloPath = (id: string): string => `${API_BASE}/slos/${encodeURIComponent(id)}`;

/** `/api/clew/v1/metrics/services/{service}`: a service's series, operations and errors (ServiceDetailResponse). */
export const serviceHealthPath = (service: string): string => `${API_BASE}/metrics/services/${encodeURIComponent(service)}`;

/** `/api/clew/v1/traces/{traceId}` */
export const tracePath = (traceId: string): string => `${API_BASE}/traces/${encodeURIComponent(traceId)}`;

/** `/api/clew/v1/traces/{traceId}/otlp`: the trace as an OTLP JSON download. */
export const traceOtlpPath = (traceId: string): string => `${tracePath(traceId)}/otlp`;

/** `/api/clew/v1/traces/{traceId}/outline`: the columns the trace page draws (ApiTraceOutline). */
export const traceOutlinePath = (traceId: string): string => `${tracePath(traceId)}/outline`;

/** `/api/clew/v1/traces/{traceId}/search`: spans matching `q`, attributes included (add `queryString({ q })`). */
export const traceSearchPath = (traceId: string): string => `${tracePath(traceId)}/search`;

/** `/api/clew/v1/traces/{traceId}/spans/{spanId}`: one span, losslessly, with its resource and scope. */
export const traceSpanPath = (traceId: string, spanId: string): string => `${tracePath(traceId)}/spans/${encodeURIComponent(spanId)}`;
