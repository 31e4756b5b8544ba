import type { AlertTransition } from './burn-rate-alerts.js';

/** Go's zero time, which Alertmanager sends as `endsAt` of an alert still firing. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export type Labels = Record<string, string>;

/** One alert in an Alertmanager webhook body (prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** The JSON body Alertmanager POSTs to a webhook receiver, version 4. */
export interface AlertmanagerWebhookBody {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Labels;
  externalURL: string;
  alerts: WebhookAlert[];
}

export interface WebhookAlertInput {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations?: Labels;
  startsAt: number;
  /** Required when resolved; a firing alert is sent with Go's zero time. */
  endsAt?: number;
  generatorURL?: string;
}

export interface WebhookGroup {
  receiver: string;
  alerts: readonly WebhookAlertInput[];
  /** Labels the route groups by; the group key is built from them. */
  groupBy?: readonly string[];
  externalURL?: string;
  /** The route's key, `{}` for the root route. */
  routeKey?: string;
}

/**
 * Prometheus's label-set fingerprint (prometheus/common `model.labelSetToFingerprint`, which Alertmanager sends as an
 * alert's `fingerprint`): 64-bit FNV-1a over the UTF-8 bytes of the sorted names and their values, each followed by
 * 0xff, as 16 hex digits.
 */
export function labelsFingerprint(labels: Labels): string {
  let h = 0xcbf29ce484222325n;
  const add = (b: number) => {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  const utf8 = new TextEncoder();
  // Go sorts label names byte-wise over UTF-8; JavaScript's default sort compares UTF-16 units, which orders
  // characters past U+FFFF differently.
  const names = Object.keys(labels).map((n) => ({ n, bytes: utf8.encode(n) }));
  names.sort((a, b) => compareBytes(a.bytes, b.bytes));
  for (const { n, bytes } of names) {
    for (const b of bytes) add(b);
    add(0xff);
    for (const b of utf8.encode(labels[n]!)) add(b);
    add(0xff);
  }
  return h.toString(16).padStart(16, '0');
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Prometheus's LabelSet.String(): `{a="1", b="2"}`, sorted by name. */
export function labelSetString(labels: Labels): string {
  const parts = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(', ')}}`;
}

function common(sets: readonly Labels[]): Labels {
  if (sets.length === 0) return {};
  const out: Labels = {};
  for (const [k, v] of Object.entries(sets[0])) {
    if (sets.every((s) => s[k] === v)) out[k] = v;
  }
  return out;
}

/** Builds the body Alertmanager would send for one notification group; the group is firing if any alert is. */
export function alertmanagerWebhookBody(group: WebhookGroup): AlertmanagerWebhookBody {
  const alerts: WebhookAlert[] = group.alerts.map((a) => {
    if (a.status === 'resolved' && a.endsAt === undefined) {
      throw new Error(`alertmanagerWebhookBody: resolved alert ${labelSetString(a.labels)} needs endsAt`);
    }
    return {
      status: a.status,
      labels: { ...a.labels },
      annotations: { ...(a.annotations ?? {}) },
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.status === 'resolved' ? new Date(a.endsAt as number).toISOString() : ZERO_TIME,
      generatorURL: a.generatorURL ?? '',
      fingerprint: labelsFingerprint(a.labels),
    };
  });
  const commonLabels = common(alerts.map((a) => a.labels));
  const groupLabels: Labels = {};
  for (const k of group.groupBy ?? []) if (commonLabels[k] !== undefined) groupLabels[k] = commonLabels[k];
  return {
    version: '4',
    groupKey: `${group.routeKey ?? '{}'}:${labelSetString(groupLabels)}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: group.receiver,
    groupLabels,
    commonLabels,
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: group.externalURL ?? '',
    alerts,
  };
}

/** The webhook alert for an SLO burn-rate transition: labels name the SLO, the rule and its severity. */
export function sloWebhookAlert(slo: string, transition: AlertTransition, extraLabels: Labels = {}): WebhookAlertInput {
  const { rule, evaluation } = transition;
  const pct = (n: number) => `${Math.round(n * 100) / 100}`;
  return {
    status: transition.status,
    labels: { alertname: 'SLOBurnRate', slo, severity: rule.severity, rule: rule.name, ...extraLabels },
    annotations: {
      summary: `${slo}: error budget burning ${pct(evaluation.long.burnRate)}× over ${rule.longWindow / 60_000} m and ${pct(evaluation.short.burnRate)}× over ${rule.shortWindow / 60_000} m (threshold ${rule.factor}×)`,
    },
    startsAt: transition.startsAt,
    endsAt: transition.status === 'resolved' ? transition.at : undefined,
  };
}
