import { z } from 'zod';
import { SpanKindNameSchema } from './query-params.js';

/*
 * Service level objectives over the span-metrics rollups: latency ("99% of server spans of checkout
 * `POST /checkout` under 500 ms") or availability (the non-error ratio), over 7, 28 or 30 days, with the SRE
 * workbook's multi-window, multi-burn-rate alerts.
 */

export const SLO_WINDOW_NAMES = ['7d', '28d', '30d'] as const;

export const SloObjectiveSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('availability') }).strict(),
  z.object({ kind: z.literal('latency'), thresholdMs: z.number().positive() }).strict(),
]);

/** An SLO as it is defined in the config file (`slos:`) or through the API. */
export const SloDefinitionSchema = z
  .object({
    /** Stable identifier: letters, digits, '-', '_', '.'. */
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" and "-", at most 100, starting with a letter or digit'),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).default(''),
    service: z.string().min(1),
    /** Only this operation (span name); every operation of the service when absent. */
    operation: z.string().min(1).optional(),
    spanKind: SpanKindNameSchema.default('server'),
    objective: SloObjectiveSchema,
    /** The good fraction aimed at, e.g. 0.99 or 0.999. */
    target: z.number().gt(0).lt(1),
    window: z.enum(SLO_WINDOW_NAMES).default('28d'),
  })
  .strict();
export type SloDefinition = z.infer<typeof SloDefinitionSchema>;
export type SloDefinitionInput = z.input<typeof SloDefinitionSchema>;

/** Burn rate over one alerting window (bad fraction over the allowed fraction; 1 spends the budget exactly). */
export const BurnRateSchema = z.object({
  /** e.g. "1h", "5m". */
  window: z.string(),
  burnRate: z.number(),
  total: z.number(),
  bad: z.number(),
});
export type BurnRate = z.infer<typeof BurnRateSchema>;

/** One rule of the workbook's alerts and whether it fires now. */
export const SloAlertSchema = z.object({
  /** e.g. "page-1h-5m". */
  rule: z.string(),
  severity: z.enum(['page', 'ticket']),
  factor: z.number(),
  longWindow: z.string(),
  shortWindow: z.string(),
  firing: z.boolean(),
  /** When it started firing (ms), while it fires. */
  since: z.number().nullable(),
});
export type SloAlert = z.infer<typeof SloAlertSchema>;

/** An SLO with where it stands now. */
export const SloViewSchema = z.object({
  definition: SloDefinitionSchema,
  /** Defined in the config file (read-only through the API) or through the API. */
  source: z.enum(['config', 'api']),
  /** Good over total in the compliance window; null with no traffic. */
  sli: z.number().nullable(),
  total: z.number(),
  bad: z.number(),
  /** Error budget left, as a fraction of the budget (1 untouched, 0 spent, negative overspent). */
  budgetRemaining: z.number(),
  burnRates: z.array(BurnRateSchema),
  /** 'page' or 'ticket' when a rule of that severity fires, else 'ok'. Alerts fire and resolve at evaluations (alerting.evaluateEvery), so a view read between two may show burn rates past a factor before its alert fires. */
  alertState: z.enum(['ok', 'ticket', 'page']),
  alerts: z.array(SloAlertSchema),
  evaluatedAt: z.number(),
});
export type SloView = z.infer<typeof SloViewSchema>;

/** `GET /api/clew/v1/slos` */
export const SlosResponseSchema = z.object({ slos: z.array(SloViewSchema) });
export type SlosResponse = z.infer<typeof SlosResponseSchema>;

/**
 * `GET /api/clew/v1/slos/:id`: the SLO, and its compliance window cut into steps (one hour) for a burn-down chart.
 * Per step: its own events and SLI (null without traffic), and the budget left from the window's start through the
 * end of that step (1 untouched, 0 spent, negative overspent; the last point's equals the view's).
 */
export const SloDetailResponseSchema = z.object({
  slo: SloViewSchema,
  step: z.number(),
  series: z.array(z.object({ t: z.number(), sli: z.number().nullable(), budgetRemaining: z.number(), total: z.number(), bad: z.number() })),
});
export type SloDetailResponse = z.infer<typeof SloDetailResponseSchema>;

/** `POST /api/clew/v1/slos` (201) and `PUT /api/clew/v1/slos/:id` (200, or 201 when it made the SLO): the SLO as stored, evaluated. */
export const SloResponseSchema = z.object({ slo: SloViewSchema });
export type SloResponse = z.infer<typeof SloResponseSchema>;

/**
 * Error codes the SLO routes add to the native API's (same `{error:{code,message}}` envelope), with their status:
 * no SLO has the id; the SLO comes from the config file, so only the file can change it; an SLO with that id exists.
 */
export const SLO_ERROR_STATUS = { SLO_NOT_FOUND: 404, SLO_READ_ONLY: 409, SLO_EXISTS: 409 } as const;
export type SloErrorCode = keyof typeof SLO_ERROR_STATUS;
