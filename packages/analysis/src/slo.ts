import type { LatencyBins } from '@clew/model';
import { latencyCountAtOrBelow } from './latency-sketch.js';

/** Milliseconds since the epoch, or a span of milliseconds. */
export type Millis = number;

export const MINUTE: Millis = 60_000;
export const HOUR: Millis = 60 * MINUTE;
export const DAY: Millis = 24 * HOUR;

/** The compliance windows an SLO may be measured over. */
export const SLO_WINDOWS = { '7d': 7 * DAY, '28d': 28 * DAY, '30d': 30 * DAY } as const;

export type SloObjective =
  | { kind: 'availability'; target: number; window: Millis }
  /** `good` counts requests at or under `thresholdMs` (see `sloEventCounts`). */
  | { kind: 'latency'; target: number; window: Millis; thresholdMs: number };

/** One minute of events: the minute starting at `minute` (epoch ms, a multiple of 60 000). */
export interface MinuteCount {
  minute: Millis;
  good: number;
  total: number;
}

/** Events in a window; `noTraffic` is said outright so a caller never divides 0 by 0. */
export interface WindowCounts {
  good: number;
  total: number;
  bad: number;
  noTraffic: boolean;
}

/** Burn rate over one window: how many times faster than the SLO allows the budget is being spent. */
export interface WindowBurn extends WindowCounts {
  window: Millis;
  /** bad/total over (1 - target); 0 when there was no traffic, because no traffic spends no budget. */
  burnRate: number;
}

export interface ErrorBudget {
  /** 1 - target: the fraction of events allowed to be bad. */
  allowedFraction: number;
  /** allowedFraction × total events seen in the compliance window. */
  allowedEvents: number;
  consumedEvents: number;
  remainingEvents: number;
  /** 1 - consumed/allowed; negative once overspent, 1 with no traffic. */
  remainingFraction: number;
  exhausted: boolean;
}

export interface SloStatus {
  /** good/total over the compliance window; null with no traffic (nothing to measure). */
  sli: number | null;
  counts: WindowCounts;
  budget: ErrorBudget;
}

/** 1 - target, rounded to 12 digits: 1 - 0.99 is 0.010000000000000009, which would make spending exactly the budget fall short of it. */
export function budgetFraction(objective: SloObjective): number {
  return Number((1 - objective.target).toPrecision(12));
}

/**
 * Sums the minutes in [now - window, now). Minutes missing from the series had no traffic.
 * Series need not be sorted; a minute listed twice counts twice.
 */
export function windowCounts(series: readonly MinuteCount[], now: Millis, window: Millis): WindowCounts {
  const from = now - window;
  let good = 0;
  let total = 0;
  for (const m of series) {
    if (m.minute >= from && m.minute < now) {
      good += m.good;
      total += m.total;
    }
  }
  return { good, total, bad: total - good, noTraffic: total === 0 };
}

/**
 * The burn rate over `window` ending at `now`.
 * @example burnRate({ kind: 'availability', target: 0.99, window: SLO_WINDOWS['30d'] }, series, now, HOUR).burnRate
 */
export function burnRate(objective: SloObjective, series: readonly MinuteCount[], now: Millis, window: Millis): WindowBurn {
  const counts = windowCounts(series, now, window);
  const rate = counts.noTraffic ? 0 : counts.bad / counts.total / budgetFraction(objective);
  return { ...counts, window, burnRate: rate };
}

/** SLI and error budget over the objective's compliance window ending at `now`. */
export function sloStatus(objective: SloObjective, series: readonly MinuteCount[], now: Millis): SloStatus {
  const counts = windowCounts(series, now, objective.window);
  const allowedFraction = budgetFraction(objective);
  const allowedEvents = allowedFraction * counts.total;
  const consumedEvents = counts.bad;
  return {
    sli: counts.noTraffic ? null : counts.good / counts.total,
    counts,
    budget: {
      allowedFraction,
      allowedEvents,
      consumedEvents,
      remainingEvents: allowedEvents - consumedEvents,
      remainingFraction: counts.noTraffic ? 1 : 1 - consumedEvents / allowedEvents,
      exhausted: !counts.noTraffic && consumedEvents >= allowedEvents,
    },
  };
}

/** What a span-metrics bucket holds that an SLO needs: weights of all spans and of failed ones, and their latencies. */
export interface SpanCounts {
  count: number;
  errors: number;
  latency: LatencyBins;
}

/**
 * Good and total events of one bucket of span metrics. Availability: good = count − errors. Latency: good = the
 * weight at or under the threshold in the latency bins (within the bins' 1%: see `latencyCountAtOrBelow`); errors
 * are not bad for a latency SLO, only slowness is.
 */
export function sloEventCounts(objective: SloObjective, counts: SpanCounts): { good: number; total: number } {
  const total = counts.count;
  if (objective.kind === 'availability') return { good: Math.max(0, total - counts.errors), total };
  const good = latencyCountAtOrBelow(counts.latency, objective.thresholdMs * 1_000_000);
  return { good: Math.min(total, good), total };
}
