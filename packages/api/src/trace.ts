import { z } from 'zod';
import { ApiAttributesSchema } from './any-value.js';
import { SpanKindNameSchema } from './query-params.js';
import { ArchiveMarkSchema } from './archive.js';

/*
 * A trace as JSON, lossless against the model (OTLP in, this out, back to the model gives the same spans), and
 * compact: resources and scopes appear once in `resources`/`scopes` and spans refer to them by index, as OTLP
 * groups them. Nanosecond timestamps are decimal strings (they do not fit a JS number).
 */

const hex = (len: number) => z.string().regex(new RegExp(`^[0-9a-f]{${len}}$`));

export const ApiEntityRefSchema = z.object({
  schemaUrl: z.string(),
  type: z.string(),
  idKeys: z.array(z.string()),
  descriptionKeys: z.array(z.string()),
});

export const ApiResourceSchema = z.object({
  /** `service.name`, or "unknown_service" when the resource has none; repeated here so the UI need not search. */
  serviceName: z.string(),
  attributes: ApiAttributesSchema,
  droppedAttributesCount: z.number().int(),
  entityRefs: z.array(ApiEntityRefSchema),
  schemaUrl: z.string(),
});
export type ApiResource = z.infer<typeof ApiResourceSchema>;

export const ApiScopeSchema = z.object({
  name: z.string(),
  version: z.string(),
  attributes: ApiAttributesSchema,
  droppedAttributesCount: z.number().int(),
  schemaUrl: z.string(),
});
export type ApiScope = z.infer<typeof ApiScopeSchema>;

export const ApiEventSchema = z.object({
  timeUnixNano: z.string(),
  name: z.string(),
  attributes: ApiAttributesSchema,
  droppedAttributesCount: z.number().int(),
});
export type ApiEvent = z.infer<typeof ApiEventSchema>;

export const ApiLinkSchema = z.object({
  traceId: hex(32),
  spanId: hex(16),
  traceState: z.string(),
  attributes: ApiAttributesSchema,
  droppedAttributesCount: z.number().int(),
  flags: z.number().int(),
});
export type ApiLink = z.infer<typeof ApiLinkSchema>;

export const StatusCodeNameSchema = z.enum(['unset', 'ok', 'error']);
export type StatusCodeName = z.infer<typeof StatusCodeNameSchema>;

export const ApiSpanSchema = z.object({
  spanId: hex(16),
  /** null for a root span; may name a span that is not in the trace (an orphan). */
  parentSpanId: hex(16).nullable(),
  traceState: z.string(),
  /** OTLP Span.flags: W3C trace flags in the low byte, is-remote bits above. */
  flags: z.number().int(),
  name: z.string(),
  kind: SpanKindNameSchema,
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  status: z.object({ code: StatusCodeNameSchema, message: z.string() }),
  attributes: ApiAttributesSchema,
  droppedAttributesCount: z.number().int(),
  events: z.array(ApiEventSchema),
  droppedEventsCount: z.number().int(),
  links: z.array(ApiLinkSchema),
  droppedLinksCount: z.number().int(),
  /** Index into the trace's `resources`. */
  resource: z.number().int(),
  /** Index into the trace's `scopes`. */
  scope: z.number().int(),
});
export type ApiSpan = z.infer<typeof ApiSpanSchema>;

/** `GET /api/clew/v1/traces/:traceId`. Spans are ordered by start time, then span id. */
export const ApiTraceSchema = z.object({
  traceId: hex(32),
  resources: z.array(ApiResourceSchema),
  scopes: z.array(ApiScopeSchema),
  spans: z.array(ApiSpanSchema),
  /** Present when the trace is archived: who archived it, when and why (see docs/archive.md). */
  archived: ArchiveMarkSchema.optional(),
  /** True when spans of the trace were read from an attached range archive (`clew serve --archive-dir`). */
  rangeArchived: z.literal(true).optional(),
});
export type ApiTrace = z.infer<typeof ApiTraceSchema>;
