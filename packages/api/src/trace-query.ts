import { parseTraceId } from '@clew/model';
import { z } from 'zod';
import { optionalEpochMillis } from './query-params.js';

/** The `:traceId` path parameter: up to 32 hex digits in any case, shorter ids left-padded (64-bit ids). */
export const TraceParamsSchema = z.object({
  traceId: z.string().transform((s, ctx) => {
    const id = parseTraceId(s);
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: `expected a non-zero trace id of up to 32 hex digits, got '${s}'` });
      return z.NEVER;
    }
    return id;
  }),
});

/**
 * Optional `start`/`end` (ms since the epoch) on `GET /traces/:traceId`: hints that narrow where the store looks,
 * such as a search row's start time ± a margin. Without them the whole store is searched.
 */
export const TraceQuerySchema = z.object({ start: optionalEpochMillis, end: optionalEpochMillis });
export type TraceQueryInput = z.input<typeof TraceQuerySchema>;
