import type { SloDetailResponse, SloView } from '@clew/api';
import type { FiringSince } from '@clew/analysis';
import { budgetFraction, HOUR } from '@clew/analysis';
import type { SloReading } from './evaluate.js';
import { windowName } from './evaluate.js';
import type { RegisteredSlo } from './registry.js';

/**
 * An SLO as the API shows it: figures from the reading, and each rule's firing state as the alerting loop last
 * recorded it (alerts fire and resolve at evaluations, so the UI shows what the webhooks were told).
 */
export function sloView(slo: Pick<RegisteredSlo, 'definition' | 'source'>, reading: SloReading, firing: FiringSince): SloView {
  const { status } = reading;
  const alerts = reading.alerts.rules.map(({ rule }) => {
    const since = firing.get(rule.name);
    return {
      rule: rule.name,
      severity: rule.severity,
      factor: rule.factor,
      longWindow: windowName(rule.longWindow),
      shortWindow: windowName(rule.shortWindow),
      firing: since !== undefined,
      since: since ?? null,
    };
  });
  const firingNow = alerts.filter((a) => a.firing);
  return {
    definition: slo.definition,
    source: slo.source,
    sli: status.sli,
    total: status.counts.total,
    bad: status.counts.bad,
    budgetRemaining: status.budget.remainingFraction,
    burnRates: reading.burns.map((b) => ({ window: windowName(b.window), burnRate: b.burnRate, total: b.total, bad: b.bad })),
    alertState: firingNow.some((a) => a.severity === 'page') ? 'page' : firingNow.length > 0 ? 'ticket' : 'ok',
    alerts,
    evaluatedAt: reading.evaluatedAt,
  };
}

export const DETAIL_STEP = HOUR;

/**
 * The compliance window by the hour, for a burn-down chart: each hour's own SLI, and the budget left from the window's
 * start through that hour (the first hour may be partial: the window starts on a minute).
 */
export function sloDetail(view: SloView, reading: SloReading): SloDetailResponse {
  const allowed = budgetFraction(reading.objective);
  const from = reading.end - reading.objective.window;
  const hours = new Map<number, { good: number; total: number }>();
  for (const m of reading.series) {
    if (m.minute < from || m.minute >= reading.end) continue;
    const t = Math.floor(m.minute / DETAIL_STEP) * DETAIL_STEP;
    const h = hours.get(t) ?? { good: 0, total: 0 };
    h.good += m.good;
    h.total += m.total;
    hours.set(t, h);
  }
  const series: SloDetailResponse['series'] = [];
  let total = 0;
  let bad = 0;
  for (let t = Math.floor(from / DETAIL_STEP) * DETAIL_STEP; t < reading.end; t += DETAIL_STEP) {
    const h = hours.get(t) ?? { good: 0, total: 0 };
    total += h.total;
    bad += h.total - h.good;
    series.push({
      t,
      sli: h.total > 0 ? h.good / h.total : null,
      budgetRemaining: total > 0 ? 1 - bad / (allowed * total) : 1,
      total: h.total,
      bad: h.total - h.good,
    });
  }
  return { slo: view, step: DETAIL_STEP, series };
}
