import type { SloView } from '@clew/api';
import type { AlertTransition, Millis, WebhookAlertInput } from '@clew/analysis';
import { nextAlertState } from '@clew/analysis';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { MetricsStore } from '@clew/storage';
import type { Logger } from 'pino';
import { metricsReaderFor } from '../query/tenant-readers.js';
import type { AlertStates, FiringRule } from './alert-state.js';
import type { AlertingConfig } from './config.js';
import type { SloReading } from './evaluate.js';
import { readSlo } from './evaluate.js';
import { goneAlert, notificationBody, sloAlertLabels, transitionAlert } from './notifications.js';
import type { RegisteredSlo, SloRegistry } from './registry.js';
import { sloView } from './view.js';
import type { WebhookSender } from './webhook-sender.js';

export interface SloAlertingOptions {
  readonly registry: SloRegistry;
  readonly store: MetricsStore;
  readonly states: AlertStates;
  readonly sender: WebhookSender;
  readonly config: AlertingConfig;
  /** alerting.repeatInterval in ms; 0 never repeats. */
  readonly repeatIntervalMs: Millis;
  /** Where the UI is reached: `${externalUrl}/slos/<id>` is each alert's generatorURL. */
  readonly externalUrl: string;
  readonly log: Logger;
  readonly now: () => Millis;
}

/**
 * Where an SLO's view is kept among the last evaluation's, and its `slo` label on /metrics: the id, prefixed with
 * `tenant/` for another tenant's than DEFAULT_TENANT's (a tenant name holds no slash).
 */
export const sloViewKey = (tenant: Tenant, id: string): string => (tenant === DEFAULT_TENANT ? id : `${tenant}/${id}`);

/**
 * One evaluation of every SLO of every tenant, each over its tenant's span metrics: measure it, fold the workbook's rules into its alert state, persist the state, and
 * queue a notification for each rule that starts or stops firing (and, every repeatInterval, for each that keeps
 * firing). Notifications are sent in the background; evaluation never waits for a webhook.
 */
export class SloAlerting {
  private views = new Map<string, SloView>();
  private failures = 0;

  constructor(private readonly o: SloAlertingOptions) {}

  /** The views of the last evaluation, by sloViewKey (for /metrics). */
  lastViews(): ReadonlyMap<string, SloView> {
    return this.views;
  }

  /** Evaluations of an SLO that failed (a store read that threw), since start. */
  evaluationFailures(): number {
    return this.failures;
  }

  /** Forgets the last evaluation's views (a node that stopped evaluating shows none on /metrics). */
  clearViews(): void {
    this.views = new Map();
  }

  async evaluate(): Promise<void> {
    const now = this.o.now();
    const views = new Map<string, SloView>();
    for (const tenant of await this.o.registry.tenants()) await this.evaluateTenant(tenant, now, views);
    this.views = views;
  }

  private async evaluateTenant(tenant: Tenant, now: Millis, views: Map<string, SloView>): Promise<void> {
    await this.o.states.load(tenant);
    const slos = await this.o.registry.list(tenant);
    const metrics = metricsReaderFor(this.o.store, tenant);
    for (const slo of slos) {
      const key = sloViewKey(tenant, slo.definition.id);
      let reading: SloReading;
      try {
        reading = await readSlo(metrics, slo.definition, now);
      } catch (err) {
        this.failures++;
        this.o.log.error({ err, slo: slo.definition.id, tenant }, 'an SLO could not be evaluated (reading the metrics store failed); its alerts keep their state until the next evaluation');
        const previous = this.views.get(key);
        if (previous !== undefined) views.set(key, previous);
        continue;
      }
      await this.fold(slo, reading, now);
      views.set(key, sloView(slo, reading, this.o.states.firingSince(tenant, slo.definition.id)));
    }
    const known = new Set(slos.map((s) => s.definition.id));
    for (const id of this.o.states.slos(tenant)) {
      if (!known.has(id)) await this.resolveGone(tenant, id, now);
    }
  }

  private async fold(slo: RegisteredSlo, reading: SloReading, now: Millis): Promise<void> {
    const d = slo.definition;
    const tenant = slo.tenant;
    const stored = this.o.states.get(tenant, d.id);
    const alerts: WebhookAlertInput[] = [];
    const kept = new Map<string, FiringRule>();
    // A rule firing under labels the definition no longer gives (its service changed, say) is resolved under the old
    // ones; if it still burns it fires again under the new.
    for (const [rule, f] of stored) {
      const evaluated = reading.alerts.rules.find((r) => r.rule.name === rule);
      if (evaluated !== undefined && sameLabels(f.labels, sloAlertLabels(d, evaluated.rule, tenant))) kept.set(rule, f);
      else alerts.push(goneAlert(f.labels, f.since, now, 'the SLO definition changed', this.generatorUrl(d.id)));
    }
    const { transitions } = nextAlertState(new Map([...kept].map(([r, f]) => [r, f.since])), reading.alerts, now);
    const next = new Map(kept);
    for (const t of transitions) {
      alerts.push(transitionAlert(d, t, this.generatorUrl(d.id), tenant));
      if (t.status === 'firing') next.set(t.rule.name, { since: t.startsAt, lastSentAt: now, labels: sloAlertLabels(d, t.rule, tenant) });
      else next.delete(t.rule.name);
    }
    const repeat = this.o.repeatIntervalMs;
    for (const [rule, f] of next) {
      if (repeat <= 0 || now - f.lastSentAt < repeat || transitions.some((t) => t.rule.name === rule)) continue;
      const evaluation = reading.alerts.rules.find((r) => r.rule.name === rule)!;
      const still: AlertTransition = { status: 'firing', rule: evaluation.rule, at: now, startsAt: f.since, evaluation };
      alerts.push(transitionAlert(d, still, this.generatorUrl(d.id), tenant));
      next.set(rule, { ...f, lastSentAt: now });
    }
    if (alerts.length === 0) return;
    // The state is written before anything is sent: a crash in between loses a notification rather than repeating one
    // (a firing one is sent again after repeatInterval).
    await this.o.states.set(tenant, d.id, next, now);
    for (const a of alerts) {
      this.o.log.info({ slo: d.id, tenant, rule: a.labels.rule, status: a.status }, `SLO alert ${a.status}`);
      this.notify(a);
    }
  }

  /** An SLO deleted while a rule fired: the rule resolves. */
  private async resolveGone(tenant: Tenant, id: string, now: Millis): Promise<void> {
    const state = this.o.states.get(tenant, id);
    await this.o.states.set(tenant, id, new Map(), now);
    for (const f of state.values()) this.notify(goneAlert(f.labels, f.since, now, 'the SLO was deleted', this.generatorUrl(id)));
  }

  private notify(alert: WebhookAlertInput): void {
    for (const hook of this.o.config.webhooks) this.o.sender.send(hook, notificationBody(alert, hook.receiver, this.o.externalUrl));
  }

  private generatorUrl(id: string): string {
    return `${this.o.externalUrl}/slos/${encodeURIComponent(id)}`;
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
