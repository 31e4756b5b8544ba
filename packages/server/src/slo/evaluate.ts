import type { SloDefinition } from '@clew/api';
import { SPAN_KIND_NAMES } from '@clew/api';
import type { AlertEvaluation, Millis, MinuteCount, SloObjective, SloStatus, SpanCounts, WindowBurn } from '@clew/analysis';
import { burnRate, DAY, evaluateBurnRateAlerts, HOUR, MINUTE, SLO_WINDOWS, sloEventCounts, sloStatus } from '@clew/analysis';
import type { SpanKind } from '@clew/model';
import type { MetricsReader } from '@clew/storage';
import type { StepRead } from './read-plan.js';
import { sloReadPlan } from './read-plan.js';

/** The windows whose burn rates an SLO shows: every window of the workbook's rules. */
export const BURN_WINDOWS: readonly Millis[] = [5 * MINUTE, 30 * MINUTE, HOUR, 6 * HOUR, 3 * DAY];

/** An SLO measured at one instant: its counts, status, burn rates and which rules' conditions hold. */
export interface SloReading {
  readonly definition: SloDefinition;
  readonly objective: SloObjective;
  readonly evaluatedAt: Millis;
  /** Every window ends here: the end of the minute `evaluatedAt` falls in, so the minute in progress counts. */
  readonly end: Millis;
  /** Good and total per bucket, buckets of a minute or an hour, sorted, none overlapping, over [end − window, end). */
  readonly series: readonly MinuteCount[];
  readonly status: SloStatus;
  readonly burns: readonly WindowBurn[];
  readonly alerts: AlertEvaluation;
}

/** The analysis objective of a definition. */
export function sloObjective(d: SloDefinition): SloObjective {
  const window = SLO_WINDOWS[d.window];
  return d.objective.kind === 'availability'
    ? { kind: 'availability', target: d.target, window }
    : { kind: 'latency', target: d.target, window, thresholdMs: d.objective.thresholdMs };
}

/** A span-metrics bucket as read from the store, or as a test draws it. */
export interface CountedBucket extends SpanCounts {
  readonly t: Millis;
}

/** Reads an SLO's buckets (a few reads, see sloReadPlan) and measures it at `now`. */
export async function readSlo(store: MetricsReader, definition: SloDefinition, now: Millis): Promise<SloReading> {
  const objective = sloObjective(definition);
  const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  const plan = sloReadPlan(end, objective.window);
  const kind = SPAN_KIND_NAMES.indexOf(definition.spanKind) as SpanKind;
  const read = (r: StepRead) =>
    store.spanMetrics({
      from: r.from,
      to: r.to,
      step: r.step,
      services: [definition.service],
      ...(definition.operation !== undefined && { operations: [definition.operation] }),
      kinds: [kind],
      groupBy: [],
      // An availability SLO counts spans and errors only: the store need not read any latency.
      ...(objective.kind === 'availability' && { quantiles: [] }),
    });
  const results = await Promise.all(plan.reads.map(read));
  // The hourly read's bucket for the skipped hour is replaced by that hour's minutes.
  const buckets = results.flatMap((points, i) => (plan.reads[i]!.step === HOUR ? points.filter((p) => p.t !== plan.skipHourAt) : points));
  return measureSlo(definition, buckets, now);
}

/**
 * Measures an SLO at `now` from its buckets. Pure: `readSlo` gives it what the store holds; tests draw buckets.
 * The buckets must not overlap and no window start may fall inside one (sloReadPlan's reads satisfy both).
 */
export function measureSlo(definition: SloDefinition, buckets: readonly CountedBucket[], now: Millis): SloReading {
  const objective = sloObjective(definition);
  const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  const series = buckets
    .map((b) => ({ minute: b.t, ...sloEventCounts(objective, b) }))
    .filter((m) => m.total > 0)
    .sort((a, b) => a.minute - b.minute);
  return {
    definition,
    objective,
    evaluatedAt: now,
    end,
    series,
    status: sloStatus(objective, series, end),
    burns: BURN_WINDOWS.map((w) => burnRate(objective, series, end, w)),
    alerts: evaluateBurnRateAlerts(objective, series, end),
  };
}

/** "5m", "6h", "3d": how windows are named in views, labels and metrics. */
export function windowName(ms: Millis): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  return `${ms / MINUTE}m`;
}
