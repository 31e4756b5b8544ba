import { z } from 'zod';
import { integerParam, optionalDuration, optionalEpochMillis, optionalSpanKind, optionalText } from './query-params.js';

export const SEARCH_DEFAULT_LIMIT = 20;
/** How many scatter points a search plots at most; past it a uniform sample by trace id (`pointsSampled`). */
export const SEARCH_MAX_POINTS = 2000;
export const SEARCH_SORTS = ['start', 'duration', 'spans'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** A search paging anchor: the newest trace of a first page, `<startTimeUnixNano>:<32 hex digits>`. */
export interface SearchAnchor {
  readonly startTimeUnixNano: bigint;
  readonly traceId: string;
}
const optionalAnchor = z
  .string()
  .optional()
  .transform((s, ctx): SearchAnchor | undefined => {
    if (s === undefined || s === '') return undefined;
    const m = /^(\d{1,20}):([0-9a-f]{32})$/.exec(s);
    if (m === null) {
      ctx.addIssue({ code: 'custom', message: `expected <startTimeUnixNano>:<trace id of 32 lowercase hex digits>, got '${s}'` });
      return z.NEVER;
    }
    return { startTimeUnixNano: BigInt(m[1]!), traceId: m[2]! };
  });
/** `sort`: one of SEARCH_SORTS, `start` when absent or empty. */
const optionalSort = z
  .string()
  .optional()
  .transform((s, ctx): SearchSort => {
    if (s === undefined || s === '') return 'start';
    if ((SEARCH_SORTS as readonly string[]).includes(s)) return s as SearchSort;
    ctx.addIssue({ code: 'custom', message: `expected one of ${SEARCH_SORTS.join(', ')}, got '${s}'` });
    return z.NEVER;
  });

/** The anchor parameter's text for a row (its start and trace id). */
export const anchorText = (row: { startTimeUnixNano: string; traceId: string }): string => `${row.startTimeUnixNano}:${row.traceId}`;
export const SEARCH_MAX_LIMIT = 1000;

/** One `attr=key=value` filter: split at the first '=', so values may contain '='. */
const attributeFilter = z.string().transform((s, ctx) => {
  const eq = s.indexOf('=');
  if (eq <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected key=value, got '${s}'` });
    return z.NEVER;
  }
  return [s.slice(0, eq), s.slice(eq + 1)] as const;
});

/**
 * The search form's conditions, shared by every route that takes them (search, the heatmap, the comparison): `attr`
 * repeats, durations are human, `start`/`end` are milliseconds since the epoch bounding the matching span's start.
 */
export const SEARCH_FORM_FIELDS = {
  service: optionalText,
  operation: optionalText,
  spanKind: optionalSpanKind,
  attr: z.union([z.string().transform((s) => [s]), z.array(z.string())]).optional().pipe(z.array(attributeFilter).default([])),
  minDuration: optionalDuration,
  maxDuration: optionalDuration,
  start: optionalEpochMillis,
  end: optionalEpochMillis,
};

/**
 * `GET /api/clew/v1/search` query parameters. A trace matches when one of its spans meets every condition.
 * `attr` repeats (`attr=http.route%3D/cart&attr=error%3Dtrue`); durations are human ("150ms", "1.5s"); `start`/`end`
 * are milliseconds since the epoch and bound the matching span's start.
 * @example SearchQuerySchema.parse({ service: 'cart', attr: ['http.response.status_code=500'], minDuration: '150ms' })
 */
export const SearchQuerySchema = z
  .object({
    /**
     * A TraceQL query (`{ resource.service.name = "cart" } >> { status = error }`). When given, it replaces the form's
     * conditions: only `start`, `end`, `limit` and `offset` may go with it.
     */
    q: optionalText,
    ...SEARCH_FORM_FIELDS,
    limit: integerParam(1, SEARCH_MAX_LIMIT, SEARCH_DEFAULT_LIMIT),
    offset: integerParam(0, 1_000_000, 0),
    /** Order of the rows: newest first (default), longest first, or most spans first; ties newest first. */
    sort: optionalSort,
    /**
     * Paging anchor, `<startTimeUnixNano>:<traceId>` as a first page's `anchor` gave it: only traces at or after it
     * in newest-first order count (those that arrived since are left out and counted in `newSinceAnchor`), so
     * "Older ›" never repeats a row while new traces arrive.
     */
    anchor: optionalAnchor,
  })
  .superRefine((q, ctx) => {
    if (q.minDuration !== undefined && q.maxDuration !== undefined && q.maxDuration < q.minDuration) {
      ctx.addIssue({ code: 'custom', path: ['maxDuration'], message: 'must not be less than minDuration' });
    }
    if (q.start !== undefined && q.end !== undefined && q.end < q.start) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
    }
    if (q.q !== undefined) {
      const formField = (['service', 'operation', 'spanKind', 'minDuration', 'maxDuration'] as const).find((k) => q[k] !== undefined) ?? (q.attr.length > 0 ? 'attr' : undefined);
      if (formField !== undefined) ctx.addIssue({ code: 'custom', path: [formField], message: 'cannot be combined with a TraceQL query (q); write the condition in the query' });
    }
  });
/** What the UI sends: every parameter as text, `attr` as a list of "key=value". */
export type SearchQueryInput = z.input<typeof SearchQuerySchema>;
/** What the server reads: durations and times as nanoseconds (bigint), attributes as [key, value] pairs. */
export type SearchQuery = z.output<typeof SearchQuerySchema>;

export const ServiceCountSchema = z.object({
  name: z.string(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
});
export type ServiceCount = z.infer<typeof ServiceCountSchema>;

/** One search result row: enough to draw the row and the scatter plot without fetching the trace. */
export const TraceRowSchema = z.object({
  traceId: z.string(),
  /** Service and name of the root span (the earliest span without a parent in the trace). */
  rootService: z.string(),
  rootName: z.string(),
  /** Earliest span start and (latest end − earliest start), nanoseconds as decimal strings: exact beyond 2^53. */
  startTimeUnixNano: z.string(),
  durationNanos: z.string(),
  spanCount: z.number().int(),
  /** Spans with status ERROR. */
  errorCount: z.number().int(),
  /** Services touched, most spans first; each with its own error count. */
  services: z.array(ServiceCountSchema),
  /**
   * The earliest span that met the search's span conditions, when the search had any (service, operation, kind,
   * attributes, durations): what a row shows beside the trace's duration when the match is below the root.
   */
  matchedSpan: z.object({ spanId: z.string(), service: z.string(), name: z.string(), durationNanos: z.string() }).optional(),
  /** Present when the trace is kept in the trace archive (the trace's own `archived` says who, when and why). */
  archived: z.literal(true).optional(),
  /** Present when spans of the trace are in a range archive attached read-only (`clew serve --archive-dir`). */
  rangeArchived: z.literal(true).optional(),
});
export type TraceRow = z.infer<typeof TraceRowSchema>;

/**
 * Newest first; `total` counts every matching trace, not just this page. A TraceQL search (`q`) stops once it has
 * found the page and one trace more, so its total can be a lower bound: `totalIsLowerBound` says so ("40+").
 */
export const SearchResponseSchema = z.object({
  traces: z.array(TraceRowSchema),
  total: z.number().int(),
  totalIsLowerBound: z.boolean().optional(),
  limit: z.number().int(),
  offset: z.number().int(),
  /**
   * The anchor the pages of this search share: the one asked for, or (on a first page) its newest trace. Send it back
   * with the next pages. Absent when nothing matched, and for TraceQL searches (which page by offset).
   */
  anchor: z.string().optional(),
  /** With an anchor: how many matching traces arrived since, ahead of it (none are in `traces`). */
  newSinceAnchor: z.number().int().optional(),
});
export type SearchResponse = z.infer<typeof SearchResponseSchema>;

/** One dot of the search scatter: a matching trace's start and duration. */
export const SearchPointSchema = z.object({
  traceId: z.string(),
  startTimeUnixNano: z.string(),
  durationNanos: z.string(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
});
export type SearchPoint = z.infer<typeof SearchPointSchema>;

/**
 * `GET /api/clew/v1/search/points` (the search's own parameters; `limit`, `offset` and `sort` are ignored): every
 * matching trace up to SEARCH_MAX_POINTS, else a uniform sample of that many (`sampled`), with the total.
 */
export const SearchPointsResponseSchema = z.object({
  points: z.array(SearchPointSchema),
  total: z.number().int(),
  sampled: z.boolean(),
});
export type SearchPointsResponse = z.infer<typeof SearchPointsResponseSchema>;
