import type { AttributeCompareQuery, AttributeCompareResponse, ComparedValue, HeatmapResponse, SearchFilter } from '@clew/api';
import {
  AttributeCompareQuerySchema,
  COMPARE_DEFAULT_WINDOW_MS,
  HeatmapQuerySchema,
  SEARCH_COMPARE_ROUTE,
  SEARCH_HEATMAP_ROUTE,
} from '@clew/api';
import type { RankedValue } from '@clew/analysis';
import { compareAttributes } from '@clew/analysis';
import type { UnixNanos } from '@clew/model';
import type { AttributeCounts, SpanFilter, SpanReader, SpanSelection, Store } from '@clew/storage';
import { HEATMAP_BUCKETS_PER_DOUBLING, heatmapDurationBounds } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { descendantAttributeCounts } from './descendant-attribute-counts.js';
import { parseQuery } from './parse-params.js';
import { spanKindOf } from './to-trace-query.js';

type FilterParams = Pick<ReturnType<typeof HeatmapQuerySchema.parse>, 'service' | 'operation' | 'spanKind' | 'attr' | 'minDuration' | 'maxDuration' | 'start' | 'end'>;

/** The search form's conditions as the Store's span filter, over the last hour when no window is given. */
function spanFilter(q: FilterParams, nowMs: number): SpanFilter {
  const end = q.end ?? BigInt(nowMs) * 1_000_000n;
  const start = q.start ?? end - BigInt(COMPARE_DEFAULT_WINDOW_MS) * 1_000_000n;
  return {
    ...(q.service !== undefined && { service: q.service }),
    ...(q.operation !== undefined && { operation: q.operation }),
    ...(q.spanKind !== undefined && { spanKind: spanKindOf(q.spanKind) }),
    ...(q.attr.length > 0 && { attributes: q.attr }),
    ...(q.minDuration !== undefined && { minDuration: q.minDuration }),
    ...(q.maxDuration !== undefined && { maxDuration: q.maxDuration }),
    start: start as UnixNanos,
    end: end as UnixNanos,
  };
}

/** What clicking a ranked value adds to the search form, when the search can filter by it. */
export function searchFilterOf(v: Pick<RankedValue, 'scope' | 'key' | 'value'>): SearchFilter {
  if (v.value === null) return null;
  if (v.scope === 'intrinsic') {
    if (v.key === 'name') return { param: 'operation', value: v.value };
    if (v.key === 'kind') return { param: 'spanKind', value: v.value };
    if (v.key === 'status') return v.value === 'error' ? { param: 'attr', value: 'error=true' } : null;
    return null;
  }
  if (v.scope === 'resource' && v.key === 'service.name') return { param: 'service', value: v.value };
  return { param: 'attr', value: `${v.key}=${v.value}` };
}

/**
 * The native routes behind the search page's heatmap and its "what is different" panel: the latency heatmap of every
 * span matching the search, and the attributes over-represented in a brushed region (or the errors) against the rest.
 */
export function registerAttributeComparisonRoutes(app: FastifyInstance, store: Store, now: () => number = Date.now): void {
  app.get(SEARCH_HEATMAP_ROUTE, async (request): Promise<HeatmapResponse> => {
    const q = parseQuery(request, HeatmapQuerySchema);
    const filter = spanFilter(q, now());
    // Whole nanoseconds per bucket, rounded up so that `buckets` of them cover the window (its end inclusive).
    const span = filter.end - filter.start + 1n;
    const buckets = BigInt(q.buckets);
    const step = (span + buckets - 1n) / buckets;
    const map = await spanReaderFor(store, request.tenant).latencyHeatmap({ filter, step });
    const ds = map.cells.map((c) => c.d);
    const durationBuckets = [];
    if (ds.length > 0) {
      for (let d = Math.min(...ds); d <= Math.max(...ds); d++) durationBuckets.push({ d, ...heatmapDurationBounds(d) });
    }
    return {
      startTimeUnixNano: filter.start.toString(),
      endTimeUnixNano: filter.end.toString(),
      stepNanos: step.toString(),
      timeBuckets: q.buckets,
      bucketsPerDoubling: HEATMAP_BUCKETS_PER_DOUBLING,
      cells: [...map.cells],
      durationBuckets,
      total: map.total,
      errors: map.errors,
    };
  });

  app.get(SEARCH_COMPARE_ROUTE, async (request): Promise<AttributeCompareResponse> =>
    attributeComparison(spanReaderFor(store, request.tenant), parseQuery(request, AttributeCompareQuerySchema), now()),
  );
}

/**
 * The attributes over-represented in a selection of the matching spans (a duration/time band, or the errors) against
 * the rest of the window: the search page's "what is different" panel and the MCP server's compare_attributes.
 */
export async function attributeComparison(store: SpanReader, q: AttributeCompareQuery, nowMs: number): Promise<AttributeCompareResponse> {
  const filter = spanFilter(q, nowMs);
  const errors = q.selection === 'errors';
  const selection: SpanSelection = errors
    ? { errors: true }
    : {
        ...(q.selMinDuration !== undefined && { minDuration: q.selMinDuration }),
        ...(q.selMaxDuration !== undefined && { maxDuration: q.selMaxDuration }),
        ...(q.selStart !== undefined && { start: q.selStart as UnixNanos }),
        ...(q.selEnd !== undefined && { end: q.selEnd as UnixNanos }),
      };
  let counts: AttributeCounts;
  let own: ReadonlySet<string> | undefined;
  if (q.descendants) {
    const below = await descendantAttributeCounts(store, filter, selection, q.topValues);
    [counts, own] = [below, below.own];
  } else {
    counts = await store.attributeCounts({ filter, selection, topValues: q.topValues, maxSpans: q.maxSpans });
  }
  // Counted with what each span called, a value found only below it is not a condition the search can add.
  const filterOf = (v: RankedValue): SearchFilter => (own && !own.has(`${v.scope}\0${v.key}\0${v.value}`) ? null : searchFilterOf(v));
  // Errors are what the selection is made of: status = error on every selected span says nothing new.
  const ranked = compareAttributes(counts, { limit: q.limit, ...(errors && { exclude: ['intrinsic:status'] }) });
  return {
    startTimeUnixNano: filter.start.toString(),
    endTimeUnixNano: filter.end.toString(),
    selection: counts.selection,
    baseline: counts.baseline,
    sampled: counts.sampled,
    descendants: q.descendants,
    values: ranked.values.map((v): ComparedValue => ({ ...v, scope: v.scope as ComparedValue['scope'], filter: filterOf(v) })),
    setAside: ranked.setAside.map((s) => ({ ...s, scope: s.scope as ComparedValue['scope'] })),
    omitted: ranked.omitted,
  };
}
