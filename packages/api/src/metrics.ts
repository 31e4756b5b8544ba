import { z } from 'zod';
import { optionalDuration, optionalSpanKind, optionalText, SpanKindNameSchema } from './query-params.js';

/*
 * Service health: RED metrics (rate, errors, duration) read from the per-minute rollups. Times are milliseconds
 * since the epoch; latencies are milliseconds (fractions allowed); rates are per second; error rates are fractions
 * (0..1). A figure is null where there were no requests to measure.
 */

const epochMillis = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (s === undefined || s === '') return undefined;
    if (!/^\d{1,15}$/.test(s)) {
      ctx.addIssue({ code: 'custom', message: `expected milliseconds since the epoch, got '${s}'` });
      return z.NEVER;
    }
    return Number(s);
  });

/**
 * The window every health query takes: `to` (default now) back to `from` (default one hour before `to`); `step`
 * a duration ("1m", "5m"; default chosen so a chart has at most 120 points, at least one minute).
 */
export const HealthWindowSchema = z
  .object({ from: epochMillis, to: epochMillis, step: optionalDuration, spanKind: optionalSpanKind })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.to <= q.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
  });
export type HealthWindowInput = z.input<typeof HealthWindowSchema>;

/** The largest number of points a health series has; a smaller step is refused with a message naming it. */
export const HEALTH_MAX_POINTS = 1440;

/** RED figures over a window or one step of it. */
export const RedFiguresSchema = z.object({
  /** Requests (spans), a weight: head-sampled spans count for what they stand for. */
  count: z.number(),
  /** Requests per second over the window or step. */
  rate: z.number(),
  errors: z.number(),
  errorRate: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** Total time spent in these spans, ms: an operation's impact is its share of the service's. */
  totalMs: z.number(),
});
export type RedFigures = z.infer<typeof RedFiguresSchema>;

/** One step of a series: RED figures of [t, t + step). */
export const RedPointSchema = RedFiguresSchema.extend({ t: z.number() });
export type RedPoint = z.infer<typeof RedPointSchema>;

/** A row of the Services page. */
export const ServiceHealthSchema = z.object({
  service: z.string(),
  figures: RedFiguresSchema,
  /** The same figures over the window just before (same length); null when the rollups hold nothing then. */
  previous: RedFiguresSchema.nullable(),
  /** The window's series (for sparklines), one point per step, empty steps included with zero counts. */
  series: z.array(RedPointSchema),
});
export type ServiceHealth = z.infer<typeof ServiceHealthSchema>;

/** `GET /api/clew/v1/metrics/services?from&to&step&spanKind` (spanKind defaults to server). */
export const ServicesHealthResponseSchema = z.object({
  from: z.number(),
  to: z.number(),
  step: z.number(),
  spanKind: SpanKindNameSchema,
  services: z.array(ServiceHealthSchema),
});
export type ServicesHealthResponse = z.infer<typeof ServicesHealthResponseSchema>;

/** An operation of a service's page: its figures and its share of the service's total time. */
export const OperationHealthSchema = z.object({
  operation: z.string(),
  figures: RedFiguresSchema,
  /** totalMs of the operation over totalMs of the service, 0..1. */
  impact: z.number(),
});
export type OperationHealth = z.infer<typeof OperationHealthSchema>;

/** A kind of error seen in the window, most frequent first. */
export const ErrorSummarySchema = z.object({
  operation: z.string(),
  /** `exception.type`, or '' when the span had only a status message. */
  type: z.string(),
  message: z.string(),
  count: z.number(),
  lastSeen: z.number(),
});
export type ErrorSummary = z.infer<typeof ErrorSummarySchema>;

/** `GET /api/clew/v1/metrics/services/:service?from&to&step&spanKind&operation` */
export const ServiceDetailQuerySchema = HealthWindowSchema.and(z.object({ operation: optionalText }));
export type ServiceDetailQueryInput = z.input<typeof ServiceDetailQuerySchema>;

export const ServiceDetailResponseSchema = z.object({
  service: z.string(),
  from: z.number(),
  to: z.number(),
  step: z.number(),
  spanKind: SpanKindNameSchema,
  /** The operation the series is restricted to, when one was asked for. */
  operation: z.string().nullable(),
  figures: RedFiguresSchema,
  series: z.array(RedPointSchema),
  operations: z.array(OperationHealthSchema),
  errors: z.array(ErrorSummarySchema),
  /**
   * The name excess operations are counted under once the service passes its operation limit
   * (metrics.maxOperationsPerService), when that happened in the window; null otherwise.
   */
  overflowOperation: z.string().nullable(),
});
export type ServiceDetailResponse = z.infer<typeof ServiceDetailResponseSchema>;

/** What a node of the service map is: an instrumented service, or something its clients named. */
export const MAP_NODE_TYPES = ['service', 'database', 'messaging', 'virtual'] as const;
export const MapNodeSchema = z.object({
  id: z.string(),
  type: z.enum(MAP_NODE_TYPES),
});
export type MapNode = z.infer<typeof MapNodeSchema>;

export const MapEdgeSchema = z.object({
  client: z.string(),
  server: z.string(),
  /** Tempo's connection_type: '' (client/server pair), messaging_system, database, virtual_node. */
  connectionType: z.enum(['', 'messaging_system', 'database', 'virtual_node']),
  count: z.number(),
  rate: z.number(),
  failed: z.number(),
  errorRate: z.number().nullable(),
  /** p95 of the client side's durations (what the caller waited), ms; the server side's when there is no client span. */
  p95Ms: z.number().nullable(),
});
export type MapEdge = z.infer<typeof MapEdgeSchema>;

/** `GET /api/clew/v1/service-map?from&to` */
export const ServiceMapResponseSchema = z.object({
  from: z.number(),
  to: z.number(),
  nodes: z.array(MapNodeSchema),
  edges: z.array(MapEdgeSchema),
});
export type ServiceMapResponse = z.infer<typeof ServiceMapResponseSchema>;
