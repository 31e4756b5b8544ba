import type { SpanReader } from '@clew/storage';
import type { MetricsQuery } from '../traceql/metrics-ast.js';
import { CompareStage } from './compare-stage.js';
import { FirstStage } from './first-stage.js';
import type { RangeRequest } from './interval-mapper.js';
import { alignRequest, intervalMapper } from './interval-mapper.js';
import { scalarMath, seriesMath } from './metrics-math.js';
import type { ResponseSeries } from './response-series.js';
import { responseSeries } from './response-series.js';
import { applySecondStages } from './second-stages.js';
import type { SeriesSet } from './series.js';
import { MAX_METRICS_TRACES, scanMatchingSpans } from './scan-spans.js';

/** A metrics query reads at most this many spans from the store; past it the answer is partial and says so. */
export const MAX_METRICS_SPANS = 2_000_000;
/**
 * Values (series × steps) one metrics pipeline holds at most, so that a by() over an attribute with a value per
 * span cannot exhaust memory: 10,000 series at 240 steps, fewer at more steps. Past it new series are left out and
 * the answer is partial, as Tempo's max series limit makes it.
 */
export const MAX_METRICS_VALUES = 2_400_000;
const MAX_SERIES = 10_000;

export interface MetricsQueryResult {
  readonly series: readonly ResponseSeries[];
  readonly inspectedTraces: number;
  readonly inspectedSpans: number;
  /** Set when the answer covers only part of the data (Tempo's PARTIAL status), saying why. */
  readonly partial?: string;
}

export interface MetricsQueryOptions {
  readonly maxSpans?: number;
  readonly maxSeries?: number;
}

/**
 * Runs a TraceQL metrics query over the spans in the store, as Tempo's engine and query frontend answer
 * /api/metrics/query_range (and, with `instant`, /api/metrics/query): the range is aligned to the step, each
 * metrics pipeline reads the spans it matches from the store, then second stages and arithmetic run on the series.
 */
export async function queryRangeTraceQL(store: SpanReader, query: MetricsQuery, request: RangeRequest, options: MetricsQueryOptions = {}): Promise<MetricsQueryResult> {
  const req = alignRequest(request);
  const mapper = intervalMapper(req);
  const leaves = countLeaves(query);
  // As Tempo's CompileMetricsQueryRange: the exemplars are shared out between the pipelines, at least one each.
  const exemplarsPerLeaf = req.exemplars > 0 ? Math.max(1, Math.floor(req.exemplars / leaves)) : 0;
  const maxSpans = options.maxSpans ?? MAX_METRICS_SPANS;
  let inspectedTraces = 0;
  let inspectedSpans = 0;
  const maxSeries = options.maxSeries ?? Math.max(1, Math.min(MAX_SERIES, Math.floor(MAX_METRICS_VALUES / Math.max(1, mapper.count))));
  // Set from inside evaluate(), which TypeScript's narrowing does not follow.
  let truncated = false as boolean;
  let seriesLimited = false as boolean;

  const evaluate = async (q: MetricsQuery): Promise<SeriesSet> => {
    let set: SeriesSet;
    if (q.type === 'metrics') {
      const leafReq = { ...req, exemplars: exemplarsPerLeaf };
      const stage = q.aggregate.compare ? new CompareStage(q.aggregate.compare, mapper) : new FirstStage(q.aggregate, leafReq, mapper, maxSeries);
      const sampled = new Set<string>();
      const stats = await scanMatchingSpans(store, q.pipeline, req, maxSpans - inspectedSpans, (trace, matched) => {
        for (const i of matched) stage.observe(trace, i);
        // One exemplar per trace, for the first traces read (Tempo picks the span at random; the first is steadier).
        const traceId = trace.spans[matched[0]!]!.traceId;
        if (sampled.size < leafReq.exemplars && !sampled.has(traceId)) {
          sampled.add(traceId);
          stage.observeExemplar(trace, matched[0]!);
        }
      });
      inspectedTraces += stats.inspectedTraces;
      inspectedSpans += stats.inspectedSpans;
      truncated ||= stats.truncated;
      seriesLimited ||= stage.seriesLimited;
      set = stage.result();
    } else if (q.type === 'math') {
      set = seriesMath(q.op, await evaluate(q.left), await evaluate(q.right));
    } else {
      set = scalarMath(q.op, q.scalar, q.scalarFirst, await evaluate(q.expr));
    }
    return applySecondStages(set, q.stages, mapper.count);
  };

  const set = await evaluate(query);
  const partial = [
    ...(seriesLimited
      ? [`Response exceeds maximum series limit of ${maxSeries}, a partial response is returned. Warning: the accuracy of each individual value is not guaranteed.`]
      : []),
    ...(truncated
      ? [`The query matched more than ${MAX_METRICS_TRACES} traces or ${maxSpans} spans, the most one query reads: the answer covers only part of them; narrow the time range or the spanset filter.`]
      : []),
  ];
  return { series: responseSeries(set, mapper), inspectedTraces, inspectedSpans, ...(partial.length > 0 && { partial: partial.join(' ') }) };
}

function countLeaves(q: MetricsQuery): number {
  if (q.type === 'metrics') return 1;
  if (q.type === 'math') return countLeaves(q.left) + countLeaves(q.right);
  return countLeaves(q.expr);
}
