import { z } from 'zod';
import { integerParam, optionalDuration, optionalEpochMillis, requiredText } from './query-params.js';
import { API_BASE } from './routes.js';

/*
 * "Explain the slowness": the critical paths of one endpoint's traces merged (which operations its time waits on),
 * and the patterns found in one trace (N+1 calls, retries). Times are nanoseconds as numbers (sums of at most a few
 * thousand traces' paths stay far below 2^53); windows are milliseconds since the epoch, as the search takes them.
 */

/** The routes, as fastify patterns; the UI builds URLs with {@link tracePatternsPath}. */
export const CRITICAL_PATH_ROUTES = {
  criticalPath: `${API_BASE}/critical-path`,
  tracePatterns: `${API_BASE}/traces/:traceId/patterns`,
} as const;

/** `/api/clew/v1/traces/{traceId}/patterns`: N+1 calls and retries in the trace (TracePatternsResponse). */
export const tracePatternsPath = (traceId: string): string => `${API_BASE}/traces/${encodeURIComponent(traceId)}/patterns`;

/** How many traces one aggregate reads at most; past it, a uniform sample of that many by trace id. */
export const CRITICAL_PATH_MAX_TRACES = 1000;
/** The window when `from` is not given: the hour before `to`. */
export const CRITICAL_PATH_DEFAULT_WINDOW_MS = 3_600_000;

/**
 * `GET /api/clew/v1/critical-path` query parameters: the endpoint (a service and one of its operations) whose spans
 * started in [from, to] and, optionally, lasted between minDuration and maxDuration (a heatmap selection).
 * @example CriticalPathQuerySchema.parse({ service: 'frontend', operation: 'GET /search', minDuration: '500ms' })
 */
export const CriticalPathQuerySchema = z
  .object({
    service: requiredText,
    operation: requiredText,
    from: optionalEpochMillis,
    to: optionalEpochMillis,
    minDuration: optionalDuration,
    maxDuration: optionalDuration,
    /** Traces to read at most (1 to CRITICAL_PATH_MAX_TRACES, the default). */
    limit: integerParam(1, CRITICAL_PATH_MAX_TRACES, CRITICAL_PATH_MAX_TRACES),
  })
  .superRefine((q, ctx) => {
    if (q.minDuration !== undefined && q.maxDuration !== undefined && q.maxDuration < q.minDuration) {
      ctx.addIssue({ code: 'custom', path: ['maxDuration'], message: 'must not be less than minDuration' });
    }
    if (q.from !== undefined && q.to !== undefined && q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });
export type CriticalPathQueryInput = z.input<typeof CriticalPathQuerySchema>;
export type CriticalPathQuery = z.output<typeof CriticalPathQuerySchema>;

export const CriticalPathOperationSchema = z.object({
  service: z.string(),
  name: z.string(),
  /** Time on the critical path, summed over the traces. */
  totalNs: z.number(),
  /** totalNs over the traces it appears in. */
  meanNs: z.number(),
  /** Its part of all the traces' critical-path time (0..1). */
  share: z.number(),
  /** Traces with it on their critical path. */
  traces: z.number().int(),
});
export type CriticalPathOperationRow = z.infer<typeof CriticalPathOperationSchema>;

/** A node of the merged flame graph: a call path's critical-path time; parents come before children. */
export const CriticalPathFlameNodeSchema = z.object({
  parent: z.number().int(),
  service: z.string(),
  name: z.string(),
  selfNs: z.number(),
  totalNs: z.number(),
  traces: z.number().int(),
});

export const CriticalPathResponseSchema = z.object({
  service: z.string(),
  operation: z.string(),
  /** The window searched, ms since the epoch. */
  from: z.number(),
  to: z.number(),
  /** Traces with a matching span in the window. */
  matched: z.number().int(),
  /** Traces read and merged: all of them, or a uniform sample by trace id when more matched than `limit` (`sampled`). */
  used: z.number().int(),
  sampled: z.boolean(),
  /** The merged traces' critical paths, summed (the matching spans' durations). */
  totalNs: z.number(),
  /** By totalNs, largest first. */
  operations: z.array(CriticalPathOperationSchema),
  flame: z.array(CriticalPathFlameNodeSchema),
});
export type CriticalPathResponse = z.infer<typeof CriticalPathResponseSchema>;

/** `GET /traces/{id}/patterns?minRepeats=`: how many repeats make an N+1 (default 5). */
export const TracePatternsQuerySchema = z.object({ minRepeats: integerParam(2, 1_000_000, 5) });
export type TracePatternsQueryInput = z.input<typeof TracePatternsQuerySchema>;

const repeatedCall = {
  /** The parent span the calls were made under. */
  parentSpanId: z.string(),
  /** The calls, by start. */
  spanIds: z.array(z.string()),
  /** The caller's span: its service and name, and its statement or route (literals as `?`) when it carries one. */
  service: z.string(),
  name: z.string(),
  detail: z.string().optional(),
  /** What the call became in the service it reached, when the trace holds that span. */
  callee: z.object({ service: z.string(), name: z.string() }).optional(),
  totalNs: z.number(),
};

export const NPlusOneSchema = z.object({ ...repeatedCall, count: z.number().int() });
export type NPlusOneFinding = z.infer<typeof NPlusOneSchema>;
export const RetrySchema = z.object({ ...repeatedCall, attempts: z.number().int(), failures: z.number().int(), succeeded: z.boolean() });
export type RetryFinding = z.infer<typeof RetrySchema>;

export const TracePatternsResponseSchema = z.object({
  traceId: z.string(),
  minRepeats: z.number().int(),
  /** Longest first. */
  nPlusOne: z.array(NPlusOneSchema),
  /** By the first attempt's start. */
  retries: z.array(RetrySchema),
});
export type TracePatternsResponse = z.infer<typeof TracePatternsResponseSchema>;
