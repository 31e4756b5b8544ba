import type { UnixNanos } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import type { Pipeline } from '../traceql/ast.js';
import { runPipeline } from '../traceql/pipeline-eval.js';
import { candidateConditions } from '../traceql/pushdown.js';
import { TraceIndex } from '../traceql/trace-index.js';

/** Traces read from the store per getTraces call: one call costs about as much for 256 traces as for 2,048. */
const BATCH = 2048;
/** Candidate traces one query reads at most; past it the store's sample of them is read and the answer is partial. */
export const MAX_METRICS_TRACES = 500_000;

export interface ScanStats {
  readonly inspectedTraces: number;
  readonly inspectedSpans: number;
  /** True when the scan stopped at `maxSpans`, or the store had more than MAX_METRICS_TRACES candidates. */
  readonly truncated: boolean;
}

/**
 * Feeds `visit` the spans of each trace that the spanset pipeline matches and that start in (start, end], as
 * Tempo's metrics evaluator walks the spansets its fetch layer returns. Candidate traces come from the store in
 * one call (Store.tracePoints: every trace with a span meeting the condition in the window, newest first), with the
 * condition pushed down as TraceQL search pushes it, only from a first stage that is a plain filter: every span such a pipeline yields meets them, so no trace with a span to count is
 * missed (a structural query's condition may hold on a span outside the window). Stops after reading `maxSpans`.
 */
export async function scanMatchingSpans(
  store: SpanReader,
  pipeline: Pipeline,
  window: { readonly start: bigint; readonly end: bigint },
  maxSpans: number,
  visit: (trace: TraceIndex, matched: readonly number[]) => void,
): Promise<ScanStats> {
  const first = pipeline.stages[0];
  const conditions = first?.type === 'spanset' && first.expr.type === 'filter' ? candidateConditions({ pipeline: { stages: [first] } }) : [];
  // A single filter gives one condition, which all of its conjuncts make up. Search pages through candidates with
  // offsets because it stops early; a metrics query reads them all, and one call costs what one page does.
  const condition = conditions[0] ?? {};
  const points = await store.tracePoints({ ...condition, start: (window.start + 1n) as UnixNanos, end: window.end as UnixNanos, limit: 1 }, MAX_METRICS_TRACES);
  const page = points.points.map((p) => p.traceId);
  let inspectedTraces = 0;
  let inspectedSpans = 0;
  for (let k = 0; k < page.length; k += BATCH) {
    const batch = page.slice(k, k + BATCH);
    const traces = await store.getTraces(batch);
    for (const id of batch) {
      const spans = traces.get(id) ?? [];
      if (spans.length === 0) continue;
      if (inspectedSpans + spans.length > maxSpans) return { inspectedTraces, inspectedSpans, truncated: true };
      inspectedTraces++;
      inspectedSpans += spans.length;
      const trace = new TraceIndex(spans);
      const matched = new Set<number>();
      for (const set of runPipeline(pipeline, trace, [{ spans: trace.spans.map((_, i) => i), aggregates: [] }])) {
        for (const i of set.spans) {
          const st = trace.spans[i]!.startTimeUnixNano;
          if (st > window.start && st <= window.end) matched.add(i);
        }
      }
      if (matched.size > 0) visit(trace, [...matched].sort((a, b) => a - b));
    }
  }
  return { inspectedTraces, inspectedSpans, truncated: points.sampled };
}
