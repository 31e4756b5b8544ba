import { parseSpanId, parseTraceId } from '@clew/model';
import { z } from 'zod';
import { optionalEpochMillis } from './query-params.js';

/** A path parameter read by `parse` (null when malformed), with a message naming what was expected. */
const idParam = <T>(parse: (s: string) => T | null, expected: string) =>
  z.string().transform((s, ctx) => {
    const id = parse(s);
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got '${s}'` });
      return z.NEVER;
    }
    return id;
  });

/** The `:traceId` path parameter: up to 32 hex digits in any case, shorter ids left-padded (64-bit ids). */
export const TraceParamsSchema = z.object({ traceId: idParam(parseTraceId, 'a non-zero trace id of up to 32 hex digits') });

/**
 * Optional `start`/`end` (ms since the epoch) on `GET /traces/:traceId`: hints that narrow where the store looks,
 * such as a search row's start time ± a margin. Without them the whole store is searched.
 */
export const TraceQuerySchema = z.object({ start: optionalEpochMillis, end: optionalEpochMillis });
export type TraceQueryInput = z.input<typeof TraceQuerySchema>;

/** The path of `GET /traces/:traceId/spans/:spanId`: the span id in any case, shorter ids left-padded. */
export const SpanParamsSchema = TraceParamsSchema.extend({ spanId: idParam(parseSpanId, 'a non-zero span id of up to 16 hex digits') });

/** `q` of `GET /traces/:traceId/search`: the words to find; empty finds nothing. */
export const TraceSearchQuerySchema = z.object({ q: z.string().optional().transform((s) => s ?? '') });
export type TraceSearchQueryInput = z.input<typeof TraceSearchQuerySchema>;
