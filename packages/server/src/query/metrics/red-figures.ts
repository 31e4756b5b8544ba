import type { RedFigures, RedPoint } from '@clew/api';
import type { SpanMetricsPoint } from '@clew/storage';

const NS_PER_MS = 1e6;

/**
 * The quantiles RED figures show (p50, p95, p99): the service-health queries ask the metrics store for these, so
 * that it answers each point's latency without handing over its bins.
 */
export const RED_QUANTILES: readonly number[] = [0.5, 0.95, 0.99];

const ms = (ns: number | undefined): number | null => (ns === undefined || Number.isNaN(ns) ? null : ns / NS_PER_MS);

/** Rate per second over `seconds`, error fraction and p50/p95/p99 (ms) of a point read with RED_QUANTILES. */
export function redFigures(p: SpanMetricsPoint | undefined, seconds: number): RedFigures {
  const count = p?.count ?? 0;
  const errors = p?.errors ?? 0;
  const q = (i: number) => (count === 0 ? null : ms(p?.quantiles?.[i]));
  return {
    count,
    rate: seconds > 0 ? count / seconds : 0,
    errors,
    errorRate: count > 0 ? errors / count : null,
    p50Ms: q(0),
    p95Ms: q(1),
    p99Ms: q(2),
    totalMs: (p?.durationSumNanos ?? 0) / NS_PER_MS,
  };
}

/** A series over `starts` (every step, empty ones at zero) from one group's points, read with RED_QUANTILES. */
export function redSeries(points: readonly SpanMetricsPoint[], starts: readonly number[], stepMs: number): RedPoint[] {
  const byT = new Map(points.map((p) => [p.t, p]));
  return starts.map((t) => ({ t, ...redFigures(byT.get(t), stepMs / 1000) }));
}
