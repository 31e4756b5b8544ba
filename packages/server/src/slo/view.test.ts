import type { SloDefinition } from '@clew/api';
import { SloDefinitionSchema, SloDetailResponseSchema, SloViewSchema } from '@clew/api';
import { DAY, HOUR, labelsFingerprint, MINUTE, nextAlertState } from '@clew/analysis';
import { DEFAULT_TENANT, EMPTY_LATENCY_BINS } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { measureSlo } from './evaluate.js';
import { notificationBody, sloAlertLabels, transitionAlert } from './notifications.js';
import { sloDetail, sloView } from './view.js';

const T0 = Date.UTC(2025, 0, 1);
const slo: SloDefinition = SloDefinitionSchema.parse({
  id: 'checkout',
  name: 'Checkout availability',
  service: 'checkout',
  operation: 'POST /checkout',
  objective: { kind: 'availability' },
  target: 0.99,
  window: '7d',
});
const bucket = (t: number, count: number, errors: number) => ({ t, count, errors, latency: EMPTY_LATENCY_BINS });

/*
 * Seven days end at E (on the hour). Traffic in three hours only:
 *   hour      E-7d (first) | E-3h | E-1h
 *   spans         6000     | 6000 | 6000
 *   failed          0      |  30  |  60
 * Budget: 1% of all spans. Through E-3h: 30 of 120 allowed spent (0.75 left); through E-1h: 90 of 180 (0.5 left).
 */
const E = T0 + 10 * DAY;
const buckets = [bucket(E - 7 * DAY, 6000, 0), bucket(E - 3 * HOUR, 6000, 30), bucket(E - HOUR, 6000, 60)];

describe('sloDetail', () => {
  const reading = measureSlo(slo, buckets, E - MINUTE);
  const view = sloView({ definition: slo, source: 'api' }, reading, new Map());
  const detail = sloDetail(view, reading);

  it('cuts the window into hours with each hour\'s SLI and the budget left through it', () => {
    expect(SloDetailResponseSchema.parse(detail)).toEqual(detail);
    expect(detail.step).toBe(HOUR);
    expect(detail.series).toHaveLength(7 * 24);
    expect(detail.series[0]).toEqual({ t: E - 7 * DAY, sli: 1, budgetRemaining: 1, total: 6000, bad: 0 });
    const at = (t: number) => detail.series.find((p) => p.t === t)!;
    expect(at(E - 4 * HOUR)).toEqual({ t: E - 4 * HOUR, sli: null, budgetRemaining: 1, total: 0, bad: 0 });
    expect(at(E - 3 * HOUR).budgetRemaining).toBeCloseTo(0.75, 12);
    expect(at(E - 3 * HOUR).sli).toBeCloseTo(0.995, 12);
    expect(at(E - HOUR).budgetRemaining).toBeCloseTo(0.5, 12);
    expect(detail.series.at(-1)!.budgetRemaining).toBeCloseTo(view.budgetRemaining, 12);
  });

  it('shows the figures, burn rates by window and each rule as not firing', () => {
    expect(SloViewSchema.parse(view)).toEqual(view);
    expect(view).toMatchObject({ source: 'api', total: 18000, bad: 90, alertState: 'ok', evaluatedAt: E - MINUTE });
    expect(view.sli).toBeCloseTo(1 - 90 / 18000, 12);
    expect(view.burnRates.map((b) => b.window)).toEqual(['5m', '30m', '1h', '6h', '3d']);
    expect(view.burnRates.find((b) => b.window === '1h')!.burnRate).toBeCloseTo(1, 9);
    expect(view.alerts.map((a) => [a.rule, a.severity, a.factor, a.longWindow, a.shortWindow, a.firing, a.since])).toEqual([
      ['page-1h-5m', 'page', 14.4, '1h', '5m', false, null],
      ['page-6h-30m', 'page', 6, '6h', '30m', false, null],
      ['ticket-3d-6h', 'ticket', 1, '3d', '6h', false, null],
    ]);
  });

  it('takes firing and since from the alert state', () => {
    const firing = sloView({ definition: slo, source: 'config' }, reading, new Map([['ticket-3d-6h', T0]]));
    expect(firing.alertState).toBe('ticket');
    expect(firing.alerts[2]).toMatchObject({ firing: true, since: T0 });
  });
});

describe('notifications', () => {
  // Ten minutes where all of 100 spans a minute fail, after an hour of good ones: the fast page fires.
  const B = T0 + 2 * HOUR;
  const burst = [...Array.from({ length: 60 }, (_, i) => bucket(B - HOUR + i * MINUTE, 100, 0)), ...Array.from({ length: 10 }, (_, i) => bucket(B + i * MINUTE, 100, 100))];
  const reading = measureSlo(slo, burst, B + 9 * MINUTE);
  const [fired] = nextAlertState(new Map(), reading.alerts, B + 10 * MINUTE).transitions;

  it('labels the alert by SLO, service, operation, kind, severity and rule, and says what burns', () => {
    const alert = transitionAlert(slo, fired!, 'http://clew.example:16686/slos/checkout', DEFAULT_TENANT);
    expect(alert.labels).toEqual({
      alertname: 'SLOBurnRate',
      slo: 'checkout',
      service: 'checkout',
      operation: 'POST /checkout',
      span_kind: 'server',
      severity: 'page',
      rule: 'page-1h-5m',
    });
    expect(alert.annotations!.summary).toBe('Checkout availability: error budget burning 16.67× over 1h and 100× over 5m (alert above 14.4×)');
    expect(alert.annotations!.description).toBe('SLO "Checkout availability" (checkout POST /checkout): 99% of server spans without error over 7d. Over the last 1h, 1000 of 6000 spans were bad.');
    const body = notificationBody(alert, 'team-pager', 'http://clew.example:16686');
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'team-pager',
      groupKey: '{}:{alertname="SLOBurnRate", rule="page-1h-5m", slo="checkout"}',
      externalURL: 'http://clew.example:16686',
    });
    expect(body.alerts[0]).toMatchObject({
      startsAt: new Date(B + 10 * MINUTE).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://clew.example:16686/slos/checkout',
      fingerprint: labelsFingerprint(sloAlertLabels(slo, fired!.rule, DEFAULT_TENANT)),
    });
  });
});
