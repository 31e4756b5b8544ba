import { SpanKind } from '@clew/model';
import type { MetricsReader, SpanMetricsQuery } from '@clew/storage';
import { ClewError } from '../../errors.js';
import type { MetricFamily, MonitorMetric, PointPlan } from './metric-family.js';
import { MINUTE_MS, metricFamily, planPoints } from './metric-family.js';
import type { MetricsQuery } from './params-metrics.js';

/** Prometheus's limit on a range query (web/api/v1/api.go), which Jaeger's Prometheus reader meets. */
export const MAX_POINTS = 11_000;

/** 9999-12-31T23:59:59.999Z: timestamps are written with four-digit years. */
const LAST_MS = 253_402_300_799_999n;

/**
 * One Monitor tab metric read from the span-metrics rollups: the minutes the query's windows cover are read once,
 * per service (and operation), then every point is computed from them (see metricFamily).
 */
export async function readMonitorMetric(store: MetricsReader, metric: MonitorMetric, query: MetricsQuery): Promise<MetricFamily> {
  const plan = checkedPlan(query);
  const minutes = await store.spanMetrics(spanMetricsQueryOf(query, plan));
  return metricFamily(metric, query.groupByOperation, plan, minutes);
}

/**
 * The range checks Prometheus makes of Jaeger's range query (its 400s, which Jaeger answers as 500s), then the plan.
 * A non-positive `ratePer` would be a PromQL parse error there.
 */
export function checkedPlan(q: MetricsQuery): PointPlan {
  if (q.stepMs <= 0n) throw bad('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (q.lookbackMs < 0n) throw bad('invalid parameter "end": end timestamp must not be before start time');
  if (q.lookbackMs / q.stepMs > BigInt(MAX_POINTS)) {
    throw bad('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  if (q.ratePerMs <= 0n) throw bad(`invalid parameter "ratePer": the rate window must be positive, got ${q.ratePerMs} ms`);
  if (q.endMs - q.lookbackMs < 0n || q.endMs > LAST_MS) {
    throw bad(`invalid parameter "endTs": the range ${q.endMs - q.lookbackMs}..${q.endMs} ms is outside 1970-01-01..9999-12-31`);
  }
  return planPoints(Number(q.endMs), Number(q.lookbackMs), Number(q.stepMs), Number(q.ratePerMs));
}

/** What to read: whole minutes, the services and kinds asked for, per service (and operation). */
export function spanMetricsQueryOf(q: MetricsQuery, plan: PointPlan): SpanMetricsQuery {
  return {
    from: plan.from,
    to: plan.to,
    step: MINUTE_MS,
    services: q.services,
    kinds: q.spanKinds.map(spanKindOf),
    groupBy: q.groupByOperation ? ['service', 'operation'] : ['service'],
  };
}

/** OpenTelemetry's enum name (SPAN_KIND_SERVER) → the model's kind; params-metrics only yields known names. */
function spanKindOf(name: string): SpanKind {
  const kind = (SpanKind as Record<string, SpanKind>)[name.replace(/^SPAN_KIND_/, '')];
  if (kind === undefined) throw new Error(`unknown span kind ${name}`);
  return kind;
}

function bad(message: string): ClewError {
  return new ClewError('BAD_PARAMETER', message);
}
