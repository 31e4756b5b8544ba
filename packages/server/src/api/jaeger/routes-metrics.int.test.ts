import { latencyBinsOf } from '@clew/analysis';
import type { SpanKind, StatusCode, UnixNanos } from '@clew/model';
import { EMPTY_LATENCY_BINS, SpanKind as Kind, StatusCode as Status } from '@clew/model';
import type { EdgeRow, MetricsStore, SpanMetricsRow, Store } from '@clew/storage';
import { openDuckDBMetricsStore, openDuckDBStore } from '@clew/storage';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { zipkinApi } from '../zipkin/index.js';
import { jaegerApi } from './index.js';

const MIN = 60_000;
const T10 = Date.UTC(2024, 0, 1, 10, 0, 0); // 10:00:00, the end of every query below
const at = (m: number): number => T10 + m * MIN;
const NOW = (BigInt(T10 + 30_000) * 1_000_000n) as UnixNanos;

function row(minute: number, service: string, operation: string, kind: SpanKind, status: StatusCode, n: number, ms: number): SpanMetricsRow {
  const latency = latencyBinsOf(Array.from({ length: n }, () => ms * 1e6));
  return { minute, service, operation, kind, status, count: n, durationSumNanos: n * ms * 1e6, latency };
}

function edge(minute: number, client: string, server: string, count: number, failed: number, connectionType: EdgeRow['connectionType'] = ''): EdgeRow {
  return { minute, client, server, connectionType, count, failed, clientLatency: EMPTY_LATENCY_BINS, serverLatency: EMPTY_LATENCY_BINS };
}

/*
 * minute            09:57              09:58              09:59
 * cart  GET /cart   60 × 10 ms         120 × 20 ms, 12 ✗  –
 * cart  POST /cart  –                  60 × 50 ms         60 × 50 ms
 * cart  redis GET   600 × 1 ms CLIENT  (client spans: only with spanKind=client)
 * web   GET /       30 × 100 ms        –                  –
 * edges: web → cart 30, cart → redis (database) 600, 6 ✗; checkout → "payments" (virtual node) at 09:00 only
 */
const SPANS: SpanMetricsRow[] = [
  row(at(-3), 'cart', 'GET /cart', Kind.SERVER, Status.UNSET, 60, 10),
  row(at(-2), 'cart', 'GET /cart', Kind.SERVER, Status.UNSET, 108, 20),
  row(at(-2), 'cart', 'GET /cart', Kind.SERVER, Status.ERROR, 12, 20),
  row(at(-2), 'cart', 'POST /cart', Kind.SERVER, Status.OK, 60, 50),
  row(at(-1), 'cart', 'POST /cart', Kind.SERVER, Status.OK, 60, 50),
  row(at(-3), 'cart', 'redis GET', Kind.CLIENT, Status.UNSET, 600, 1),
  row(at(-3), 'web', 'GET /', Kind.SERVER, Status.UNSET, 30, 100),
];
const EDGES: EdgeRow[] = [
  edge(at(-3), 'web', 'cart', 30, 0),
  edge(at(-3), 'cart', 'redis', 400, 6, 'database'),
  edge(at(-2), 'cart', 'redis', 200, 0, 'database'),
  edge(at(-60), 'checkout', 'payments', 5, 5, 'virtual_node'),
];

let dir: string;
let store: Store;
let metricsStore: MetricsStore;
let app: FastifyInstance;
let bare: FastifyInstance;
let zipkin: FastifyInstance;
let base: string;
let bareBase: string;
let zipkinBase: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-jaeger-metrics-'));
  store = await openDuckDBStore({ dir: join(dir, 'spans'), now: () => NOW, checkpointIntervalMs: 0 });
  metricsStore = await openDuckDBMetricsStore({ path: join(dir, 'metrics', 'metrics.duckdb'), maintenanceIntervalMs: 0 });
  await metricsStore.append({ spans: SPANS, edges: EDGES, errors: [] }, 1n);
  app = Fastify();
  await app.register(jaegerApi, { store, metricsStore, now: () => NOW });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  bare = Fastify();
  await bare.register(jaegerApi, { store, now: () => NOW });
  bareBase = await bare.listen({ host: '127.0.0.1', port: 0 });
  zipkin = Fastify();
  await zipkin.register(zipkinApi, { store, catalogs: new AttributeCatalogs(), metricsStore, now: () => NOW });
  zipkinBase = await zipkin.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await bare?.close();
  await zipkin?.close();
  await metricsStore?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function get(url: string, from = base): Promise<{ status: number; type: string | null; text: string; body: any }> {
  const res = await fetch(from + url);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, body: JSON.parse(text) };
}

/** The UI's window: the last 3 minutes to 10:00, a point a minute, rates over 2 minutes. */
const RANGE = `endTs=${T10}&lookback=${3 * MIN}&step=${MIN}&ratePer=${2 * MIN}`;
const ts = (m: number): string => new Date(at(m)).toISOString().replace('.000Z', 'Z');
const points = (body: any, i = 0): Array<[string, number]> => body.metrics[i].metricPoints.map((p: any) => [p.timestamp, p.gaugeValue.doubleValue]);

describe('GET /api/metrics/* over the span-metrics rollups', () => {
  it('calls: service_call_rate per second over the trailing ratePer, a point per step', async () => {
    const r = await get(`/api/metrics/calls?service=cart&${RANGE}`);
    expect([r.status, r.type]).toEqual([200, 'application/json; charset=utf-8']); // fastify's charset, as on every v1 answer
    expect(r.body.name).toBe('service_call_rate');
    expect(r.body.type).toBe('GAUGE');
    expect(r.body.help).toBe('calls/sec, grouped by service');
    expect(r.body.metrics[0].labels).toEqual([{ name: 'service_name', value: 'cart' }]);
    // 09:57 reads 09:55–09:56 (nothing: no point); 09:58 reads 09:56–09:57; 09:59 reads 09:57–09:58; 10:00 reads 09:58–09:59
    expect(points(r.body)).toEqual([
      [ts(-2), 60 / 120],
      [ts(-1), (60 + 180) / 120],
      [ts(0), (180 + 60) / 120],
    ]);
  });

  it('errors: service_error_rate as a fraction, 0 where there were calls and no errors', async () => {
    const r = await get(`/api/metrics/errors?service=cart&${RANGE}`);
    expect(r.body.help).toBe('error rate, computed as a fraction of errors/sec over calls/sec, grouped by service');
    expect(points(r.body)).toEqual([
      [ts(-2), 0],
      [ts(-1), 12 / 240],
      [ts(0), 12 / 240],
    ]);
  });

  it('latencies: the quantiles Jaeger UI asks for (0.5, 0.75, 0.95), in milliseconds', async () => {
    const read = async (q: number) => points((await get(`/api/metrics/latencies?service=cart&quantile=${q}&${RANGE}`)).body).map(([, v]) => v);
    const within = (v: number, ms: number) => Math.abs(v - ms) <= ms * 0.01;
    // At 10:00: 120 × 20 ms and 120 × 50 ms.
    const [p50, p75, p95] = [await read(0.5), await read(0.75), await read(0.95)];
    expect([within(p50[2]!, 20), within(p75[2]!, 50), within(p95[2]!, 50), within(p50[0]!, 10)]).toEqual([true, true, true, true]);
    const r = await get(`/api/metrics/latencies?service=cart&quantile=0.95&${RANGE}`);
    expect([r.body.name, r.body.help]).toEqual(['service_latencies', '0.95th quantile latency, grouped by service']);
  });

  it('groupByOperation: the operations table, a series per operation labelled service_name and operation', async () => {
    const r = await get(`/api/metrics/calls?service=cart&groupByOperation=true&${RANGE}`);
    expect([r.body.name, r.body.help]).toEqual(['service_operation_call_rate', 'calls/sec, grouped by service & operation']);
    expect(r.body.metrics.map((m: any) => m.labels)).toEqual([
      [
        { name: 'service_name', value: 'cart' },
        { name: 'operation', value: 'GET /cart' },
      ],
      [
        { name: 'service_name', value: 'cart' },
        { name: 'operation', value: 'POST /cart' },
      ],
    ]);
    expect(points(r.body, 1)).toEqual([
      [ts(-1), 0.5],
      [ts(0), 1],
    ]);
  });

  it('spanKind: server spans by default, client spans when asked', async () => {
    const server = await get(`/api/metrics/calls?service=cart&${RANGE}`);
    expect(points(server.body)[0]).toEqual([ts(-2), 0.5]); // the 600 client spans are not in it
    const client = await get(`/api/metrics/calls?service=cart&spanKind=client&groupByOperation=true&${RANGE}`);
    expect(client.body.metrics.map((m: any) => m.labels[1].value)).toEqual(['redis GET']);
    expect(points(client.body)).toEqual([
      [ts(-2), 5],
      [ts(-1), 5],
    ]);
  });

  it('several services: one series each', async () => {
    const r = await get(`/api/metrics/calls?service=web&service=cart&${RANGE}`);
    expect(r.body.metrics.map((m: any) => m.labels[0].value)).toEqual(['cart', 'web']);
    expect(points(r.body, 1)).toEqual([
      [ts(-2), 0.25],
      [ts(-1), 0.25],
    ]);
  });

  it("a service with no data: the family with metrics: [], as Jaeger's readers answer", async () => {
    const r = await get(`/api/metrics/errors?service=nobody&${RANGE}`);
    expect(r.text).toBe('{"name":"service_error_rate","type":"GAUGE","help":"error rate, computed as a fraction of errors/sec over calls/sec, grouped by service","metrics":[]}');
  });

  it("Jaeger's defaults (an hour back, a point every 5 s, rates over 10 minutes): points within a minute repeat", async () => {
    const r = await get(`/api/metrics/calls?service=cart&endTs=${T10}`);
    const ps = points(r.body);
    // Nothing before 09:58:00, whose ten minutes hold 09:57; 09:58:00 … 09:58:55 read the same ten minutes: 12 equal points.
    expect(ps[0]).toEqual([ts(-2), 60 / 600]);
    expect(ps.slice(0, 12).every(([, v]) => v === 60 / 600)).toBe(true);
    expect(ps[12]).toEqual([ts(-1), 240 / 600]);
    expect(ps[1]![0]).toBe(new Date(at(-2) + 5000).toISOString().replace('.000Z', 'Z'));
    expect(ps.at(-1)).toEqual([ts(0), 300 / 600]);
  });

  it('prettyPrint: indented as jsonpb indents', async () => {
    const r = await get(`/api/metrics/calls?service=nobody&${RANGE}&prettyPrint=true`);
    expect(r.text).toBe('{\n    "name": "service_call_rate",\n    "type": "GAUGE",\n    "help": "calls/sec, grouped by service",\n    "metrics": [\n    ]\n}');
  });

  it.each([
    ['/api/metrics/calls', "unable to parse param 'service': please provide at least one service name"],
    ['/api/metrics/latencies?service=cart', `unable to parse param 'quantile': strconv.ParseFloat: parsing "": invalid syntax`],
    ['/api/metrics/calls?service=cart&step=0', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    ['/api/metrics/calls?service=cart&lookback=-1', 'invalid parameter "end": end timestamp must not be before start time'],
    [`/api/metrics/calls?service=cart&lookback=${11_001 * 1000}&step=1000`, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
  ])('%s → 400', async (url, msg) => {
    const r = await get(url);
    expect([r.status, r.body]).toEqual([400, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 400, msg }] }]);
  });

  it('minstep is gone with a metrics store (a 404, as in Jaeger since #8425)', async () => {
    expect((await get('/api/metrics/minstep')).status).toBe(404);
  });

  it('without a metrics store: 501 "metrics disabled", after the parameters are checked', async () => {
    const r = await get(`/api/metrics/calls?service=cart&${RANGE}`, bareBase);
    expect([r.status, r.body.errors]).toEqual([501, [{ code: 501, msg: 'trace metrics are currently disabled - no metrics backend configured' }]]);
    expect((await get('/api/metrics/calls', bareBase)).status).toBe(400);
    expect((await get('/api/metrics/minstep', bareBase)).status).toBe(501);
  });
});

describe('dependencies from the service graph rollups', () => {
  it('Jaeger /api/dependencies: every connection type, counts summed over the window', async () => {
    const r = await get(`/api/dependencies?endTs=${T10}&lookback=${10 * MIN}`);
    expect(r.body).toEqual({
      data: [
        { parent: 'cart', child: 'redis', callCount: 600 },
        { parent: 'web', child: 'cart', callCount: 30 },
      ],
      total: 0,
      limit: 0,
      offset: 0,
      errors: null,
    });
    // The default lookback (24 h) reaches the virtual node an hour back; `service` keeps the links that touch it.
    expect((await get(`/api/dependencies?endTs=${T10}`)).body.data).toContainEqual({ parent: 'checkout', child: 'payments', callCount: 5 });
    expect((await get(`/api/dependencies?endTs=${T10}&service=redis`)).body.data).toEqual([{ parent: 'cart', child: 'redis', callCount: 600 }]);
    // The window is read in whole minutes: one that ends at 09:58:00 holds 09:57 only.
    expect((await get(`/api/dependencies?endTs=${at(-2)}&lookback=${MIN}`)).body.data).toEqual([
      { parent: 'cart', child: 'redis', callCount: 400 },
      { parent: 'web', child: 'cart', callCount: 30 },
    ]);
  });

  it('Jaeger /api/dependencies without a metrics store: no links', async () => {
    expect((await get(`/api/dependencies?endTs=${T10}`, bareBase)).body.data).toEqual([]);
  });

  it('Zipkin /api/v2/dependencies: callCount and errorCount (only when there were errors)', async () => {
    const r = await get(`/api/v2/dependencies?endTs=${T10}&lookback=${2 * 3_600_000}`, zipkinBase);
    expect(r.body).toEqual([
      { parent: 'cart', child: 'redis', callCount: 600, errorCount: 6 },
      { parent: 'checkout', child: 'payments', callCount: 5, errorCount: 5 },
      { parent: 'web', child: 'cart', callCount: 30 },
    ]);
    const bad = await fetch(`${zipkinBase}/api/v2/dependencies?endTs=${T10}&lookback=0`);
    expect([bad.status, await bad.text()]).toEqual([400, 'lookback <= 0']);
  });
});
