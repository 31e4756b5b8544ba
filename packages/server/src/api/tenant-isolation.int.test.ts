import type { Span, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { openDuckDBStore } from '@clew/storage';
import type { Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decorateTenant } from '../auth/request-tenant.js';
import { createMetrics } from '../observability/metrics.js';
import { catalogConsumer } from '../pipeline/catalog-consumer.js';
import { WriteAheadLog } from '../wal/wal.js';
import { AttributeCatalogs } from './native/attribute-catalogs.js';
import { queryApp } from './query-app.js';
import { tempoApi } from './tempo/index.js';
import { zipkinApi } from './zipkin/index.js';

/**
 * Two tenants with the same service (shop) and one trace id in common; each has a service and an operation of its
 * own, and its own value of one attribute. Every API must answer each tenant with its own spans only:
 *
 *   tenant a   shop GET /a-only   |=====|        (region=eu)    trace SHARED
 *              alpha SELECT          |==|                        and trace A_ONLY
 *   tenant b   shop GET /b-only   |=====|        (region=us)    trace SHARED
 *              beta SELECT           |==|                        and trace B_ONLY
 */
const T0 = (BigInt(Date.now() - 60_000) * 1_000_000n) as UnixNanos;
const START_S = Number(T0 / 1_000_000_000n) - 60;
const END_S = START_S + 180;
const SHARED = 'aa'.repeat(16) as TraceId;
const A_ONLY = 'a1'.repeat(16) as TraceId;
const B_ONLY = 'b1'.repeat(16) as TraceId;
const HEADER = 'x-test-tenant';

const traceOf = (tenant: 'a' | 'b', traceId: TraceId): Span[] =>
  makeTrace(
    T0,
    {
      service: 'shop',
      name: `GET /${tenant}-only`,
      at: 0,
      ms: 10,
      attributes: [{ key: 'region', value: str(tenant === 'a' ? 'eu' : 'us') }],
      children: [{ service: tenant === 'a' ? 'alpha' : 'beta', name: 'SELECT', at: 2, ms: 3 }],
    },
    traceId,
  );

const SPANS = { a: [...traceOf('a', SHARED), ...traceOf('a', A_ONLY)], b: [...traceOf('b', SHARED), ...traceOf('b', B_ONLY)] };

let dir: string;
let store: Store;
let wal: WriteAheadLog;
let query: FastifyInstance;
let tempo: FastifyInstance;
let zipkin: FastifyInstance;

/** An app whose requests are the tenant the test header names (the auth hook's job in `clew serve`). */
async function tenantApp(register: (app: FastifyInstance) => PromiseLike<unknown>): Promise<FastifyInstance> {
  const app = Fastify();
  decorateTenant(app);
  app.addHook('onRequest', async (request) => {
    const named = request.headers[HEADER];
    request.tenant = typeof named === 'string' ? named : DEFAULT_TENANT;
  });
  await register(app);
  await app.ready();
  return app;
}

async function get(app: FastifyInstance, tenant: Tenant, url: string): Promise<{ status: number; body: unknown }> {
  const res = await app.inject({ method: 'GET', url, headers: { [HEADER]: tenant } });
  // Zipkin's and Tempo's errors are plain text.
  const json = (res.headers['content-type'] ?? '').toString().includes('json');
  return { status: res.statusCode, body: json ? (JSON.parse(res.body) as unknown) : res.body };
}

/** Every string anywhere in a JSON answer, to ask whether the other tenant's names or values leaked into it. */
function stringsOf(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) stringsOf(x, out);
  return out;
}

/** What tenant `t` may see, and what of the other tenant it must not. */
const OWN = { a: { op: 'GET /a-only', service: 'alpha', value: 'eu' }, b: { op: 'GET /b-only', service: 'beta', value: 'us' } } as const;
const other = (t: 'a' | 'b') => OWN[t === 'a' ? 'b' : 'a'];

/** The answer mentions what is the tenant's own and nothing of the other's. */
function expectOnly(t: 'a' | 'b', body: unknown, own: ReadonlyArray<keyof (typeof OWN)['a']>): void {
  const text = stringsOf(body).join('\n');
  for (const k of own) expect(text, `${k} of tenant ${t}`).toContain(OWN[t][k]);
  for (const v of Object.values(other(t))) expect(text).not.toContain(v);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-tenant-isolation-'));
  store = await openDuckDBStore({ dir: join(dir, 'store'), checkpointIntervalMs: 0 });
  await store.append([...SPANS.a, ...SPANS.b], 2n, [
    { tenant: 'a', spans: SPANS.a.length },
    { tenant: 'b', spans: SPANS.b.length },
  ]);
  // The catalogs as ingest feeds them: one push per tenant.
  const catalogs = new AttributeCatalogs();
  const consumer = catalogConsumer(catalogs);
  consumer.push(SPANS.a, 1n, 'a');
  consumer.push(SPANS.b, 2n, 'b');
  wal = (await WriteAheadLog.open({ dir: join(dir, 'wal') }, 0n)).wal;
  query = await tenantApp((app) => app.register(queryApp, { store, wal, metrics: createMetrics(), catalogs, webDir: join(dir, 'web'), mcp: {} }));
  tempo = await tenantApp((app) => app.register(tempoApi, { store, catalogs }));
  zipkin = await tenantApp((app) => app.register(zipkinApi, { store, catalogs }));
});

afterAll(async () => {
  for (const app of [query, tempo, zipkin]) await app?.close();
  await wal?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(['a', 'b'] as const)('tenant %s', (t) => {
  const ownTrace = t === 'a' ? A_ONLY : B_ONLY;
  const othersTrace = t === 'a' ? B_ONLY : A_ONLY;

  it('native API: services, operations, search, trace, outline, autocomplete', async () => {
    const services = await get(query, t, '/api/clew/v1/services');
    expect(services.body).toEqual({ services: [OWN[t].service, 'shop'].sort() });
    expectOnly(t, (await get(query, t, '/api/clew/v1/operations?service=shop')).body, ['op']);

    const search = await get(query, t, '/api/clew/v1/search?service=shop&limit=20');
    expect(search.status).toBe(200);
    expect((search.body as { traces: Array<{ traceId: string }> }).traces.map((r) => r.traceId).sort()).toEqual([SHARED, ownTrace].sort());
    expectOnly(t, search.body, ['op']);
    expectOnly(t, (await get(query, t, `/api/clew/v1/search?q=${encodeURIComponent('{ resource.service.name = "shop" }')}&limit=20`)).body, ['op']);

    const shared = await get(query, t, `/api/clew/v1/traces/${SHARED}`);
    expect(shared.status).toBe(200);
    expectOnly(t, shared.body, ['op', 'service', 'value']);
    expectOnly(t, (await get(query, t, `/api/clew/v1/traces/${SHARED}/outline`)).body, ['op', 'service']);
    expect((await get(query, t, `/api/clew/v1/traces/${othersTrace}`)).status).toBe(404);
    expect((await get(query, t, `/api/clew/v1/traces/${othersTrace}/outline`)).status).toBe(404);

    const values = await get(query, t, '/api/clew/v1/attributes/values?key=region');
    expect(values.body).toMatchObject({ values: [OWN[t].value] });
  });

  it('Jaeger API: services, operations, search, trace by id, api_v3', async () => {
    expect((await get(query, t, '/api/services')).body).toMatchObject({ data: [OWN[t].service, 'shop'].sort() });
    expectOnly(t, (await get(query, t, '/api/services/shop/operations')).body, ['op']);

    const found = await get(query, t, `/api/traces?service=shop&start=${START_S * 1_000_000}&end=${END_S * 1_000_000}&limit=20`);
    expect(found.status).toBe(200);
    expect((found.body as { data: Array<{ traceID: string }> }).data.map((d) => d.traceID).sort()).toEqual([SHARED, ownTrace].sort());
    expectOnly(t, found.body, ['op', 'service', 'value']);

    expectOnly(t, (await get(query, t, `/api/traces/${SHARED}`)).body, ['op', 'service', 'value']);
    expect((await get(query, t, `/api/traces/${othersTrace}`)).status).toBe(404);

    expect((await get(query, t, '/api/v3/services')).body).toEqual({ services: [OWN[t].service, 'shop'].sort() });
    expectOnly(t, (await get(query, t, `/api/v3/traces/${SHARED}`)).body, ['op', 'service', 'value']);
    expect((await get(query, t, `/api/v3/traces/${othersTrace}`)).status).toBe(404);
    const v3 = await get(query, t, `/api/v3/traces?query.service_name=shop&query.start_time_min=${new Date(START_S * 1000).toISOString()}&query.start_time_max=${new Date(END_S * 1000).toISOString()}`);
    expect(v3.status).toBe(200);
    expectOnly(t, v3.body, ['op', 'service', 'value']);
  });

  it('Zipkin API: services, spans, traces, trace by id, autocomplete values', async () => {
    expect((await get(zipkin, t, '/api/v2/services')).body).toEqual([OWN[t].service, 'shop'].sort());
    expectOnly(t, (await get(zipkin, t, '/api/v2/spans?serviceName=shop')).body, ['op']);

    const traces = await get(zipkin, t, `/api/v2/traces?serviceName=shop&endTs=${END_S * 1000}&lookback=${180_000}&limit=20`);
    expect(traces.status).toBe(200);
    expect((traces.body as unknown[]).length).toBe(2);
    expectOnly(t, traces.body, ['op', 'service', 'value']);

    expectOnly(t, (await get(zipkin, t, `/api/v2/trace/${SHARED}`)).body, ['op', 'service', 'value']);
    expect((await get(zipkin, t, `/api/v2/trace/${othersTrace}`)).status).toBe(404);
    expect((await get(zipkin, t, '/api/v2/autocompleteValues?key=region')).body).toEqual([OWN[t].value]);
  });

  it('Tempo API: search, TraceQL, trace by id, tags and tag values, metrics', async () => {
    const search = await get(tempo, t, `/api/search?tags=${encodeURIComponent('service.name=shop')}&start=${START_S}&end=${END_S}&limit=20`);
    expect(search.status).toBe(200);
    expect((search.body as { traces: Array<{ traceID: string }> }).traces.map((r) => r.traceID.padStart(32, '0')).sort()).toEqual([SHARED, ownTrace].sort());
    expectOnly(t, search.body, ['op']);

    const traceql = await get(tempo, t, `/api/search?q=${encodeURIComponent('{ span.region != "" }')}&start=${START_S}&end=${END_S}&limit=20`);
    expect((traceql.body as { traces: unknown[] }).traces).toHaveLength(2);
    expectOnly(t, traceql.body, ['op']);

    expectOnly(t, (await get(tempo, t, `/api/traces/${SHARED}`)).body, ['op', 'service', 'value']);
    expect((await get(tempo, t, `/api/traces/${othersTrace}`)).status).toBe(404);

    const tags = stringsOf((await get(tempo, t, '/api/v2/search/tags?scope=span')).body);
    expect(tags).toContain('region');
    expect((await get(tempo, t, '/api/v2/search/tag/span.region/values')).body).toEqual({ tagValues: [{ type: 'string', value: OWN[t].value }] });
    expectOnly(t, (await get(tempo, t, '/api/search/tag/service.name/values')).body, ['service']);

    const metrics = await get(tempo, t, `/api/metrics/query_range?q=${encodeURIComponent('{ } | count_over_time() by (resource.service.name)')}&start=${START_S}&end=${END_S}&step=60s`);
    expect(metrics.status).toBe(200);
    expectOnly(t, metrics.body, ['service']);
  });
});

/** One MCP tool call, as an assistant's client posts it to /mcp; the text of its answer. */
async function callTool(tenant: Tenant, name: string, args: Record<string, unknown>): Promise<string> {
  const res = await query.inject({
    method: 'POST',
    url: '/mcp',
    headers: { [HEADER]: tenant, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
  });
  expect(res.statusCode).toBe(200);
  return stringsOf((JSON.parse(res.body) as { result: unknown }).result).join('\n');
}

describe.each(['a', 'b'] as const)('MCP tools of tenant %s', (t) => {
  it('list the tenant\'s services and read its copy of the shared trace', async () => {
    const services = await callTool(t, 'list_services', {});
    expect(services).toContain(OWN[t].service);
    expect(services).not.toContain(other(t).service);
    const trace = await callTool(t, 'get_trace', { traceId: SHARED });
    expect(trace).toContain(OWN[t].op);
    expect(trace).not.toContain(other(t).op);
  });
});

describe('without a tenant header (DEFAULT_TENANT)', () => {
  it('sees neither tenant', async () => {
    expect((await get(query, DEFAULT_TENANT, '/api/clew/v1/services')).body).toEqual({ services: [] });
    expect((await get(query, DEFAULT_TENANT, `/api/clew/v1/traces/${SHARED}`)).status).toBe(404);
    expect((await get(zipkin, DEFAULT_TENANT, '/api/v2/autocompleteValues?key=region')).body).toEqual([]);
  });
});
