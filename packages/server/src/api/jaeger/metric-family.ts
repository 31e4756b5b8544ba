import type { LatencyBins } from '@clew/model';
import type { SpanMetricsPoint } from '@clew/storage';
import { latencyQuantile, mergeLatencyBins } from '@clew/analysis';

/** Which of the Monitor tab's three metrics (`/api/metrics/{latencies,calls,errors}`). */
export type MonitorMetric = { readonly kind: 'latencies'; readonly quantile: number } | { readonly kind: 'calls' } | { readonly kind: 'errors' };

/** Jaeger's MetricFamily (proto-gen/api_v2/metrics/openmetrics.proto), as far as these routes fill it. */
export interface MetricFamily {
  readonly name: string;
  readonly type: 'GAUGE';
  readonly help: string;
  readonly metrics: readonly Metric[];
}

export interface Metric {
  /** `service_name`, then `operation` when grouped by operation. */
  readonly labels: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly metricPoints: readonly MetricPoint[];
}

export interface MetricPoint {
  /** Epoch milliseconds. */
  readonly t: number;
  readonly value: number;
}

/** The span metrics are per minute: windows and steps are read in whole minutes. */
export const MINUTE_MS = 60_000;

/** Where the points of a query fall, in epoch milliseconds. */
export interface PointPlan {
  /** Evaluation times: `end − lookback`, then every `step`, up to `end` inclusive (a Prometheus range query's). */
  readonly times: readonly number[];
  /** Minutes in each trailing window (ratePer rounded up to whole minutes, at least one). */
  readonly windowMinutes: number;
  /** The minute buckets to read: [from, to). */
  readonly from: number;
  readonly to: number;
}

/**
 * The evaluation times of a query and the minutes they read. A point at `t` is computed over the `windowMinutes`
 * whole minutes that end where t's minute begins, so every point within one minute reads the same window.
 * @example planPoints(600_000, 120_000, 60_000, 120_000).times  // [480000, 540000, 600000]
 */
export function planPoints(endMs: number, lookbackMs: number, stepMs: number, ratePerMs: number): PointPlan {
  const start = endMs - lookbackMs;
  const times: number[] = [];
  for (let t = start; t <= endMs; t += stepMs) times.push(t);
  const windowMinutes = Math.max(1, Math.ceil(ratePerMs / MINUTE_MS));
  return { times, windowMinutes, from: floorMinute(start) - windowMinutes * MINUTE_MS, to: floorMinute(endMs) };
}

/** The start of the minute holding `t` (epoch milliseconds). */
export function floorMinute(t: number): number {
  return Math.floor(t / MINUTE_MS) * MINUTE_MS;
}

/**
 * The MetricFamily Jaeger's metrics readers answer, computed from per-minute span metrics (`t` a minute's start,
 * grouped by service, and by operation when `groupByOperation`): at each evaluation time, the minutes of its
 * trailing window are added up (counts, errors, latency bins merged) and read as the latency quantile in
 * milliseconds, calls per second, or errors as a fraction of calls. A point is left out where its window has no
 * spans, and a series with no point at all is left out; series come sorted by service, then operation.
 */
export function metricFamily(metric: MonitorMetric, groupByOperation: boolean, plan: PointPlan, minutes: readonly SpanMetricsPoint[]): MetricFamily {
  const groups = new Map<string, { service: string; operation: string; byMinute: Map<number, SpanMetricsPoint[]> }>();
  for (const p of minutes) {
    const service = p.service ?? '';
    const operation = groupByOperation ? (p.operation ?? '') : '';
    const key = JSON.stringify([service, operation]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { service, operation, byMinute: new Map() }));
    const at = g.byMinute.get(p.t);
    if (at) at.push(p);
    else g.byMinute.set(p.t, [p]);
  }
  const metrics: Metric[] = [];
  const sorted = [...groups.values()].sort((a, b) => cmp(a.service, b.service) || cmp(a.operation, b.operation));
  for (const g of sorted) {
    const points = seriesPoints(metric, plan, g.byMinute);
    if (points.length === 0) continue;
    const labels = [{ name: 'service_name', value: g.service }];
    if (groupByOperation) labels.push({ name: 'operation', value: g.operation });
    metrics.push({ labels, metricPoints: points });
  }
  return { ...familyNames(metric, groupByOperation), type: 'GAUGE', metrics };
}

function seriesPoints(metric: MonitorMetric, plan: PointPlan, byMinute: ReadonlyMap<number, readonly SpanMetricsPoint[]>): MetricPoint[] {
  const seconds = (plan.windowMinutes * MINUTE_MS) / 1000;
  // Points within one minute read the same window: compute each window once.
  const byWindowEnd = new Map<number, number | undefined>();
  const points: MetricPoint[] = [];
  for (const t of plan.times) {
    const end = floorMinute(t);
    if (!byWindowEnd.has(end)) byWindowEnd.set(end, windowValue(metric, end, plan.windowMinutes, seconds, byMinute));
    const value = byWindowEnd.get(end);
    if (value !== undefined) points.push({ t, value });
  }
  return points;
}

/** The value over the minutes [end − n minutes, end), or undefined when they hold no spans. */
function windowValue(
  metric: MonitorMetric,
  end: number,
  n: number,
  seconds: number,
  byMinute: ReadonlyMap<number, readonly SpanMetricsPoint[]>,
): number | undefined {
  let count = 0;
  let errors = 0;
  const bins: LatencyBins[] = [];
  for (let m = end - n * MINUTE_MS; m < end; m += MINUTE_MS) {
    for (const p of byMinute.get(m) ?? []) {
      count += p.count;
      errors += p.errors;
      bins.push(p.latency);
    }
  }
  if (!(count > 0)) return undefined;
  switch (metric.kind) {
    case 'calls':
      return count / seconds;
    case 'errors':
      return errors / count;
    case 'latencies':
      return quantileMs(bins, metric.quantile);
  }
}

/** As Prometheus's histogram_quantile reads a quantile outside [0, 1]: −Inf below, +Inf above, NaN for NaN. */
function quantileMs(bins: readonly LatencyBins[], q: number): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  return latencyQuantile(mergeLatencyBins(bins), q) / 1e6;
}

/**
 * Names and help texts of Jaeger's Prometheus reader (metricstore/prometheus/metricstore/reader.go), whose
 * trailing-window semantics these points follow: `service` becomes `service_operation` and " & operation" is
 * appended when grouped by operation.
 */
export function familyNames(metric: MonitorMetric, groupByOperation: boolean): { name: string; help: string } {
  const base =
    metric.kind === 'latencies'
      ? { name: 'service_latencies', help: `${goFixed2(metric.quantile)}th quantile latency, grouped by service` }
      : metric.kind === 'calls'
        ? { name: 'service_call_rate', help: 'calls/sec, grouped by service' }
        : { name: 'service_error_rate', help: 'error rate, computed as a fraction of errors/sec over calls/sec, grouped by service' };
  if (!groupByOperation) return base;
  return { name: base.name.replace('service', 'service_operation'), help: `${base.help} & operation` };
}

/**
 * Go's fmt `%.2f`: correctly rounded like toFixed, except that an exact tie rounds to even (0.125 → "0.12"), and
 * infinities are "+Inf"/"-Inf". Only an exact binary fraction with 3 bits after the point can tie at two decimals.
 */
export function goFixed2(x: number): string {
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (Number.isNaN(x)) return 'NaN';
  const scaled = x * 100;
  if (Number.isInteger(x * 8) && !Number.isInteger(scaled) && Number.isInteger(scaled * 2)) {
    const down = Math.floor(scaled);
    const even = down % 2 === 0 ? down : down + 1;
    return (even / 100).toFixed(2);
  }
  return x.toFixed(2);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
