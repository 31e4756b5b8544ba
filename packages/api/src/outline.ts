import { z } from 'zod';

/*
 * A trace as the UI's trace page draws it: columns rather than span objects, so a 50,000-span trace is a few MB that
 * parse into a handful of arrays. Per-span columns are parallel arrays indexed by the span's position, and positions
 * are the full trace's (`GET /traces/:traceId`): spans by start time, then span id. Times are numbers of nanoseconds
 * from `startTimeUnixNano` (exact for traces shorter than 2^53 ns, 104 days).
 */

const count = z.number().int().nonnegative();
const index = z.number().int();

export const ApiTraceOutlineSchema = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  /** The earliest span start, epoch ns as a decimal string; `start` counts from here. */
  startTimeUnixNano: z.string(),
  /** Every span id, 16 hex digits each, concatenated: span i's id is `spanIds.slice(16 * i, 16 * i + 16)`. */
  spanIds: z.string().regex(/^(?:[0-9a-f]{16})*$/),
  /** Index of the parent span; -1 for a root and for a span whose parent is not in the trace (see the detail). */
  parent: z.array(index),
  /** Span names and event names, each once. */
  names: z.array(z.string()),
  /** Index into `names`. */
  name: z.array(index),
  /** Service names (`service.name` of the span's resource), each once. */
  services: z.array(z.string()),
  /** Index into `services`. */
  service: z.array(index),
  /** OTLP SpanKind number: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: z.array(index),
  /** OTLP StatusCode number: 0 unset, 1 ok, 2 error. */
  status: z.array(index),
  /** ns from `startTimeUnixNano`. */
  start: z.array(z.number()),
  /** End minus start, ns; negative when a span ends before it starts (bad clocks), as stored. */
  duration: z.array(z.number()),
  /** How many events each span has; its events follow those of the spans before it in `eventTime`/`eventName`. */
  eventCount: z.array(count),
  /** Each event's time, ns from `startTimeUnixNano`. */
  eventTime: z.array(z.number()),
  /** Each event's name, index into `names`. */
  eventName: z.array(index),
});
export type ApiTraceOutline = z.infer<typeof ApiTraceOutlineSchema>;

/** `GET /traces/:traceId/search?q=`: spans whose text matches (see spanMatches), by index in the outline, ascending. */
export const TraceSearchResponseSchema = z.object({ spans: z.array(index) });
export type TraceSearchResponse = z.infer<typeof TraceSearchResponseSchema>;
