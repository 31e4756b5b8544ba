import type { Span, TraceId, UnixNanos } from '@clew/model';
import { SpanKind, str } from '@clew/model';
import type { MetricsStore, Store } from '@clew/storage';
import { openDuckDBMetricsStore, openDuckDBStore } from '@clew/storage';
import { pino } from 'pino';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace } from '@clew/model/testing';
import { SpanMetricsConsumer } from '../../span-metrics/span-metrics-consumer.js';
import { jaegerApi } from './index.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos; // 2023-11-14T22:13:20Z
const MS = 1_000_000n;
const T_OLD = (NOW - 60_000n * MS) as UnixNanos;
const T_NEW = (NOW - 10_000n * MS) as UnixNanos;

const OLD = '0000000000000000000000000000aaaa' as TraceId; // a 64-bit id: Jaeger prints it with 16 digits
const NEW = '1111111111111111222222222222bbbb' as TraceId;

/*
 * OLD  frontend GET /      |========|        60 s ago, 10 ms, calls cart (error)
 * NEW  frontend GET /cart  |================| 10 s ago, 50 ms, calls cart then redis
 */
const oldTrace: Span[] = makeTrace(
  T_OLD,
  {
    service: 'frontend',
    name: 'GET /',
    at: 0,
    ms: 10,
    attributes: [{ key: 'http.method', value: str('GET') }],
    children: [{ service: 'cart', name: 'getCart', at: 1, ms: 5, kind: SpanKind.SERVER, error: true }],
  },
  OLD,
);
const newTrace: Span[] = makeTrace(
  T_NEW,
  {
    service: 'frontend',
    name: 'GET /cart',
    at: 0,
    ms: 50,
    attributes: [{ key: 'http.method', value: str('POST') }],
    children: [
      { service: 'cart', name: 'getCart', at: 5, ms: 20, kind: SpanKind.SERVER, children: [{ service: 'redis', name: 'GET', at: 6, ms: 2, kind: SpanKind.CLIENT }] },
    ],
  },
  NEW,
);

/*
 * What the dependency graph is drawn from: the service graph the span-metrics consumer pairs (client and server
 * spans, database calls), flushed to the metrics rollups. Only the consumer sees these traces.
 * GRAPH_OLD  frontend GET /      SERVER |==========|
 *            frontend GET cart   CLIENT   |======|
 *            cart     getCart    SERVER    |====|      error
 * GRAPH_NEW  frontend GET /cart  SERVER |==========|
 *            frontend GET cart   CLIENT   |======|
 *            cart     getCart    SERVER    |====|
 *            cart     GET        CLIENT     |=|        db.system=redis
 */
const cartCall = (error: boolean, children: Parameters<typeof makeTrace>[1][] = []): Parameters<typeof makeTrace>[1] => ({
  service: 'frontend',
  name: 'GET cart',
  at: 1,
  ms: 8,
  kind: SpanKind.CLIENT,
  children: [{ service: 'cart', name: 'getCart', at: 2, ms: 6, kind: SpanKind.SERVER, error, children }],
});
const graphSpans: Span[] = [
  ...makeTrace(T_OLD, { service: 'frontend', name: 'GET /', at: 0, ms: 10, children: [cartCall(true)] }, 'cccc0000000000000000000000000001' as TraceId),
  ...makeTrace(
    T_NEW,
    {
      service: 'frontend',
      name: 'GET /cart',
      at: 0,
      ms: 10,
      children: [cartCall(false, [{ service: 'cart', name: 'GET', at: 3, ms: 1, kind: SpanKind.CLIENT, attributes: [{ key: 'db.system', value: str('redis') }] }])],
    },
    'cccc0000000000000000000000000002' as TraceId,
  ),
];

let dir: string;
let store: Store;
let metricsStore: MetricsStore;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-jaeger-api-'));
  store = await openDuckDBStore({ dir, now: () => NOW, checkpointIntervalMs: 0 });
  await store.append([...oldTrace, ...newTrace]);
  metricsStore = await openDuckDBMetricsStore({ path: join(dir, 'metrics', 'metrics.duckdb'), maintenanceIntervalMs: 0 });
  // Its clock moves past the pairing wait before the last flush: the root spans' halves wait that long (they become
  // user → frontend edges), and nothing is written before they are done.
  let clock = Number(NOW / MS);
  const graphOptions = { maxOperationsPerService: 100, flushIntervalMs: 60_000, serviceGraphWaitMs: 10_000, serviceGraphMaxItems: 1000, now: () => clock };
  const consumer = await SpanMetricsConsumer.open(metricsStore, graphOptions, pino({ level: 'silent' }));
  consumer.push(graphSpans, 1n);
  clock += 60_000;
  await consumer.shutdown(); // flushes what it counted
  app = Fastify();
  await app.register(jaegerApi, { store, metricsStore, now: () => NOW });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await metricsStore?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function get(url: string): Promise<{ status: number; type: string; body: any; text: string }> {
  const res = await app.inject({ method: 'GET', url });
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, type: String(res.headers['content-type']), body, text: res.body };
}

describe('Jaeger v1 API over the DuckDB store', () => {
  it('GET /api/services', async () => {
    const r = await get('/api/services');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(r.body).toEqual({ data: ['cart', 'frontend', 'redis'], total: 3, limit: 0, offset: 0, errors: null });
  });

  it('GET /api/services/{service}/operations', async () => {
    const r = await get('/api/services/frontend/operations');
    expect(r.body).toEqual({ data: ['GET /', 'GET /cart'], total: 2, limit: 0, offset: 0, errors: null });
  });

  it('GET /api/operations with and without spanKind', async () => {
    expect((await get('/api/operations?service=redis')).body.data).toEqual([{ name: 'GET', spanKind: 'client' }]);
    expect((await get('/api/operations?service=cart&spanKind=client')).body).toMatchObject({ data: [], total: 0 });
    const missing = await get('/api/operations');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 400, msg: "parameter 'service' is required" }] });
  });

  it('GET /api/traces finds traces newest first, in Jaeger’s JSON', async () => {
    const r = await get('/api/traces?service=frontend&lookback=1h&limit=20');
    expect(r.status).toBe(200);
    expect(r.body.data.map((t: { traceID: string }) => t.traceID)).toEqual([NEW, '000000000000aaaa']);
    expect(r.body).toMatchObject({ total: 0, limit: 0, offset: 0, errors: null });
    const t = r.body.data[0];
    expect(Object.keys(t)).toEqual(['traceID', 'spans', 'processes', 'warnings']);
    expect(t.spans).toHaveLength(3);
    const root = t.spans.find((s: { operationName: string }) => s.operationName === 'GET /cart');
    expect(root).toMatchObject({ traceID: NEW, references: [], startTime: Number(T_NEW / 1000n), duration: 50_000, logs: [], warnings: null });
    expect(root.tags).toEqual([
      { key: 'otel.scope.name', type: 'string', value: 'clew-test' },
      { key: 'otel.scope.version', type: 'string', value: '1.0.0' },
      { key: 'http.method', type: 'string', value: 'POST' },
      { key: 'span.kind', type: 'string', value: 'server' },
    ]);
    const services = Object.values(t.processes).map((p: any) => p.serviceName).sort();
    expect(services).toEqual(['cart', 'frontend', 'redis']);
  });

  it('GET /api/traces filters by tags, durations and time', async () => {
    const ids = async (qs: string): Promise<string[]> =>
      (await get(`/api/traces?${qs}`)).body.data.map((t: { traceID: string }) => t.traceID);
    expect(await ids('service=frontend&tags=%7B%22http.method%22%3A%22GET%22%7D')).toEqual(['000000000000aaaa']);
    expect(await ids('service=frontend&tag=http.method:POST')).toEqual([NEW]);
    expect(await ids('service=cart&tag=error:true')).toEqual(['000000000000aaaa']);
    expect(await ids('service=frontend&minDuration=20ms')).toEqual([NEW]);
    expect(await ids('service=frontend&maxDuration=20ms')).toEqual(['000000000000aaaa']);
    expect(await ids('service=frontend&limit=1')).toEqual([NEW]);
    const start = (NOW - 30_000n * MS) / 1000n;
    expect(await ids(`service=frontend&start=${start}&end=${NOW / 1000n}`)).toEqual([NEW]);
    expect(await ids('service=nobody')).toEqual([]);
  });

  it('GET /api/traces?traceID= reports the ones not found', async () => {
    const r = await get(`/api/traces?traceID=aaaa&traceID=dead&start=${(NOW - 3_600_000n * MS) / 1000n}`);
    expect(r.body.data.map((t: { traceID: string }) => t.traceID)).toEqual(['000000000000aaaa']);
    expect(r.body.errors).toEqual([{ msg: 'trace not found', traceID: '000000000000dead' }]);
  });

  it('GET /api/traces/{id}: found, unknown (404), malformed (400)', async () => {
    const found = await get('/api/traces/AAAA');
    expect(found.status).toBe(200);
    expect(found.body.data[0].spans).toHaveLength(2);
    const error = found.body.data[0].spans.find((s: { operationName: string }) => s.operationName === 'getCart');
    expect(error.tags).toContainEqual({ key: 'error', type: 'bool', value: true });
    expect(error.tags).toContainEqual({ key: 'otel.status_description', type: 'string', value: 'failed' });

    const unknown = await get('/api/traces/0123456789abcdef');
    expect(unknown.status).toBe(404);
    expect(unknown.type).toBe('text/plain; charset=utf-8');
    expect(unknown.text).toBe('{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}\n');

    // Base64 of its 16 bytes too, as Jaeger reads a path's id (apiv3.TraceIDFromString).
    const base64 = await get(`/api/traces/${encodeURIComponent('AAAAAAAAAAAAAAAAAACqqg==')}`);
    expect(base64.status).toBe(200);
    expect(base64.body.data[0].traceID).toBe('000000000000aaaa');

    const bad = await get('/api/traces/not.hex');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ code: 400, msg: 'invalid trace ID (expected up to 32 hex digits, or base64 of 16 or 8 bytes): strconv.ParseUint: parsing "not.hex": invalid syntax' }]);
    const long = await get(`/api/traces/${'a'.repeat(33)}`);
    expect(long.body.errors[0].msg).toBe(`invalid trace ID (expected up to 32 hex digits, or base64 of 16 or 8 bytes): TraceID cannot be longer than 32 hex characters: ${'a'.repeat(33)}`);
  });

  it('GET /api/traces/{id} with start/end hints', async () => {
    const r = await get(`/api/traces/${NEW}?start=${(NOW - 20_000n * MS) / 1000n}&end=${NOW / 1000n}`);
    expect(r.status).toBe(200);
    expect((await get(`/api/traces/${NEW}?start=x`)).status).toBe(400);
  });

  it.each([
    ['/api/traces?service=frontend&minDuration=1x', `unable to parse param 'minDuration': time: unknown unit "x" in duration "1x"`],
    ['/api/traces?service=frontend&minDuration=2s&maxDuration=1s', "'maxDuration' should be greater than 'minDuration'"],
    ['/api/traces?service=frontend&start=2000&end=1000', 'invalid parameter: start time must be before end time'],
    ['/api/traces?service=frontend&tags=%7Bbad', "malformed 'tags' parameter, cannot unmarshal JSON: invalid character 'b' looking for beginning of object key string"],
    ['/api/traces?service=frontend&limit=ten', 'strconv.ParseInt: parsing "ten": invalid syntax'],
    ['/api/dependencies?endTs=soon', `unable to parse param 'endTs': strconv.ParseInt: parsing "soon": invalid syntax`],
  ])('%s → 400', async (url, msg) => {
    const r = await get(url);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 400, msg }] });
  });

  it('GET /api/dependencies', async () => {
    const r = await get(`/api/dependencies?endTs=${NOW / MS}&lookback=3600000`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      data: [
        { parent: 'cart', child: 'redis', callCount: 1 },
        { parent: 'frontend', child: 'cart', callCount: 2 },
        { parent: 'user', child: 'frontend', callCount: 2 },
      ],
      total: 0,
      limit: 0,
      offset: 0,
      errors: null,
    });
    expect((await get(`/api/dependencies?endTs=${NOW / MS}&service=redis`)).body.data).toEqual([{ parent: 'cart', child: 'redis', callCount: 1 }]);
  });

  it('prettyPrint indents by four spaces', async () => {
    expect((await get('/api/services?prettyPrint=true')).text).toContain('\n    "data": [\n        "cart"');
  });
});

describe('Jaeger api_v3 over the DuckDB store', () => {
  const window = `query.start_time_min=2023-11-14T21:00:00Z&query.start_time_max=2023-11-14T23:00:00Z`;

  it('GET /api/v3/services and /api/v3/operations', async () => {
    expect((await get('/api/v3/services')).body).toEqual({ services: ['cart', 'frontend', 'redis'] });
    expect((await get('/api/v3/operations?service=cart')).body).toEqual({ operations: [{ name: 'getCart', spanKind: 'server' }] });
    expect((await get('/api/v3/operations?service=cart&span_kind=client')).body).toEqual({});
  });

  it('GET /api/v3/traces/{id} returns the stored spans as OTLP JSON with hex ids', async () => {
    const r = await get(`/api/v3/traces/${NEW}`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    const spans = r.body.result.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans));
    expect(spans).toHaveLength(3);
    expect(spans.every((s: { traceId: string }) => s.traceId === NEW)).toBe(true);
    expect(spans.map((s: { spanId: string }) => s.spanId).sort()).toEqual(newTrace.map((s) => s.spanId).sort());
  });

  it('GET /api/v3/traces/{id}: unknown → 404, malformed → 400, in api_v3’s error shape', async () => {
    const unknown = await get('/api/v3/traces/0123456789abcdef');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('{"error":{"httpCode":404,"message":"No traces found"}}\n');
    const bad = await get('/api/v3/traces/x.z');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { httpCode: 400, message: 'malformed parameter trace_id: strconv.ParseUint: parsing "x.z": invalid syntax' } });
    // Base64, of 2 bytes.
    expect((await get('/api/v3/traces/xyz')).body).toEqual({ error: { httpCode: 400, message: 'malformed parameter trace_id: invalid length for TraceID' } });
  });

  it('GET /api/v3/traces searches', async () => {
    const traceIds = async (qs: string): Promise<string[]> => {
      const r = await get(`/api/v3/traces?${window}&${qs}`);
      if (r.status === 404) return [];
      const ids = r.body.result.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.traceId)));
      return [...new Set<string>(ids)];
    };
    expect(await traceIds('query.service_name=frontend')).toEqual([NEW, OLD]);
    expect(await traceIds('query.service_name=frontend&query.search_depth=1')).toEqual([NEW]);
    expect(await traceIds('query.service_name=frontend&query.operation_name=GET%20%2F')).toEqual([OLD]);
    expect(await traceIds('query.service_name=frontend&query.attributes=%7B%22http.method%22%3A%22POST%22%7D')).toEqual([NEW]);
    expect(await traceIds('query.service_name=frontend&query.duration_min=20ms')).toEqual([NEW]);
    expect(await traceIds('query.service_name=frontend&query.duration_max=20ms')).toEqual([OLD]);
    const none = await get(`/api/v3/traces?${window}&query.service_name=nobody`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ error: { httpCode: 404, message: 'No traces found' } });
  });

  it.each([
    ['query.service_name=frontend', 'query.startTimeMin and query.startTimeMax are required'],
    [`${window}&query.duration_min=1y`, 'malformed parameter query.duration_min: time: unknown unit "y" in duration "1y"'],
    [`${window}&query.search_depth=many`, 'malformed parameter query.search_depth: strconv.Atoi: parsing "many": invalid syntax'],
  ])('GET /api/v3/traces?%s → 400', async (qs, message) => {
    const r = await get(`/api/v3/traces?${qs}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { httpCode: 400, message } });
  });
});

describe('internal errors', () => {
  it('answer 500 with the envelope and no stack', async () => {
    const broken = Fastify({ logger: false });
    const failing = new Proxy(store, {
      get: (target, prop) => (prop === 'services' ? () => Promise.reject(new Error('disk on fire at /secret/path')) : Reflect.get(target, prop)),
    });
    await broken.register(jaegerApi, { store: failing });
    const v1 = await broken.inject({ method: 'GET', url: '/api/services' });
    expect(v1.statusCode).toBe(500);
    expect(JSON.parse(v1.body)).toEqual({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 500, msg: 'internal error' }] });
    const v3 = await broken.inject({ method: 'GET', url: '/api/v3/services' });
    expect(JSON.parse(v3.body)).toEqual({ error: { httpCode: 500, message: 'internal error' } });
    expect(v1.body + v3.body).not.toContain('secret');
    await broken.close();
  });
});
