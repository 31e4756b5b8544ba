import type { RedFigures, RedPoint } from '@clew/api';
import { latencyQuantile, mergeLatencyBins } from '@clew/analysis';
import type { LatencyBins } from '@clew/model';
import type { SpanMetricsPoint } from '@clew/storage';

const NS_PER_MS = 1e6;

/** What RED figures are made of: points of the metrics store added up. */
export interface RedSum {
  count: number;
  errors: number;
  durationSumNanos: number;
  latency: LatencyBins[];
}

export const emptySum = (): RedSum => ({ count: 0, errors: 0, durationSumNanos: 0, latency: [] });

export function addPoint(sum: RedSum, p: SpanMetricsPoint): void {
  sum.count += p.count;
  sum.errors += p.errors;
  sum.durationSumNanos += p.durationSumNanos;
  sum.latency.push(p.latency);
}

const ms = (ns: number): number | null => (Number.isNaN(ns) ? null : ns / NS_PER_MS);

/** Rate per second over `seconds`, error fraction, and p50/p95/p99 from the merged latency bins (ms). */
export function redFigures(sum: RedSum, seconds: number): RedFigures {
  const bins = sum.latency.length === 0 ? undefined : mergeLatencyBins(sum.latency);
  const q = (x: number) => (bins === undefined || sum.count === 0 ? null : ms(latencyQuantile(bins, x)));
  return {
    count: sum.count,
    rate: seconds > 0 ? sum.count / seconds : 0,
    errors: sum.errors,
    errorRate: sum.count > 0 ? sum.errors / sum.count : null,
    p50Ms: q(0.5),
    p95Ms: q(0.95),
    p99Ms: q(0.99),
    totalMs: sum.durationSumNanos / NS_PER_MS,
  };
}

/** A series over `starts` (every step, empty ones at zero) from points carrying `t`. */
export function redSeries(points: readonly SpanMetricsPoint[], starts: readonly number[], stepMs: number): RedPoint[] {
  const byT = new Map<number, RedSum>();
  for (const p of points) {
    let s = byT.get(p.t);
    if (s === undefined) byT.set(p.t, (s = emptySum()));
    addPoint(s, p);
  }
  return starts.map((t) => ({ t, ...redFigures(byT.get(t) ?? emptySum(), stepMs / 1000) }));
}
