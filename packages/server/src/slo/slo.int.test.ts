import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SloDetailResponse, SloResponse, SlosResponse } from '@clew/api';
import { ROUTES, sloPath } from '@clew/api';
import type { AlertmanagerWebhookBody } from '@clew/analysis';
import { DAY, labelsFingerprint, latencyBinsOf, MINUTE } from '@clew/analysis';
import type { Tenant } from '@clew/model';
import { SpanKind, StatusCode } from '@clew/model';
import type { MetricsStore, SpanMetricsRow } from '@clew/storage';
import { openDuckDBMetricsStore } from '@clew/storage';
import Fastify from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClewConfigInput } from '../config/schema.js';
import { configSchema } from '../config/schema.js';
import { decorateTenant } from '../auth/request-tenant.js';
import { createMetrics } from '../observability/metrics.js';
import type { Slos } from './index.js';
import { startSlos } from './index.js';
import { EvaluatorLease } from './lease.js';
import { startWebhookReceiver } from './testing/webhook-receiver.js';

/** A minute boundary: the burn starts here. */
const T0 = Date.UTC(2025, 0, 10, 12, 0);

const checkout = {
  id: 'checkout-availability',
  name: 'Checkout availability',
  service: 'checkout',
  operation: 'POST /checkout',
  objective: { kind: 'availability' },
  target: 0.99,
  window: '7d',
} as const;

let dir: string;
let store: MetricsStore;
let position = 0n;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-slo-'));
  store = await openDuckDBMetricsStore({ path: join(dir, 'metrics.duckdb'), maintenanceIntervalMs: 0 });
  position = 0n;
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * `count` minutes from `from` of checkout's POST /checkout server spans: `ok` fine and `failed` failing a minute
 * (DEFAULT_TENANT's unless `tenant` says whose).
 */
async function traffic(from: number, count: number, ok: number, failed: number, tenant?: Tenant): Promise<void> {
  const spans: SpanMetricsRow[] = [];
  const row = (minute: number, status: StatusCode, n: number): SpanMetricsRow => ({
    ...(tenant !== undefined && { tenant }),
    minute,
    service: 'checkout',
    operation: 'POST /checkout',
    kind: SpanKind.SERVER,
    status,
    count: n,
    durationSumNanos: n * 20_000_000,
    latency: latencyBinsOf(Array<number>(n).fill(20_000_000)),
  });
  for (let i = 0; i < count; i++) {
    const minute = from + i * MINUTE;
    if (ok > 0) spans.push(row(minute, StatusCode.OK, ok));
    if (failed > 0) spans.push(row(minute, StatusCode.ERROR, failed));
  }
  position += 1n;
  await store.append({ spans, edges: [], errors: [] }, position);
}

/**
 * Starts the SLO module on the store with a pinned clock and no timer; returns it, its clock and its log lines. Its
 * app's requests are the tenant the x-test-tenant header names (the auth hook's job in `clew serve`).
 */
async function start(config: ClewConfigInput, clock: { now: number }, lease?: EvaluatorLease) {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  const metrics = createMetrics();
  const slos = await startSlos({ metricsStore: store, config: configSchema.parse(config), log, metrics, now: () => clock.now, loop: false, ...(lease && { lease }) });
  const app = Fastify();
  decorateTenant(app);
  app.addHook('onRequest', async (request) => {
    const named = request.headers['x-test-tenant'];
    if (typeof named === 'string') request.tenant = named;
  });
  await app.register(slos.routes);
  await app.ready();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await slos.stop();
    await app.close();
  };
  cleanups.push(stop);
  return { slos, app, metrics, lines, stop };
}

const alertingTo = (url: string) => ({
  webhooks: [{ url, headers: { authorization: 'Bearer hook-secret' } }],
  externalUrl: 'http://clew.test:16686/',
  retry: { maxAttempts: 4, initialBackoff: '5ms', maxBackoff: '20ms' },
  repeatInterval: '0s',
});

/** Evaluates at `at` and waits for every notification it caused to be delivered or given up. */
async function evaluateAt(slos: Slos, clock: { now: number }, at: number): Promise<void> {
  clock.now = at;
  await slos.evaluateNow();
  await slos.deliveriesIdle();
}

describe('SLO alerting, end to end over a DuckDB metrics store and a real webhook receiver', () => {
  it('a fast burn fires the page (delivered after a failed attempt), a restart does not fire it again, recovery resolves it', async () => {
    // The receiver fails the first notification, so it is retried.
    const receiver = await startWebhookReceiver([500]);
    cleanups.push(receiver.close);
    const clock = { now: T0 };
    const config = { slos: [checkout], alerting: alertingTo(receiver.url) };
    const first = await start(config, clock);

    /*
     * Three days of 100 good spans a minute before T0; from T0 ten minutes where all 100 fail; then good again.
     *   minute      … T0-1 | T0 … T0+9 | T0+10 …
     *   failed/min     0   |    100    |   0
     * 1 h window: 100·k of 6000 failing is 14.4× the 1% budget from k = 9 (end T0+9m); 5 m window: 100×.
     * 6 h: at most 1000 of 36000, 2.8×, and 3 d: 0.2×, so only the fast page fires.
     */
    await traffic(T0 - 3 * DAY, 3 * 24 * 60, 100, 0);
    await traffic(T0, 10, 0, 100);

    await evaluateAt(first.slos, clock, T0 + 7 * MINUTE + 30_000); // 1 h window at 800 of 6000: 13.3×
    expect(receiver.received).toHaveLength(0);

    const firedAt = T0 + 8 * MINUTE + 30_000; // 900 of 6000: 15×
    await evaluateAt(first.slos, clock, firedAt);
    expect(receiver.received.map((r) => [r.body.status, r.answered])).toEqual([
      ['firing', 500],
      ['firing', 200],
    ]);
    const labels = {
      alertname: 'SLOBurnRate',
      slo: 'checkout-availability',
      service: 'checkout',
      operation: 'POST /checkout',
      span_kind: 'server',
      severity: 'page',
      rule: 'page-1h-5m',
    };
    const firing = receiver.received[1]!.body;
    expect(receiver.received[1]!.headers.authorization).toBe('Bearer hook-secret');
    expect(firing).toMatchObject<Partial<AlertmanagerWebhookBody>>({
      version: '4',
      status: 'firing',
      receiver: 'clew',
      groupKey: '{}:{alertname="SLOBurnRate", rule="page-1h-5m", slo="checkout-availability"}',
      groupLabels: { alertname: 'SLOBurnRate', rule: 'page-1h-5m', slo: 'checkout-availability' },
      commonLabels: labels,
      externalURL: 'http://clew.test:16686',
      truncatedAlerts: 0,
    });
    expect(firing.alerts).toEqual([
      {
        status: 'firing',
        labels,
        annotations: {
          summary: 'Checkout availability: error budget burning 15× over 1h and 100× over 5m (alert above 14.4×)',
          description:
            'SLO "Checkout availability" (checkout POST /checkout): 99% of server spans without error over 7d. Over the last 1h, 900 of 6000 spans were bad.',
          slo_name: 'Checkout availability',
        },
        startsAt: new Date(firedAt).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://clew.test:16686/slos/checkout-availability',
        fingerprint: labelsFingerprint(labels),
      },
    ]);
    expect(first.lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['alert notification failed (HTTP 500); retrying in 5 ms']);

    // The UI and /metrics show it.
    const list = (await first.app.inject({ method: 'GET', url: ROUTES.slos })).json<SlosResponse>();
    expect(list.slos).toHaveLength(1);
    expect(list.slos[0]).toMatchObject({ source: 'config', alertState: 'page' });
    expect(list.slos[0]!.alerts.map((a) => [a.rule, a.firing, a.since])).toEqual([
      ['page-1h-5m', true, firedAt],
      ['page-6h-30m', false, null],
      ['ticket-3d-6h', false, null],
    ]);
    const scraped = await first.metrics.registry.metrics();
    expect(scraped).toContain('clew_slo_alert_firing{slo="checkout-availability",rule="page-1h-5m",severity="page"} 1');
    expect(scraped).toContain('clew_slo_alert_firing{slo="checkout-availability",rule="page-6h-30m",severity="page"} 0');
    expect(scraped).toContain('clew_slo_burn_rate{slo="checkout-availability",window="5m"} 100');
    expect(scraped).toContain('clew_slo_webhook_deliveries_total{outcome="error"} 1');
    expect(scraped).toContain('clew_slo_webhook_deliveries_total{outcome="success"} 1');
    expect(scraped).toMatch(/clew_slo_error_budget_remaining\{slo="checkout-availability"\} -?\d/);

    // A restart on the same store: the alert still fires, and is not sent again.
    await first.stop();
    const second = await start(config, clock);
    await evaluateAt(second.slos, clock, T0 + 9 * MINUTE + 30_000);
    await traffic(T0 + 10 * MINUTE, 10, 100, 0);
    await evaluateAt(second.slos, clock, T0 + 13 * MINUTE + 30_000); // 5 m window still holds burn minute T0+9: 20×
    expect(receiver.received).toHaveLength(2);
    const detail = (await second.app.inject({ method: 'GET', url: sloPath('checkout-availability') })).json<SloDetailResponse>();
    expect(detail.slo.alerts[0]).toMatchObject({ firing: true, since: firedAt });

    // Recovery: once the 5 m window holds only good minutes the page resolves, under the same labels.
    const resolvedAt = T0 + 14 * MINUTE + 30_000;
    await evaluateAt(second.slos, clock, resolvedAt);
    expect(receiver.received).toHaveLength(3);
    const resolved = receiver.received[2]!.body;
    expect(resolved).toMatchObject({ status: 'resolved', commonLabels: labels });
    expect(resolved.alerts[0]).toMatchObject({
      status: 'resolved',
      labels,
      startsAt: new Date(firedAt).toISOString(),
      endsAt: new Date(resolvedAt).toISOString(),
      fingerprint: labelsFingerprint(labels),
    });
    expect((await second.metrics.registry.metrics())).toContain('clew_slo_alert_firing{slo="checkout-availability",rule="page-1h-5m",severity="page"} 0');

    // And a restart after it resolved resolves nothing again.
    await second.stop();
    const third = await start(config, clock);
    await evaluateAt(third.slos, clock, T0 + 20 * MINUTE);
    expect(receiver.received).toHaveLength(3);
  });

  it('deleting an SLO while it pages resolves its alert', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(receiver.close);
    const clock = { now: T0 };
    const { slos, app } = await start({ alerting: alertingTo(receiver.url) }, clock);
    const created = await app.inject({ method: 'POST', url: ROUTES.slos, payload: { ...checkout, id: 'made-by-api' } });
    expect(created.statusCode).toBe(201);
    await traffic(T0 - 2 * 60 * MINUTE, 120, 100, 0);
    await traffic(T0, 10, 0, 100);
    await evaluateAt(slos, clock, T0 + 9 * MINUTE + 30_000);
    // Two hours of traffic only, so the 10 bad minutes burn every window past its factor: all three rules fire.
    const sent = () => receiver.received.map((r) => `${r.body.status} ${r.body.alerts[0]!.labels.rule}`).sort();
    expect(sent()).toEqual(['firing page-1h-5m', 'firing page-6h-30m', 'firing ticket-3d-6h']);
    const firing = receiver.received.map((r) => r.body.alerts[0]!);
    expect((await app.inject({ method: 'DELETE', url: sloPath('made-by-api') })).statusCode).toBe(204);
    await evaluateAt(slos, clock, T0 + 10 * MINUTE);
    expect(sent()).toEqual(['firing page-1h-5m', 'firing page-6h-30m', 'firing ticket-3d-6h', 'resolved page-1h-5m', 'resolved page-6h-30m', 'resolved ticket-3d-6h']);
    for (const r of receiver.received.slice(3).map((x) => x.body.alerts[0]!)) {
      expect(r.annotations.summary).toBe('made-by-api: the SLO was deleted');
      expect(r.fingerprint).toBe(firing.find((f) => f.labels.rule === r.labels.rule)!.fingerprint);
      expect(r.endsAt).toBe(new Date(T0 + 10 * MINUTE).toISOString());
    }
    await evaluateAt(slos, clock, T0 + 11 * MINUTE);
    expect(receiver.received).toHaveLength(6);
  });

  it('two query nodes over one store: only the lease holder sends, and the node taking over neither fires again nor forgets to resolve', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(receiver.close);
    const clock = { now: T0 };
    const config = { slos: [checkout], alerting: alertingTo(receiver.url) };
    const a = await start(config, clock, new EvaluatorLease(store, 'node-a', 90_000, 0));
    const b = await start(config, clock, new EvaluatorLease(store, 'node-b', 90_000, 0));
    await traffic(T0 - 2 * 60 * MINUTE, 120, 100, 0);
    await traffic(T0, 10, 0, 100);
    const sent = () => receiver.received.map((r) => `${r.body.status} ${r.body.alerts[0]!.labels.rule}`).sort();
    for (const at of [T0 + 9 * MINUTE + 30_000, T0 + 10 * MINUTE]) {
      await evaluateAt(a.slos, clock, at);
      await evaluateAt(b.slos, clock, at);
    }
    expect(sent()).toEqual(['firing page-1h-5m', 'firing page-6h-30m', 'firing ticket-3d-6h']);
    // Node A stops (it gives the lease up); B takes over at its next evaluation, with A's alert states.
    await a.stop();
    await traffic(T0 + 10 * MINUTE, 2, 0, 100);
    await evaluateAt(b.slos, clock, T0 + 11 * MINUTE + 30_000);
    expect(sent()).toEqual(['firing page-1h-5m', 'firing page-6h-30m', 'firing ticket-3d-6h']);
    expect(b.lines.some((l) => l.msg === 'this node now evaluates the SLOs and sends their alerts')).toBe(true);
    // The burn stops, and B resolves what A fired, under the same fingerprints.
    await traffic(T0 + 12 * MINUTE, 6 * 60, 100, 0);
    await evaluateAt(b.slos, clock, T0 + 12 * MINUTE + 6 * 60 * MINUTE);
    expect(sent()).toEqual(['firing page-1h-5m', 'firing page-6h-30m', 'firing ticket-3d-6h', 'resolved page-1h-5m', 'resolved page-6h-30m', 'resolved ticket-3d-6h']);
    const fingerprints = (status: string) => receiver.received.filter((r) => r.body.status === status).map((r) => r.body.alerts[0]!.fingerprint).sort();
    expect(fingerprints('resolved')).toEqual(fingerprints('firing'));
  });

  it('sends a firing alert again every repeatInterval, and resolves the old labels when an edit changes them', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(receiver.close);
    const clock = { now: T0 };
    const { slos, app } = await start({ alerting: { ...alertingTo(receiver.url), repeatInterval: '3m' } }, clock);
    const fastOnly = { ...checkout, id: 'edited' };
    expect((await app.inject({ method: 'POST', url: ROUTES.slos, payload: fastOnly })).statusCode).toBe(201);
    // Three days of good traffic, then a burn that goes on: only the fast page fires within these minutes.
    await traffic(T0 - 3 * DAY, 3 * 24 * 60, 100, 0);
    await traffic(T0, 20, 0, 100);
    const sent = () => receiver.received.map((r) => `${r.body.status} ${r.body.alerts[0]!.labels.operation ?? '*'} ${r.body.alerts[0]!.startsAt}`);
    const iso = (t: number) => new Date(t).toISOString();

    await evaluateAt(slos, clock, T0 + 9 * MINUTE);
    await evaluateAt(slos, clock, T0 + 11 * MINUTE); // 2 m after it was sent: not yet
    expect(sent()).toEqual([`firing POST /checkout ${iso(T0 + 9 * MINUTE)}`]);
    await evaluateAt(slos, clock, T0 + 12 * MINUTE); // 3 m: again, with the same startsAt
    await evaluateAt(slos, clock, T0 + 13 * MINUTE);
    expect(sent()).toEqual([`firing POST /checkout ${iso(T0 + 9 * MINUTE)}`, `firing POST /checkout ${iso(T0 + 9 * MINUTE)}`]);

    // Every operation of checkout instead of one: the alert under the old labels resolves, and one fires under the new.
    const { operation: _dropped, ...everyOperation } = fastOnly;
    expect((await app.inject({ method: 'PUT', url: sloPath('edited'), payload: everyOperation })).statusCode).toBe(200);
    await evaluateAt(slos, clock, T0 + 14 * MINUTE);
    expect(sent().slice(2).sort()).toEqual([`firing * ${iso(T0 + 14 * MINUTE)}`, `resolved POST /checkout ${iso(T0 + 9 * MINUTE)}`]);
  });
});

describe('SLO routes over a DuckDB metrics store', () => {
  it('lists, creates, reads, edits and deletes; the config file\'s are read-only', async () => {
    const clock = { now: T0 };
    const { app } = await start({ slos: [checkout] }, clock);
    await traffic(T0 - 60 * MINUTE, 60, 99, 1);

    const latency = { id: 'checkout-latency', name: 'Checkout latency', service: 'checkout', objective: { kind: 'latency', thresholdMs: 500 }, target: 0.95 };
    const created = await app.inject({ method: 'POST', url: ROUTES.slos, payload: latency });
    expect(created.statusCode).toBe(201);
    expect(created.json<SloResponse>().slo).toMatchObject({
      source: 'api',
      definition: { ...latency, description: '', spanKind: 'server', window: '28d' },
      sli: 1,
      total: 6000,
      bad: 0,
      budgetRemaining: 1,
    });

    const list = (await app.inject({ method: 'GET', url: ROUTES.slos })).json<SlosResponse>();
    expect(list.slos.map((s) => [s.definition.id, s.source])).toEqual([
      ['checkout-availability', 'config'],
      ['checkout-latency', 'api'],
    ]);
    expect(list.slos[0]).toMatchObject({ sli: 0.99, total: 6000, bad: 60, alertState: 'ok' });
    expect(list.slos[0]!.budgetRemaining).toBeCloseTo(0, 9);

    const detail = (await app.inject({ method: 'GET', url: sloPath('checkout-availability') })).json<SloDetailResponse>();
    expect(detail.step).toBe(3_600_000);
    expect(detail.series).toHaveLength(7 * 24 + 1); // the window starts a minute into an hour
    expect(detail.series.at(-2)).toMatchObject({ t: T0 - 60 * MINUTE, total: 6000, bad: 60, sli: 0.99 });

    const edited = await app.inject({ method: 'PUT', url: sloPath('checkout-latency'), payload: { ...latency, id: undefined, target: 0.9 } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json<SloResponse>().slo.definition.target).toBe(0.9);
    const madeByPut = await app.inject({ method: 'PUT', url: sloPath('put-made'), payload: { ...latency, id: 'put-made' } });
    expect(madeByPut.statusCode).toBe(201);

    const refusals = [
      [await app.inject({ method: 'PUT', url: sloPath('checkout-availability'), payload: checkout }), 409, 'SLO_READ_ONLY'],
      [await app.inject({ method: 'DELETE', url: sloPath('checkout-availability') }), 409, 'SLO_READ_ONLY'],
      [await app.inject({ method: 'POST', url: ROUTES.slos, payload: checkout }), 409, 'SLO_EXISTS'],
      [await app.inject({ method: 'POST', url: ROUTES.slos, payload: latency }), 409, 'SLO_EXISTS'],
      [await app.inject({ method: 'GET', url: sloPath('nope') }), 404, 'SLO_NOT_FOUND'],
      [await app.inject({ method: 'DELETE', url: sloPath('nope') }), 404, 'SLO_NOT_FOUND'],
      [await app.inject({ method: 'POST', url: ROUTES.slos, payload: { ...latency, id: 'x', objective: { kind: 'latency' } } }), 400, 'BAD_PARAMETER'],
      [await app.inject({ method: 'PUT', url: sloPath('checkout-latency'), payload: { ...latency, id: 'other' } }), 400, 'BAD_PARAMETER'],
      [await app.inject({ method: 'GET', url: sloPath('bad id!') }), 400, 'BAD_PARAMETER'],
      [await app.inject({ method: 'POST', url: ROUTES.slos, headers: { 'content-type': 'application/json' }, payload: '{' }), 400, 'BAD_PARAMETER'],
    ] as const;
    for (const [res, status, code] of refusals) {
      expect([res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([status, code]);
    }
    expect(refusals[0][0].json<{ error: { message: string } }>().error.message).toBe(
      'SLO "checkout-availability" is defined in the config file (slos:), so it cannot be edited through the API; edit the config file and restart Clew',
    );
    expect(refusals[6][0].json<{ error: { parameter: string } }>().error.parameter).toBe('objective.thresholdMs');

    expect((await app.inject({ method: 'DELETE', url: sloPath('checkout-latency') })).statusCode).toBe(204);
    const after = (await app.inject({ method: 'GET', url: ROUTES.slos })).json<SlosResponse>();
    expect(after.slos.map((s) => s.definition.id)).toEqual(['checkout-availability', 'put-made']);
  });
});

describe('SLOs per tenant', () => {
  it("each tenant lists, measures, stores and alerts on its own SLOs only, over its own span metrics", async () => {
    const receiver = await startWebhookReceiver([]);
    cleanups.push(receiver.close);
    const clock = { now: T0 + 10 * MINUTE };
    // The same id twice: DEFAULT_TENANT's from the file as it was, and acme's (the `tenant` field).
    const { slos, app, metrics } = await start({ slos: [checkout, { ...checkout, tenant: 'acme' }], alerting: alertingTo(receiver.url) }, clock);
    // DEFAULT_TENANT's checkout is healthy; acme's fails every request since T0.
    await traffic(T0 - DAY, 24 * 60, 100, 0);
    await traffic(T0 - DAY, 24 * 60, 100, 0, 'acme');
    await traffic(T0, 10, 0, 100, 'acme');
    const list = async (tenant?: string) =>
      (await app.inject({ method: 'GET', url: ROUTES.slos, headers: tenant === undefined ? {} : { 'x-test-tenant': tenant } })).json<SlosResponse>().slos;

    expect((await list()).map((v) => [v.definition.id, v.bad])).toEqual([['checkout-availability', 0]]);
    expect((await list('acme')).map((v) => [v.definition.id, v.bad])).toEqual([['checkout-availability', 1000]]);
    expect(await list('initech')).toEqual([]);

    // An SLO made through the API is its tenant's alone, and found again by the evaluation loop.
    const made = await app.inject({ method: 'POST', url: ROUTES.slos, headers: { 'x-test-tenant': 'initech' }, payload: { ...checkout, id: 'initech-checkout' } });
    expect(made.statusCode).toBe(201);
    expect((await list('initech')).map((v) => v.definition.id)).toEqual(['initech-checkout']);
    expect((await list()).map((v) => v.definition.id)).toEqual(['checkout-availability']);
    expect((await slos.views('initech')).map((v) => v.definition.id)).toEqual(['initech-checkout']);

    // Only acme's burns: its page fires, under a tenant label; the gauges name it acme/….
    await evaluateAt(slos, clock, T0 + 10 * MINUTE);
    const firing = receiver.received.map((r) => (r.body as AlertmanagerWebhookBody).alerts[0]!);
    expect(firing.length).toBeGreaterThan(0);
    for (const a of firing) expect(a.labels).toMatchObject({ tenant: 'acme', slo: 'checkout-availability' });
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain('clew_slo_alert_firing{slo="acme/checkout-availability",rule="page-1h-5m",severity="page"} 1');
    expect(scraped).toContain('clew_slo_alert_firing{slo="checkout-availability",rule="page-1h-5m",severity="page"} 0');
    expect(scraped).toContain('clew_slo_objective{slo="initech/initech-checkout"} 0.99');
  });
});
