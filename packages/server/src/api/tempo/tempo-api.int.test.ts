import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { bool, DEFAULT_TENANT, int, SpanKind, StatusCode, str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { tempoApi } from './index.js';

const NOW_S = 1_700_000_000; // 2023-11-14T22:13:20Z
const NOW = (BigInt(NOW_S) * 1_000_000_000n) as UnixNanos;
const at = (msAgo: number): UnixNanos => (NOW - BigInt(msAgo) * 1_000_000n) as UnixNanos;
const GOLDEN = fileURLToPath(new URL('./fixtures/golden.json', import.meta.url));

/*
 * A  60 s ago  frontend GET /cart    |==========|  SERVER 10 ms, http.method=GET
 *              cart     get cart       |=====|     SERVER 5 ms, error "out of stock", cart.items=3
 *              cart     select           |=|       CLIENT 1 ms, db.system=postgresql
 * B  30 s ago  frontend POST /checkout |====|      SERVER 20 ms, http.method=POST, cached=true
 * C  (64-bit id) 10 s ago  cart  get cart |=|      SERVER 2 ms
 */
const A = 'a0000000000000000000000000000001' as TraceId;
const B = 'b0000000000000000000000000000002' as TraceId;
const C = '0000000000000000c000000000000003' as TraceId;
const frontend = makeResource('frontend', [{ key: 'region', value: str('eu') }]);
const cart = makeResource('cart');
const id = (n: number) => n.toString(16).padStart(16, '0') as SpanId;
const span = (traceId: TraceId, n: number, parent: number | null, name: string, resource: typeof cart, startMsAgo: number, ms: number, more: Partial<Span> = {}): Span =>
  makeSpan({
    traceId,
    spanId: id(n),
    parentSpanId: parent === null ? null : id(parent),
    name,
    resource,
    kind: SpanKind.SERVER,
    startTimeUnixNano: at(startMsAgo),
    endTimeUnixNano: (at(startMsAgo) + BigInt(ms) * 1_000_000n) as UnixNanos,
    ...more,
  });
const SPANS = [
  span(A, 1, null, 'GET /cart', frontend, 60_000, 10, { attributes: [{ key: 'http.method', value: str('GET') }] }),
  span(A, 2, 1, 'get cart', cart, 59_999, 5, { status: { code: StatusCode.ERROR, message: 'out of stock' }, attributes: [{ key: 'cart.items', value: int(3) }] }),
  span(A, 3, 2, 'select', cart, 59_998, 1, { kind: SpanKind.CLIENT, attributes: [{ key: 'db.system', value: str('postgresql') }] }),
  span(B, 4, null, 'POST /checkout', frontend, 30_000, 20, { attributes: [{ key: 'http.method', value: str('POST') }, { key: 'cached', value: bool(true) }] }),
  span(C, 5, null, 'get cart', cart, 10_000, 2),
];

const q = (text: string) => encodeURIComponent(text);
/** Every Tempo endpoint, with the answers Tempo 2.x gives: shapes, parameters, status codes and error texts. */
const REQUESTS: Array<string | [string, string]> = [
  '/api/echo',
  '/ready',
  '/api/status/buildinfo',
  `/api/traces/${A}`,
  `/api/v2/traces/${B}`,
  '/api/traces/c000000000000003',
  `/api/traces/${A}?start=${NOW_S - 30}&end=${NOW_S}`,
  '/api/traces/ffffffffffffffff',
  '/api/traces/xyz',
  '/api/v2/traces/' + 'f'.repeat(33),
  '/api/search',
  '/api/search?limit=1',
  `/api/search?q=${q('{ status = error }')}`,
  `/api/search?q=${q('{ resource.service.name = "frontend" } >> { span.db.system = "postgresql" }')}&spss=1`,
  `/api/search?q=${q('{ resource.service.name = "cart" } | count() > 1')}`,
  `/api/search?q=${q('{ resource.service.name = "cart" } | avg(duration) > 1ms')}`,
  `/api/search?q=${q('{ kind = server } | by(resource.service.name) | count() > 0')}&spss=1`,
  `/api/search?q=${q('{ .http.method = }')}`,
  `/api/search?tags=${q('service.name=FRONT')}`,
  `/api/search?tags=${q('http.method=post cached=true')}`,
  `/api/search?tags=${q('name="get cart"')}&minDuration=3ms`,
  `/api/search?tags=${q('service.name=cart')}&maxDuration=3ms`,
  `/api/search?start=${NOW_S - 20}&end=${NOW_S}`,
  '/api/search?limit=0',
  '/api/search?minDuration=fast',
  `/api/search?tags=${q('a="x')}`,
  '/api/search/tags',
  '/api/search/tags?scope=resource',
  '/api/search/tags?scope=nope',
  '/api/v2/search/tags',
  '/api/v2/search/tags?scope=intrinsic',
  '/api/search/tag/service.name/values',
  '/api/search/tag/http.method/values',
  '/api/v2/search/tag/resource.service.name/values',
  '/api/v2/search/tag/span.http.method/values',
  '/api/v2/search/tag/.cart.items/values',
  '/api/v2/search/tag/span.cached/values',
  '/api/v2/search/tag/resource.http.method/values',
  '/api/v2/search/tag/name/values',
  '/api/v2/search/tag/status/values',
  '/api/v2/search/tag/kind/values',
  '/api/v2/search/tag/http.method/values',
  '/api/v2/search/tag/rootServiceName/values',
  '/api/v2/search/tag/trace:rootName/values',
  '/api/v2/search/tag/event.name/values',
  '/api/v2/search/tag/event:name/values',
  '/api/v2/search/tag/span:duration/values',
  '/api/search/tag/root.service.name/values',
  '/api/search/tag/root.name/values',
  '/api/search/tag/status.code/values',
  ['application/protobuf', `/api/traces/${C}`],
  '/api/metrics/query_range',
  `/api/metrics/query_range?q=${q('{ } | count_over_time() by (resource.service.name)')}&start=${NOW_S - 120}&end=${NOW_S}&step=30s`,
  `/api/metrics/query_range?q=${q('{ resource.service.name = "cart" } | quantile_over_time(duration, .5, .99)')}&start=${NOW_S - 120}&end=${NOW_S}&step=1m&exemplars=2`,
  `/api/metrics/query_range?q=${q('{ } | histogram_over_time(duration) by (kind)')}&start=${NOW_S - 120}&end=${NOW_S}&step=60`,
  `/api/metrics/query_range?q=${q('{ } | rate() by (span.cart.items)')}&start=${NOW_S - 120}&end=${NOW_S}&step=60&exemplars=0`,
  `/api/metrics/query_range?q=${q('{ status = error }')}`,
  `/api/metrics/query?q=${q('{ } | count_over_time() by (kind)')}&start=${NOW_S - 120}&end=${NOW_S}`,
];

interface Exchange {
  request: string;
  accept?: string;
  status: number;
  contentType: string | undefined;
  body: unknown;
}

let dir: string;
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-tempo-api-'));
  store = await openDuckDBStore({ dir, now: () => NOW, checkpointIntervalMs: 0 });
  await store.append(SPANS);
  const catalogs = new AttributeCatalogs();
  catalogs.for(DEFAULT_TENANT).record(SPANS);
  app = Fastify();
  await app.register(tempoApi, { store, catalogs });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function exchange(r: string | [string, string]): Promise<Exchange> {
  const [accept, request] = typeof r === 'string' ? [undefined, r] : r;
  const res = await app.inject({ method: 'GET', url: request, headers: accept === undefined ? {} : { accept } });
  const contentType = res.headers['content-type'] as string | undefined;
  const body = contentType === 'application/json' ? res.json() : contentType === 'application/protobuf' ? res.rawPayload.toString('base64') : res.body;
  return { request, ...(accept !== undefined && { accept }), status: res.statusCode, contentType, body };
}

describe('Tempo API: golden request/response pairs (fixtures/golden.json)', () => {
  it('answers every request as recorded', async () => {
    const actual: Exchange[] = [];
    for (const r of REQUESTS) actual.push(await exchange(r));
    // CLEW_UPDATE_GOLDEN=1 rewrites the file; read the diff before committing it.
    if (process.env.CLEW_UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) await writeFile(GOLDEN, JSON.stringify(actual, null, 2) + '\n');
    const golden = JSON.parse(await readFile(GOLDEN, 'utf8')) as Exchange[];
    expect(actual.map((e) => e.request)).toEqual(golden.map((e) => e.request));
    for (const [i, e] of actual.entries()) expect(e, e.request).toEqual(golden[i]);
  });
});

describe('Tempo API: trace by id with a time range', () => {
  it('finds a stored trace whatever the range: start/end only say where to look first', async () => {
    const whole = await exchange(`/api/traces/${A}`);
    expect(whole.status).toBe(200);
    for (const range of ['start=1&end=2', `start=${NOW_S - 7200}&end=${NOW_S - 3600}`, `start=${NOW_S + 3600}`, `end=${NOW_S - 3600}`]) {
      expect(await exchange(`/api/traces/${A}?${range}`), range).toEqual({ ...whole, request: `/api/traces/${A}?${range}` });
    }
    const v2 = await exchange(`/api/v2/traces/${A}`);
    expect(await exchange(`/api/v2/traces/${A}?start=1&end=2`)).toEqual({ ...v2, request: `/api/v2/traces/${A}?start=1&end=2` });
  });

  it('an unknown trace is still a 404 with or without a range', async () => {
    for (const url of ['/api/traces/ffffffffffffffff?start=1&end=2', '/api/traces/ffffffffffffffff']) {
      const res = await exchange(url);
      expect([res.status, res.body], url).toEqual([404, 'trace not found\n']);
    }
  });
});

/** The fields Tempo's API documentation and tempo.proto give each object of a search answer, with their JSON types. */
const DOCUMENTED = {
  trace: { traceID: 'string', rootServiceName: 'string', rootTraceName: 'string', startTimeUnixNano: 'string', durationMs: 'number', spanSet: 'object', spanSets: 'object' },
  spanSet: { spans: 'object', matched: 'number', attributes: 'object' },
  span: { spanID: 'string', name: 'string', startTimeUnixNano: 'string', durationNanos: 'string', attributes: 'object' },
  metrics: { inspectedTraces: 'number', inspectedBytes: 'string', inspectedSpans: 'string', totalBlocks: 'number', completedJobs: 'number', totalJobs: 'number' },
} as const;

function expectDocumented(kind: keyof typeof DOCUMENTED, value: Record<string, unknown>, where: string): void {
  for (const [k, v] of Object.entries(value)) expect([k, typeof v], `${where}.${k}`).toEqual([k, (DOCUMENTED[kind] as Record<string, string>)[k]]);
}

describe('Tempo API: the recorded answers have Tempo’s documented shapes', () => {
  it('search answers use only documented fields, with their types', async () => {
    const golden = JSON.parse(await readFile(GOLDEN, 'utf8')) as Exchange[];
    const searches = golden.filter((e) => e.request.startsWith('/api/search') && !e.request.startsWith('/api/search/') && e.status === 200);
    expect(searches.length).toBeGreaterThan(5);
    for (const e of searches) {
      const body = e.body as { traces: Array<Record<string, unknown>>; metrics: Record<string, unknown> };
      expect(Object.keys(body).sort(), e.request).toEqual(['metrics', 'traces']);
      expectDocumented('metrics', body.metrics, e.request);
      for (const t of body.traces) {
        expectDocumented('trace', t, e.request);
        // util.TraceIDToHexString: lowercase hex, leading zeros stripped
        expect(t.traceID).toMatch(/^[1-9a-f][0-9a-f]{0,31}$/);
        for (const s of (t.spanSets ?? []) as Array<Record<string, unknown>>) {
          expectDocumented('spanSet', s, e.request);
          for (const span of s.spans as Array<Record<string, unknown>>) expectDocumented('span', span, e.request);
        }
      }
    }
  });

  it('tag answers are the documented lists', async () => {
    const golden = JSON.parse(await readFile(GOLDEN, 'utf8')) as Exchange[];
    for (const e of golden.filter((x) => x.status === 200 && x.request.includes('/search/tag'))) {
      const body = e.body as Record<string, unknown[]>;
      if (e.request.startsWith('/api/search/tags')) expect(body.tagNames!.every((n) => typeof n === 'string'), e.request).toBe(true);
      else if (e.request.startsWith('/api/v2/search/tags')) for (const s of body.scopes as Array<{ name: string; tags: string[] }>) expect(Object.keys(s), e.request).toEqual(['name', 'tags']);
      else if (e.request.startsWith('/api/search/tag/')) expect(body.tagValues!.every((v) => typeof v === 'string'), e.request).toBe(true);
      else for (const v of body.tagValues as object[]) expect(Object.keys(v), e.request).toEqual(['type', 'value']);
    }
  });
});
