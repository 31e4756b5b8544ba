import type { SloView } from '@clew/api';
import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../observability/metrics.js';
import type { DeliveryOutcome } from './webhook-sender.js';

/**
 * The SLO gauges on Clew's `/metrics`, read from the last evaluation when scraped (an SLO deleted since is gone from
 * them), and the webhook delivery counter. Returns the counter's increment for the sender. The `slo` label is the key
 * of `lastViews` (the id, prefixed `tenant/` for another tenant's than DEFAULT_TENANT's).
 */
export function registerSloMetrics(
  metrics: Metrics,
  source: { lastViews(): ReadonlyMap<string, SloView>; evaluationFailures(): number },
): (outcome: DeliveryOutcome) => void {
  const registers = [metrics.registry];
  const views = () => [...source.lastViews()].map(([slo, view]) => ({ ...view, slo }));
  new Gauge({
    name: 'clew_slo_sli',
    help: 'Good events over all events in the SLO\'s compliance window, at the last evaluation (absent without traffic).',
    labelNames: ['slo'] as const,
    registers,
    collect() {
      this.reset();
      for (const v of views()) if (v.sli !== null) this.set({ slo: v.slo }, v.sli);
    },
  });
  new Gauge({
    name: 'clew_slo_objective',
    help: 'The SLO\'s target good fraction.',
    labelNames: ['slo'] as const,
    registers,
    collect() {
      this.reset();
      for (const v of views()) this.set({ slo: v.slo }, v.definition.target);
    },
  });
  new Gauge({
    name: 'clew_slo_error_budget_remaining',
    help: 'Error budget left in the compliance window, as a fraction of it (1 untouched, 0 spent, negative overspent).',
    labelNames: ['slo'] as const,
    registers,
    collect() {
      this.reset();
      for (const v of views()) this.set({ slo: v.slo }, v.budgetRemaining);
    },
  });
  new Gauge({
    name: 'clew_slo_burn_rate',
    help: 'How many times faster than the SLO allows the error budget is being spent, over each alerting window.',
    labelNames: ['slo', 'window'] as const,
    registers,
    collect() {
      this.reset();
      for (const v of views()) for (const b of v.burnRates) this.set({ slo: v.slo, window: b.window }, b.burnRate);
    },
  });
  new Gauge({
    name: 'clew_slo_alert_firing',
    help: '1 while the SLO\'s burn-rate alert rule fires, else 0.',
    labelNames: ['slo', 'rule', 'severity'] as const,
    registers,
    collect() {
      this.reset();
      for (const v of views()) for (const a of v.alerts) this.set({ slo: v.slo, rule: a.rule, severity: a.severity }, a.firing ? 1 : 0);
    },
  });
  let failuresSeen = 0;
  new Counter({
    name: 'clew_slo_evaluation_failures_total',
    help: 'SLO evaluations that failed because the metrics store could not be read.',
    registers,
    collect() {
      const n = source.evaluationFailures();
      this.inc(n - failuresSeen);
      failuresSeen = n;
    },
  });
  const deliveries = new Counter({
    name: 'clew_slo_webhook_deliveries_total',
    help: 'Attempts to deliver an alert notification to a webhook, by outcome: success, error (retried) or gave_up.',
    labelNames: ['outcome'] as const,
    registers,
  });
  for (const outcome of ['success', 'error', 'gave_up'] as const) deliveries.inc({ outcome }, 0);
  return (outcome) => deliveries.inc({ outcome });
}
