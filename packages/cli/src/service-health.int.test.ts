import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClewProcess } from '@clew/testing/clew-process';
import { getJson, startClewProcess, tempDataDir, waitForStore } from '@clew/testing/clew-process';
import { exactQuantile, healthTraffic } from '@clew/testing/health-traffic';
import { postProto } from '@clew/testing/payloads';

/*
 * Service health end to end: known traffic over OTLP, a kill -9 in the middle of it, and every figure read back
 * through the native API equal to the exact value computed from the sent spans (counts and edges exactly,
 * percentiles within the sketch's 1%), again after a clean restart.
 */

const tmp = await tempDataDir();
afterAll(() => tmp.cleanup());

const MINUTE = 60_000;
const N = 300;
const SPACING_MS = 3_000;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
const FROM = T0;
const TO = T0 + 20 * MINUTE;
const traffic = healthTraffic(T0, N, SPACING_MS);

async function startClew(): Promise<ClewProcess> {
  const config = join(tmp.dir, 'clew.yaml');
  await writeFile(config, 'metrics:\n  flushInterval: 200ms\n  serviceGraphWait: 1s\n');
  return startClewProcess(join(tmp.dir, 'data'), ['--config', config]);
}

async function send(clew: ClewProcess, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const res = await postProto(clew.otlpHttp, traffic.traces[i]!);
    expect(res.status).toBe(200);
  }
}

const services = (clew: ClewProcess, kind = 'server') =>
  getJson(`${clew.query}/api/clew/v1/metrics/services?from=${FROM}&to=${TO}&spanKind=${kind}`).then((r) => {
    expect(r.status).toBe(200);
    return r.body;
  });

const map = (clew: ClewProcess) =>
  getJson(`${clew.query}/api/clew/v1/service-map?from=${FROM}&to=${TO}`).then((r) => {
    expect(r.status).toBe(200);
    return r.body;
  });

/**
 * Until every span and every edge (the user edges come after the service graph's wait) is counted, and every span is
 * in the store, which TraceQL metrics read (the store writer gathers a batch for `storage.batchWait` after the counts).
 */
async function settled(clew: ClewProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [s, m] = await Promise.all([services(clew), map(clew)]);
    const frontend = s.services.find((x: any) => x.service === 'frontend');
    const user = m.edges.find((e: any) => e.client === 'user' && e.server === 'frontend');
    if (frontend?.figures.count >= N && user?.count >= N) return waitForStore(clew.query);
    if (Date.now() > deadline) throw new Error(`figures did not settle: frontend ${frontend?.figures.count}, user edge ${user?.count}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const within1Percent = (actual: number, exact: number) => expect(Math.abs(actual - exact) / exact).toBeLessThanOrEqual(0.01);

async function checkFigures(clew: ClewProcess): Promise<void> {
  const server = await services(clew);
  const consumer = await services(clew, 'consumer');
  for (const [service, sent] of Object.entries(traffic.served)) {
    const row = (service === 'shipping' ? consumer : server).services.find((x: any) => x.service === service);
    expect(row, service).toBeDefined();
    const f = row.figures;
    expect(f.count, service).toBe(N);
    expect(f.errors, service).toBe(sent.errors);
    expect(f.errorRate, service).toBeCloseTo(sent.errors / N, 12);
    expect(f.rate, service).toBeCloseTo(N / ((TO - FROM) / 1000), 12);
    expect(f.totalMs, service).toBeCloseTo(sent.durationsMs.reduce((a, b) => a + b, 0), 3);
    within1Percent(f.p50Ms, exactQuantile(sent.durationsMs, 0.5));
    within1Percent(f.p95Ms, exactQuantile(sent.durationsMs, 0.95));
    within1Percent(f.p99Ms, exactQuantile(sent.durationsMs, 0.99));
    expect(row.series.reduce((n: number, p: any) => n + p.count, 0), service).toBe(N);
  }

  const m = await map(clew);
  const edgeOf = (client: string, server: string) => m.edges.find((e: any) => e.client === client && e.server === server);
  for (const [key, sent] of Object.entries(traffic.edges)) {
    const [client, server] = key.split('→') as [string, string];
    expect(edgeOf(client, server), key).toMatchObject({ count: sent.count, failed: sent.failed });
  }
  expect(edgeOf('catalog', 'duckdb').connectionType).toBe('database');
  expect(edgeOf('checkout', 'shipping').connectionType).toBe('messaging_system');
  expect(edgeOf('user', 'frontend')).toMatchObject({ count: N, connectionType: 'virtual_node' });
  expect(m.nodes).toEqual(
    expect.arrayContaining([
      { id: 'duckdb', type: 'database' },
      { id: 'user', type: 'virtual' },
      { id: 'frontend', type: 'service' },
      { id: 'shipping', type: 'service' },
    ]),
  );

  const payment = await getJson(`${clew.query}/api/clew/v1/metrics/services/payment?from=${FROM}&to=${TO}`);
  expect(payment.status).toBe(200);
  expect(payment.body.operations).toEqual([expect.objectContaining({ operation: 'charge', impact: 1 })]);
  expect(payment.body.errors).toEqual([
    expect.objectContaining({ operation: 'charge', type: 'CardDeclinedError', message: 'card declined by issuer', count: traffic.served.payment!.errors }),
  ]);
}

/** The same figures through Jaeger's Monitor tab API and Tempo's TraceQL metrics. */
async function checkJaegerAndTempo(clew: ClewProcess): Promise<void> {
  // One point whose trailing window (ratePer) is the whole 20 minutes.
  const jaeger = (metric: string, service: string, extra = '') =>
    getJson(`${clew.query}/api/metrics/${metric}?service=${service}&endTs=${TO}&lookback=60000&step=60000&ratePer=${TO - FROM}${extra}`).then((r) => {
      expect(r.status, metric).toBe(200);
      const points = r.body.metrics[0].metricPoints;
      return points[points.length - 1].gaugeValue.doubleValue as number;
    });
  const payment = traffic.served.payment!;
  expect(await jaeger('calls', 'payment')).toBeCloseTo(N / ((TO - FROM) / 1000), 9);
  expect(await jaeger('errors', 'payment')).toBeCloseTo(payment.errors / N, 9);
  within1Percent(await jaeger('latencies', 'payment', '&quantile=0.95'), exactQuantile(payment.durationsMs, 0.95));

  const tempo = async (q: string) => {
    const r = await getJson(`${clew.tempo}/api/metrics/query_range?q=${encodeURIComponent(q)}&start=${FROM / 1000}&end=${TO / 1000}&step=60s`);
    expect(r.status, q).toBe(200);
    return r.body.series as Array<{ labels: Array<{ key: string; value: { stringValue?: string } }>; samples: Array<{ value: number }> }>;
  };
  // Steps without spans answer NaN (as Tempo's JSON writes it, a string): nothing counted.
  const total = (series: Awaited<ReturnType<typeof tempo>>[number]) => series.samples.reduce((n, s) => n + (Number.isFinite(Number(s.value)) ? Number(s.value) : 0), 0);
  const [all] = await tempo('{resource.service.name="payment" && kind=server} | count_over_time()');
  expect(total(all!)).toBe(N);
  const failed = await tempo('{kind=server && status=error} | count_over_time() by (resource.service.name)');
  const byService = Object.fromEntries(failed.map((s) => [s.labels[0]!.value.stringValue, total(s)]));
  expect(byService).toEqual({ payment: payment.errors, checkout: traffic.served.checkout!.errors });
}

describe('service health', () => {
  it('counts every span exactly once across a kill -9, and again after a clean restart', async () => {
    let clew = await startClew();
    await send(clew, 0, N / 2);
    // Acknowledged spans are in the log; some counts are written, the last ones are not: pull the plug.
    await clew.kill();

    clew = await startClew();
    try {
      await send(clew, N / 2, N);
      await settled(clew);
      await checkFigures(clew);

      await checkJaegerAndTempo(clew);

      const scrape = await fetch(`${clew.query}/metrics/traces`);
      expect(scrape.status).toBe(200);
      const text = await scrape.text();
      expect(text).toContain('traces_spanmetrics_calls_total{service="payment",span_kind="SPAN_KIND_SERVER",span_name="charge",status_code="STATUS_CODE_ERROR"}');
      expect(text).toContain('traces_service_graph_request_total{client="checkout",connection_type="messaging_system",server="shipping"}');
    } finally {
      expect(await clew.stop()).toBe(0);
    }

    clew = await startClew();
    try {
      await checkFigures(clew);
      await checkJaegerAndTempo(clew);
    } finally {
      expect(await clew.stop()).toBe(0);
    }
  });

  it('refuses a bad window with the parameter named', async () => {
    const clew = await startClew();
    try {
      const r = await getJson(`${clew.query}/api/clew/v1/metrics/services?from=${TO}&to=${FROM}`);
      expect(r.status).toBe(400);
      expect(r.body.error.parameter).toBe('to');
      const step = await getJson(`${clew.query}/api/clew/v1/metrics/services?step=30s`);
      expect(step.status).toBe(400);
      expect(step.body.error.message).toMatch(/whole number of minutes/);
    } finally {
      expect(await clew.stop()).toBe(0);
    }
  });
});
