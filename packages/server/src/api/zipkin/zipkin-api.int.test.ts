import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeZipkinJson } from '@clew/codecs';
import type { UnixNanos } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { MetricsStore, Store } from '@clew/storage';
import { openDuckDBMetricsStore, openDuckDBStore } from '@clew/storage';
import { pino } from 'pino';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { SpanMetricsConsumer } from '../../span-metrics/span-metrics-consumer.js';
import { zipkinApi } from './index.js';

const NOW_MS = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const NOW = (BigInt(NOW_MS) * 1_000_000n) as UnixNanos;
const US = (msAgo: number, plusUs = 0) => (NOW_MS - msAgo) * 1000 + plusUs;
const GOLDEN = fileURLToPath(new URL('./fixtures/golden.json', import.meta.url));

/*
 * A  (64-bit id) 60 s ago   frontend get /       |==========|  10 ms
 *                           frontend get /cart     |=====|      5 ms, CLIENT to cart (shared id with the next)
 *                           cart     get /cart      |===|       4 ms, SERVER, error "out of stock"
 *                           cart     select           |=|       1 ms, CLIENT to mysql
 * B  (128-bit id) 30 s ago  frontend post /checkout |====|    20 ms, http.method=POST, annotation "charged"
 */
const A = 'a000000000000001';
const B = 'b0000000000000000000000000000002';
const fe = { serviceName: 'frontend', ipv4: '10.0.0.1', port: 8080 };
const cart = { serviceName: 'cart', ipv4: '10.0.0.2' };
const SENT = [
  { traceId: A, id: '000000000000000a', kind: 'SERVER', name: 'get /', timestamp: US(60_000), duration: 10_000, localEndpoint: fe, tags: { 'http.method': 'GET' } },
  { traceId: A, parentId: '000000000000000a', id: '000000000000000b', kind: 'CLIENT', name: 'get /cart', timestamp: US(60_000, 1000), duration: 5000, localEndpoint: fe, remoteEndpoint: { serviceName: 'cart' } },
  { traceId: A, parentId: '000000000000000a', id: '000000000000000b', kind: 'SERVER', name: 'get /cart', timestamp: US(60_000, 1500), duration: 4000, localEndpoint: cart, shared: true, tags: { error: 'out of stock' } },
  { traceId: A, parentId: '000000000000000b', id: '000000000000000c', kind: 'CLIENT', name: 'select', timestamp: US(60_000, 2000), duration: 1000, localEndpoint: cart, remoteEndpoint: { serviceName: 'mysql', port: 3306 }, tags: { 'db.statement': 'select 1' } },
  { traceId: B, id: '000000000000000d', kind: 'SERVER', name: 'post /checkout', timestamp: US(30_000), duration: 20_000, localEndpoint: fe, annotations: [{ timestamp: US(30_000, 500), value: 'charged' }], tags: { 'http.method': 'POST' } },
];

/** Every Zipkin endpoint, with the answers Zipkin 3.x gives: shapes, parameters, status codes and error texts. */
const REQUESTS = [
  '/api/v2/services',
  '/api/v2/spans?serviceName=frontend',
  '/api/v2/spans',
  '/api/v2/remoteServices?serviceName=cart',
  '/api/v2/remoteServices?serviceName=frontend',
  '/api/v2/traces?serviceName=cart&annotationQuery=error',
  `/api/v2/traces?annotationQuery=${encodeURIComponent('http.method=POST and charged')}`,
  `/api/v2/traces?serviceName=frontend&spanName=${encodeURIComponent('get /cart')}&remoteServiceName=cart`,
  '/api/v2/traces?serviceName=frontend&minDuration=15000',
  '/api/v2/traces?serviceName=frontend&minDuration=1&maxDuration=10000&limit=1',
  `/api/v2/traces?endTs=${NOW_MS - 40_000}&lookback=60000`,
  '/api/v2/traces?lookback=1000',
  '/api/v2/traces?minDuration=0',
  '/api/v2/traces?maxDuration=10',
  '/api/v2/traces?minDuration=10&maxDuration=5',
  '/api/v2/traces?limit=abc',
  '/api/v2/traces?limit=0',
  '/api/v2/traces?endTs=-1',
  `/api/v2/trace/${A}`,
  `/api/v2/trace/0000000000000000${A}`,
  '/api/v2/trace/ABC',
  '/api/v2/trace/' + 'f'.repeat(33),
  '/api/v2/trace/0000',
  '/api/v2/trace/abc',
  `/api/v2/traceMany?traceIds=${A},${B},abc`,
  `/api/v2/traceMany?traceIds=${A}`,
  `/api/v2/traceMany?traceIds=${A},${A}`,
  '/api/v2/traceMany?traceIds=',
  '/api/v2/traceMany',
  `/api/v2/dependencies?endTs=${NOW_MS}&lookback=3600000`,
  `/api/v2/dependencies?endTs=${NOW_MS}`,
  '/api/v2/dependencies',
  `/api/v2/dependencies?endTs=${NOW_MS}&lookback=0`,
  '/api/v2/autocompleteKeys',
  '/api/v2/autocompleteValues?key=http.method',
  '/api/v2/autocompleteValues',
  '/zipkin/api/v2/services',
  '/zipkin/config.json',
];

interface Exchange {
  request: string;
  status: number;
  contentType: string | undefined;
  cacheControl?: string;
  body: unknown;
}

let dir: string;
let store: Store;
let metricsStore: MetricsStore;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-zipkin-api-'));
  store = await openDuckDBStore({ dir, now: () => NOW, checkpointIntervalMs: 0 });
  const { spans } = decodeZipkinJson(JSON.stringify(SENT));
  await store.append(spans);
  const catalogs = new AttributeCatalogs();
  catalogs.for(DEFAULT_TENANT).record(spans);
  // /dependencies reads the service graph the span-metrics consumer pairs from the same spans, once it has flushed.
  metricsStore = await openDuckDBMetricsStore({ path: join(dir, 'metrics', 'metrics.duckdb'), maintenanceIntervalMs: 0 });
  // Its clock moves past the pairing wait before the last flush, so unpaired client spans become virtual-node edges.
  let clock = NOW_MS;
  const graphOptions = { maxOperationsPerService: 100, flushIntervalMs: 60_000, serviceGraphWaitMs: 10_000, serviceGraphMaxItems: 1000, now: () => clock };
  const consumer = await SpanMetricsConsumer.open(metricsStore, graphOptions, pino({ level: 'silent' }));
  consumer.push(spans, 1n);
  clock += 60_000;
  await consumer.shutdown();
  app = Fastify();
  await app.register(zipkinApi, { store, catalogs, metricsStore, now: () => NOW });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await metricsStore?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function exchange(request: string): Promise<Exchange> {
  const res = await app.inject({ method: 'GET', url: request });
  const contentType = res.headers['content-type'] as string | undefined;
  const cacheControl = res.headers['cache-control'] as string | undefined;
  return {
    request,
    status: res.statusCode,
    contentType,
    ...(cacheControl !== undefined && { cacheControl }),
    body: contentType === 'application/json' ? res.json() : res.body,
  };
}

describe('Zipkin v2 API: golden request/response pairs (fixtures/golden.json)', () => {
  it('answers every request as recorded', async () => {
    const actual: Exchange[] = [];
    for (const r of REQUESTS) actual.push(await exchange(r));
    // CLEW_UPDATE_GOLDEN=1 rewrites the file; read the diff before committing it.
    if (process.env.CLEW_UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) await writeFile(GOLDEN, JSON.stringify(actual, null, 2) + '\n');
    const golden = JSON.parse(await readFile(GOLDEN, 'utf8')) as Exchange[];
    expect(actual.map((e) => e.request)).toEqual(golden.map((e) => e.request));
    for (const [i, e] of actual.entries()) expect(e, e.request).toEqual(golden[i]);
  });

  it('gives back each span as the client sent it (the failed span gains its status tags)', async () => {
    const trace = (await exchange(`/api/v2/trace/${A}`)).body as object[];
    const expected = SENT.filter((s) => s.traceId === A).map((s) =>
      s.tags?.error ? { ...s, tags: { ...s.tags, 'otel.status_code': 'ERROR', 'otel.status_description': s.tags.error } } : s,
    );
    expect(trace).toEqual(expected);
  });
});

/**
 * Numbers Zipkin keeps as sent: a tag sent as a JSON number is its text (zipkin-server reads it so), and integers in
 * an annotation's packed attributes stay exact. The body is text: a JavaScript number cannot hold 9007199254740993.
 */
describe('Zipkin v2 API: numbers come back as sent', () => {
  it('a tag 9007199254740993 (as py_zipkin sends it), 1.0, and an int64 in annotation JSON', async () => {
    const C = 'c000000000000003';
    const body = `[{"traceId":"${C}","id":"000000000000000e","kind":"SERVER","name":"get /","timestamp":${US(90_000)},"duration":300,` +
      `"localEndpoint":{"serviceName":"frontend"},"annotations":[{"timestamp":${US(90_000, 100)},"value":"batch|{\\"ids\\":9007199254740993}|0"}],` +
      `"tags":{"big":9007199254740993,"ratio":1.0,"text":"9007199254740993"}}]`;
    await store.append(decodeZipkinJson(body).spans);
    const res = await app.inject({ method: 'GET', url: `/api/v2/trace/${C}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('"tags":{"big":"9007199254740993","ratio":"1.0","text":"9007199254740993"}');
    expect(res.body).toContain('"value":"batch|{\\"ids\\":9007199254740993}|0"');
  });
});
