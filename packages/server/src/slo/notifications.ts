import type { SloDefinition } from '@clew/api';
import type { AlertTransition, Labels, Millis, WebhookAlertInput } from '@clew/analysis';
import { alertmanagerWebhookBody, sloWebhookAlert } from '@clew/analysis';
import type { AlertmanagerWebhookBody } from '@clew/analysis';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { windowName } from './evaluate.js';

/**
 * The labels an SLO's alert is sent under; a rule's alert is known by them (its fingerprint). Another tenant's than
 * DEFAULT_TENANT's carries a `tenant` label too, as two tenants may have an SLO of the same id.
 */
export function sloAlertLabels(d: SloDefinition, rule: { name: string; severity: string }, tenant: Tenant): Labels {
  return {
    alertname: 'SLOBurnRate',
    ...(tenant !== DEFAULT_TENANT && { tenant }),
    slo: d.id,
    service: d.service,
    ...(d.operation !== undefined && { operation: d.operation }),
    span_kind: d.spanKind,
    severity: rule.severity,
    rule: rule.name,
  };
}

const pct = (n: number) => `${Math.round(n * 10_000) / 100}%`;
const times = (n: number) => `${Math.round(n * 100) / 100}×`;

/** A rule starting, continuing (a repeat) or stopping to fire, as the alert a webhook receives. */
export function transitionAlert(d: SloDefinition, t: AlertTransition, generatorURL: string, tenant: Tenant): WebhookAlertInput {
  const base = sloWebhookAlert(d.id, t, sloAlertLabels(d, t.rule, tenant));
  const { long, short } = t.evaluation;
  const objective = d.objective.kind === 'latency' ? `${pct(d.target)} of ${d.spanKind} spans under ${d.objective.thresholdMs} ms` : `${pct(d.target)} of ${d.spanKind} spans without error`;
  const scope = d.operation === undefined ? d.service : `${d.service} ${d.operation}`;
  return {
    ...base,
    annotations: {
      summary: `${d.name}: error budget burning ${times(long.burnRate)} over ${windowName(t.rule.longWindow)} and ${times(short.burnRate)} over ${windowName(t.rule.shortWindow)} (alert above ${t.rule.factor}×)`,
      description: `SLO "${d.name}" (${scope}): ${objective} over ${d.window}. Over the last ${windowName(t.rule.longWindow)}, ${Math.round(long.bad)} of ${Math.round(long.total)} spans were bad.`,
      slo_name: d.name,
    },
    generatorURL,
  };
}

/** A firing rule of an SLO that no longer exists (deleted, or its labels changed), resolved under its old labels. */
export function goneAlert(labels: Labels, since: Millis, now: Millis, why: string, generatorURL: string): WebhookAlertInput {
  return { status: 'resolved', labels, annotations: { summary: `${labels.slo ?? 'SLO'}: ${why}` }, startsAt: since, endsAt: now, generatorURL };
}

/**
 * One notification per alert, grouped by SLO and rule, as a route with `group_by: [alertname, slo, rule]` would send
 * it; and by tenant when the alert is another tenant's than the default one (its labels then name the tenant), so two
 * tenants' SLOs of one id never share a group.
 */
export function notificationBody(alert: WebhookAlertInput, receiver: string, externalURL: string): AlertmanagerWebhookBody {
  const groupBy = alert.labels.tenant === undefined ? ['alertname', 'slo', 'rule'] : ['alertname', 'tenant', 'slo', 'rule'];
  return alertmanagerWebhookBody({ receiver, alerts: [alert], groupBy, externalURL });
}
