import { z } from 'zod';
import { API_BASE } from './routes.js';
import { SEARCH_FORM_FIELDS } from './search.js';
import { integerParam, optionalDuration, optionalEpochMillis } from './query-params.js';

/** `GET`: the latency heatmap of every span matching a search (HeatmapQuery → HeatmapResponse). */
export const SEARCH_HEATMAP_ROUTE = `${API_BASE}/search/heatmap`;
/** `GET`: what is different about a selection of the matching spans (AttributeCompareQuery → AttributeCompareResponse). */
export const SEARCH_COMPARE_ROUTE = `${API_BASE}/search/compare`;

/** The window when none is given: the last hour. */
export const COMPARE_DEFAULT_WINDOW_MS = 3_600_000;
/** Spans whose attributes a comparison reads at most; past it each side is a uniform sample (see AttributeCompareResponse). */
export const COMPARE_DEFAULT_MAX_SPANS = 20_000;
export const COMPARE_MAX_SPANS = 1_000_000;

/**
 * The search form's conditions (as `GET /search` takes them, without TraceQL, paging or sort), on spans rather
 * than traces: a span counts when it meets every one; the last hour when `start`/`end` are absent.
 */
const spanFilterFields = SEARCH_FORM_FIELDS;

function checkBounds(q: { minDuration?: bigint; maxDuration?: bigint; start?: bigint; end?: bigint }, ctx: z.RefinementCtx, sel = false): void {
  const name = (n: string): string => (sel ? `sel${n[0]!.toUpperCase()}${n.slice(1)}` : n);
  if (q.minDuration !== undefined && q.maxDuration !== undefined && q.maxDuration < q.minDuration) {
    ctx.addIssue({ code: 'custom', path: [name('maxDuration')], message: `must not be less than ${name('minDuration')}` });
  }
  if (q.start !== undefined && q.end !== undefined && q.end < q.start) {
    ctx.addIssue({ code: 'custom', path: [name('end')], message: `must not be before ${name('start')}` });
  }
}

/**
 * `GET /api/clew/v1/search/heatmap`: the search conditions plus `buckets`, the number of time buckets across the
 * window (default 60).
 * @example HeatmapQuerySchema.parse({ service: 'catalog', start: '1764000000000', end: '1764003600000', buckets: '120' })
 */
export const HeatmapQuerySchema = z
  .object({ ...spanFilterFields, buckets: integerParam(1, 1000, 60) })
  .superRefine((q, ctx) => checkBounds(q, ctx));
export type HeatmapQueryInput = z.input<typeof HeatmapQuerySchema>;
export type HeatmapQuery = z.output<typeof HeatmapQuerySchema>;

const DurationBucketSchema = z.object({
  /** Index: the bucket holds durations in [minNanos, maxNanos); each is 2^(1/bucketsPerDoubling) wider. */
  d: z.number().int(),
  minNanos: z.number(),
  maxNanos: z.number(),
});

export const HeatmapResponseSchema = z.object({
  /** The window (ns since the epoch, decimal strings) and the width of a time bucket (ns). */
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  stepNanos: z.string(),
  /** Time buckets across the window: bucket t starts at start + t × step. */
  timeBuckets: z.number().int(),
  bucketsPerDoubling: z.number().int(),
  /** Non-empty cells, by t then d: spans that started in time bucket t and lasted within duration bucket d. */
  cells: z.array(z.object({ t: z.number().int(), d: z.number().int(), count: z.number().int(), errors: z.number().int() })),
  /** The bounds of every duration bucket from the smallest to the largest occupied one. */
  durationBuckets: z.array(DurationBucketSchema),
  /** Every matching span (the heatmap is never sampled) and the errors among them. */
  total: z.number().int(),
  errors: z.number().int(),
});
export type HeatmapResponse = z.infer<typeof HeatmapResponseSchema>;

/**
 * `GET /api/clew/v1/search/compare`: the search conditions (the window's spans: selection plus baseline) and the
 * selection, either `selection=errors` or a brushed region of the heatmap: `selMinDuration`/`selMaxDuration`
 * (durations) and/or `selStart`/`selEnd` (ms since the epoch), all inclusive. The baseline is every other matching
 * span of the window. `topValues` values per key and side are counted (default 10), `limit` ranked values are
 * returned (default 100), at most `maxSpans` spans are read (default 20,000; a uniform sample past it, whose margin
 * the answer states: at most ±0.98 percentage points per side at 10,000 spans, less for rarer values).
 * @example AttributeCompareQuerySchema.parse({ service: 'catalog', selMinDuration: '500ms' })
 */
export const AttributeCompareQuerySchema = z
  .object({
    ...spanFilterFields,
    selection: z.enum(['errors', 'band']).optional(),
    selMinDuration: optionalDuration,
    selMaxDuration: optionalDuration,
    selStart: optionalEpochMillis,
    selEnd: optionalEpochMillis,
    topValues: integerParam(1, 100, 10),
    limit: integerParam(1, 1000, 100),
    maxSpans: integerParam(1000, COMPARE_MAX_SPANS, COMPARE_DEFAULT_MAX_SPANS),
    /**
     * `true`: each span counts with the attributes of every span below it in its trace (what it called), so that the
     * slow server spans rank the slow query their child made. Reads about 500 whole traces per side.
     */
    descendants: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
  })
  .superRefine((q, ctx) => {
    checkBounds(q, ctx);
    checkBounds({ minDuration: q.selMinDuration, maxDuration: q.selMaxDuration, start: q.selStart, end: q.selEnd }, ctx, true);
    const band = [q.selMinDuration, q.selMaxDuration, q.selStart, q.selEnd].some((v) => v !== undefined);
    if (q.selection === 'errors' && band) {
      ctx.addIssue({ code: 'custom', path: ['selection'], message: 'errors cannot be combined with a band (selMinDuration, selMaxDuration, selStart, selEnd)' });
    } else if (q.selection !== 'errors' && !band) {
      ctx.addIssue({ code: 'custom', path: ['selection'], message: 'give selection=errors or a band: selMinDuration, selMaxDuration, selStart or selEnd' });
    }
  });
export type AttributeCompareQueryInput = z.input<typeof AttributeCompareQuerySchema>;
export type AttributeCompareQuery = z.output<typeof AttributeCompareQuerySchema>;

export const ATTRIBUTE_SCOPES = ['intrinsic', 'resource', 'span', 'event'] as const;

/**
 * What clicking a value adds to the search: a form field (`service`, `operation`, `spanKind`) or an `attr`
 * (`key=value`); null when the search cannot filter by it (a grouped key, status unset or ok).
 */
export const SearchFilterSchema = z.object({ param: z.enum(['service', 'operation', 'spanKind', 'attr']), value: z.string() }).nullable();
export type SearchFilter = z.infer<typeof SearchFilterSchema>;

export const ComparedValueSchema = z.object({
  scope: z.enum(ATTRIBUTE_SCOPES),
  key: z.string(),
  /** null: a high-cardinality key whose values are grouped (the key is present); see `setAside`. */
  value: z.string().nullable(),
  selectionPercent: z.number(),
  baselinePercent: z.number(),
  /** selectionPercent − baselinePercent: the ranking, largest first. */
  difference: z.number(),
  selectionCount: z.number().int(),
  baselineCount: z.number().int(),
  /** Two-proportion z-score of the difference; above about 2 it is unlikely to be chance. */
  z: z.number(),
  filter: SearchFilterSchema,
});
export type ComparedValue = z.infer<typeof ComparedValueSchema>;

const SideSchema = z.object({
  /** Spans of this side in the window. */
  spans: z.number().int(),
  /** Spans whose attributes were counted (all unless sampled); percentages are of these. */
  counted: z.number().int(),
  /** 95% margin of any percentage of this side, in points (worst case); 0 when nothing was sampled. */
  marginPercent: z.number(),
});

export const AttributeCompareResponseSchema = z.object({
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  selection: SideSchema,
  /** The rest of the matching spans in the window. */
  baseline: SideSchema,
  sampled: z.boolean(),
  /** Whether each span counted with its descendants' attributes (the query's `descendants`). */
  descendants: z.boolean(),
  /** Values over-represented in the selection, by difference in share. */
  values: z.array(ComparedValueSchema),
  /** Keys not ranked value by value, with the reason (`high-cardinality`: ids; `excluded`: what the selection is made of). */
  setAside: z.array(
    z.object({
      scope: z.enum(ATTRIBUTE_SCOPES),
      key: z.string(),
      distinctValues: z.number().int(),
      reason: z.enum(['high-cardinality', 'excluded']),
      detail: z.string(),
    }),
  ),
  /** Over-represented values beyond `limit`. */
  omitted: z.number().int(),
});
export type AttributeCompareResponse = z.infer<typeof AttributeCompareResponseSchema>;
