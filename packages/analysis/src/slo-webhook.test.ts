import { describe, expect, it } from 'vitest';
import { alertTransitions, WORKBOOK_BURN_RATE_RULES } from './burn-rate-alerts.js';
import { DAY, MINUTE, SLO_WINDOWS } from './slo.js';
import type { MinuteCount } from './slo.js';
import type { Labels } from './slo-webhook.js';
import { alertmanagerWebhookBody, labelsFingerprint, labelSetString, sloWebhookAlert, ZERO_TIME } from './slo-webhook.js';

describe('labelsFingerprint', () => {
  it.each<{ labels: Labels; fingerprint: string }>([
    // Prometheus's empty-label-set signature is FNV-1a's offset basis.
    { labels: {}, fingerprint: 'cbf29ce484222325' },
    // prometheus/common model/signature_test.go: 5799056148416392346, 5146282821936882169, 13843036195897128121.
    { labels: { name: 'garland, briggs', fear: 'love is not enough' }, fingerprint: (5799056148416392346n).toString(16) },
    { labels: { 'first-label': 'first-label-value' }, fingerprint: (5146282821936882169n).toString(16) },
    {
      labels: { 'third-label': 'third-label-value', 'first-label': 'first-label-value', 'second-label': 'second-label-value' },
      fingerprint: (13843036195897128121n).toString(16),
    },
  ])('$fingerprint', ({ labels, fingerprint }) => expect(labelsFingerprint(labels)).toBe(fingerprint));

  it('is 16 hex digits and differs with any value', () => {
    expect(labelsFingerprint({ a: '1' })).toMatch(/^[0-9a-f]{16}$/);
    expect(labelsFingerprint({ a: '1' })).not.toBe(labelsFingerprint({ a: '2' }));
  });
  it('orders names by their UTF-8 bytes, as Go does', () => {
    // U+FF5E sorts after U+1F600 in UTF-16 units (0xFF5E > 0xD83D) but before it in UTF-8 (EF… < F0…).
    const fnv = (parts: string[]) => {
      let h = 0xcbf29ce484222325n;
      for (const b of Buffer.from(parts.join('\xff'), 'latin1')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    expect(labelsFingerprint({ '\u{1F600}': 'a', '\uFF5E': 'b' })).toBe(fnv([latin1('\uFF5E'), 'b', latin1('\u{1F600}'), 'a', '']));
  });
  it('does not depend on key order', () => expect(labelsFingerprint({ b: '2', a: '1' })).toBe(labelsFingerprint({ a: '1', b: '2' })));
});

describe('alertmanagerWebhookBody', () => {
  it('builds the group key as Alertmanager does: route key, then the group labels', () => {
    expect(labelSetString({ job: 'x', alertname: 'A' })).toBe('{alertname="A", job="x"}');
  });

  const T0 = Date.UTC(2025, 0, 1);
  const B = T0 + 3 * DAY;
  const series: MinuteCount[] = Array.from({ length: 3 * 1440 + 40 }, (_, i) => {
    const minute = T0 + i * MINUTE;
    const bad = minute >= B && minute < B + 10 * MINUTE ? 100 : 0;
    return { minute, good: 100 - bad, total: 100 };
  });
  const [fired, resolved] = alertTransitions({ kind: 'availability', target: 0.99, window: SLO_WINDOWS['30d'] }, series, { from: B, to: B + 40 * MINUTE, step: MINUTE });
  const labels = { alertname: 'SLOBurnRate', slo: 'checkout-availability', severity: 'page', rule: 'page-1h-5m', service: 'checkout' };

  it.each([
    { status: 'firing' as const, transition: fired, endsAt: ZERO_TIME },
    { status: 'resolved' as const, transition: resolved, endsAt: new Date(B + 15 * MINUTE).toISOString() },
  ])('$status SLO alert', ({ status, transition, endsAt }) => {
    const body = alertmanagerWebhookBody({
      receiver: 'oncall',
      groupBy: ['alertname', 'slo'],
      externalURL: 'http://alertmanager:9093',
      alerts: [sloWebhookAlert('checkout-availability', transition, { service: 'checkout' })],
    });
    expect(body).toEqual({
      version: '4',
      groupKey: '{}:{alertname="SLOBurnRate", slo="checkout-availability"}',
      truncatedAlerts: 0,
      status,
      receiver: 'oncall',
      groupLabels: { alertname: 'SLOBurnRate', slo: 'checkout-availability' },
      commonLabels: labels,
      commonAnnotations: body.alerts[0].annotations,
      externalURL: 'http://alertmanager:9093',
      alerts: [
        {
          status,
          labels,
          annotations: { summary: expect.stringMatching(/^checkout-availability: error budget burning [\d.]+× over 60 m and [\d.]+× over 5 m \(threshold 14.4×\)$/) },
          startsAt: new Date(B + 9 * MINUTE).toISOString(),
          endsAt,
          generatorURL: '',
          fingerprint: labelsFingerprint(labels),
        },
      ],
    });
    expect(transition.rule).toBe(WORKBOOK_BURN_RATE_RULES[0]);
  });

  it('keeps only labels every alert shares as common, and is firing while any alert fires', () => {
    const body = alertmanagerWebhookBody({
      receiver: 'r',
      alerts: [
        { status: 'resolved', labels: { alertname: 'A', slo: 's1' }, startsAt: 0, endsAt: 60_000 },
        { status: 'firing', labels: { alertname: 'A', slo: 's2' }, startsAt: 0 },
      ],
    });
    expect(body.status).toBe('firing');
    expect(body.commonLabels).toEqual({ alertname: 'A' });
    expect(body.groupKey).toBe('{}:{}');
  });

  it('refuses a resolved alert without an end', () => {
    expect(() => alertmanagerWebhookBody({ receiver: 'r', alerts: [{ status: 'resolved', labels: { a: '1' }, startsAt: 0 }] })).toThrow(/needs endsAt/);
  });
});
