import type { ApiTrace, ApiTraceOutline, TraceSearchResponse } from '@clew/api';
import {
  ApiErrorBodySchema,
  ApiTraceOutlineSchema,
  ApiTraceSchema,
  AttributeKeysResponseSchema,
  AttributeValuesResponseSchema,
  fromApiTrace,
  OperationsResponseSchema,
  SearchPointsResponseSchema,
  SearchResponseSchema,
  ServicesResponseSchema,
  TraceSearchResponseSchema,
} from '@clew/api';
import { decodeOtlpJson } from '@clew/codecs';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { compareSpanOrder, int, spanOutline, SpanKind, str } from '@clew/model';
import { makeResource, makeSpan, makeTrace } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AttributeCatalogs } from './attribute-catalogs.js';
import { nativeApi, TraceCache } from './index.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const MS = 1_000_000n;
const NOW_MS = Number(NOW / MS);
const T_OLD = (NOW - 60_000n * MS) as UnixNanos;
const T_NEW = (NOW - 10_000n * MS) as UnixNanos;
const T_MID = (NOW - 30_000n * MS) as UnixNanos;

const OLD = '0000000000000000000000000000aaaa' as TraceId;
const MID = '2222222222222222333333333333cccc' as TraceId;
const NEW = '1111111111111111222222222222bbbb' as TraceId;

/*
 * OLD  frontend GET /          |==========|                  60 s ago, 10 ms; cart getCart fails
 *        cart getCart            |=====|
 * MID  frontend GET /health    |=|                           30 s ago, 1 ms, alone
 * NEW  frontend GET /cart      |==================================================|  10 s ago, 50 ms
 *        cart getCart               |====================|
 *          redis GET                 |==|
 */
const oldTrace = makeTrace(
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
const midTrace = makeTrace(T_MID, { service: 'frontend', name: 'GET /health', at: 0, ms: 1 }, MID);
const newTrace = makeTrace(
  T_NEW,
  {
    service: 'frontend',
    name: 'GET /cart',
    at: 0,
    ms: 50,
    attributes: [
      { key: 'http.method', value: str('POST') },
      { key: 'http.response.status_code', value: int(200) },
    ],
    children: [
      {
        service: 'cart',
        name: 'getCart',
        at: 5,
        ms: 20,
        kind: SpanKind.SERVER,
        children: [{ service: 'redis', name: 'GET', at: 6, ms: 2, kind: SpanKind.CLIENT, attributes: [{ key: 'db.system', value: str('redis') }] }],
      },
    ],
  },
  NEW,
);

let dir: string;
let store: Store;
let app: FastifyInstance;
const catalogs = new AttributeCatalogs();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-native-api-'));
  store = await openDuckDBStore({ dir, now: () => NOW, checkpointIntervalMs: 0 });
  await store.append([...oldTrace, ...midTrace, ...newTrace]);
  app = Fastify();
  await app.register(nativeApi, { store, catalogs });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** GETs `url` and parses the JSON answer with the contract's schema, so every test checks the shape too. */
async function get<S extends z.ZodType>(url: string, schema: S, status = 200): Promise<z.output<S>> {
  const res = await app.inject({ method: 'GET', url });
  expect({ url, status: res.statusCode }).toEqual({ url, status });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return schema.parse(JSON.parse(res.body));
}

const badParameter = (url: string) => get(url, ApiErrorBodySchema, 400);

describe('services and operations', () => {
  it('lists services', async () => {
    expect(await get('/api/clew/v1/services', ServicesResponseSchema)).toEqual({ services: ['cart', 'frontend', 'redis'] });
  });

  it('lists operations with kinds, filtered by kind', async () => {
    expect(await get('/api/clew/v1/operations?service=frontend', OperationsResponseSchema)).toEqual({
      operations: [
        { name: 'GET /', spanKind: 'server' },
        { name: 'GET /cart', spanKind: 'server' },
        { name: 'GET /health', spanKind: 'server' },
      ],
    });
    expect(await get('/api/clew/v1/operations?service=redis&spanKind=server', OperationsResponseSchema)).toEqual({ operations: [] });
  });

  it('needs a service', async () => {
    expect(await badParameter('/api/clew/v1/operations?spanKind=client')).toEqual({
      error: { code: 'BAD_PARAMETER', message: "parameter 'service': is required", parameter: 'service' },
    });
  });
});

describe('search', () => {
  it('answers rows newest first with a real total and pages', async () => {
    const page1 = await get('/api/clew/v1/search?service=frontend&limit=2', SearchResponseSchema);
    expect(page1.total).toBe(3);
    expect(page1.traces.map((t) => t.traceId)).toEqual([NEW, MID]);
    const page2 = await get('/api/clew/v1/search?service=frontend&limit=2&offset=2', SearchResponseSchema);
    expect(page2).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page2.traces.map((t) => t.traceId)).toEqual([OLD]);
  });

  it('summarises each trace', async () => {
    const { traces } = await get('/api/clew/v1/search?service=redis', SearchResponseSchema);
    expect(traces).toEqual([
      {
        traceId: NEW,
        rootService: 'frontend',
        rootName: 'GET /cart',
        startTimeUnixNano: T_NEW.toString(),
        durationNanos: (50n * MS).toString(),
        spanCount: 3,
        errorCount: 0,
        services: [
          { name: 'cart', spanCount: 1, errorCount: 0 },
          { name: 'frontend', spanCount: 1, errorCount: 0 },
          { name: 'redis', spanCount: 1, errorCount: 0 },
        ],
        // The span that met the search's conditions, below the root, with its own duration.
        matchedSpan: { spanId: newTrace.find((sp) => sp.name === 'GET')!.spanId, service: 'redis', name: 'GET', durationNanos: (2n * MS).toString() },
      },
    ]);
    const unconditioned = await get('/api/clew/v1/search', SearchResponseSchema);
    expect(unconditioned.traces.map((t) => t.matchedSpan)).toEqual([undefined, undefined, undefined]);
    const failed = await get('/api/clew/v1/search?attr=error%3Dtrue', SearchResponseSchema);
    expect(failed.traces.map((t) => [t.traceId, t.errorCount, t.services.find((s) => s.name === 'cart')?.errorCount])).toEqual([[OLD, 1, 1]]);
  });

  it.each([
    ['attr=http.method%3DPOST', [NEW]],
    ['attr=http.method=GET', [OLD]],
    ['attr=http.method%3DPOST&attr=http.response.status_code%3D200', [NEW]],
    ['attr=http.method%3DPOST&attr=http.response.status_code%3D500', []],
    ['service=cart&operation=getCart', [NEW, OLD]],
    ['spanKind=client', [NEW]],
    ['minDuration=15ms', [NEW]],
    ['minDuration=3ms&maxDuration=10ms', [OLD]], // NEW's 2 ms redis span is below, its others above
    [`start=${NOW_MS - 40_000}&end=${NOW_MS - 20_000}`, [MID]],
    [`start=${NOW_MS}`, []],
    ['service=nobody', []],
  ])('filters by %s', async (query, ids) => {
    const r = await get(`/api/clew/v1/search?${query}`, SearchResponseSchema);
    expect(r.traces.map((t) => t.traceId)).toEqual(ids);
    expect(r.total).toBe(ids.length);
  });

  it('sorts by duration and span count across every match, newest first by default', async () => {
    const order = async (sort: string) => (await get(`/api/clew/v1/search?sort=${sort}`, SearchResponseSchema)).traces.map((t) => t.traceId);
    expect(await order('start')).toEqual([NEW, MID, OLD]);
    expect(await order('duration')).toEqual([NEW, OLD, MID]); // 50, 10, 1 ms
    expect(await order('spans')).toEqual([NEW, OLD, MID]); // 3, 2, 1 spans
  });

  it('pages from the anchor of the first page, counting what arrived since', async () => {
    // A store of its own: this case adds a trace the others do not expect.
    const own = await openDuckDBStore({ dir: join(dir, 'anchor'), now: () => NOW, checkpointIntervalMs: 0 });
    const ownApp = Fastify();
    try {
      await own.append([...oldTrace, ...midTrace, ...newTrace]);
      await ownApp.register(nativeApi, { store: own, catalogs: new AttributeCatalogs() });
      const search = async (query: string) => SearchResponseSchema.parse((await ownApp.inject({ method: 'GET', url: `/api/clew/v1/search?${query}` })).json());
      const first = await search('limit=1');
      expect(first.traces.map((t) => t.traceId)).toEqual([NEW]);
      expect(first.anchor).toBe(`${T_NEW}:${NEW}`);
      expect(first.newSinceAnchor).toBeUndefined();
      await own.append(makeTrace((NOW - 5_000n * MS) as UnixNanos, { service: 'frontend', name: 'GET /late', at: 0, ms: 1 }, 'ffff0000000000000000000000000001' as TraceId));
      const second = await search(`limit=1&offset=1&anchor=${first.anchor}`);
      expect(second.traces.map((t) => t.traceId)).toEqual([MID]);
      expect(second).toMatchObject({ total: 3, anchor: first.anchor, newSinceAnchor: 1 });
      // Without the anchor, the late trace shifts the page: what the anchor is for.
      expect((await search('limit=1&offset=1')).traces.map((t) => t.traceId)).toEqual([NEW]);
    } finally {
      await ownApp.close();
      await own.close();
    }
  });

  it('plots every match of the window as a point', async () => {
    const r = await get('/api/clew/v1/search/points?service=cart', SearchPointsResponseSchema);
    expect(r).toEqual({
      total: 2,
      sampled: false,
      points: [
        { traceId: NEW, startTimeUnixNano: T_NEW.toString(), durationNanos: (50n * MS).toString(), spanCount: 3, errorCount: 0 },
        { traceId: OLD, startTimeUnixNano: T_OLD.toString(), durationNanos: (10n * MS).toString(), spanCount: 2, errorCount: 1 },
      ],
    });
  });

  it.each([
    ['sort=name', 'sort'],
    ['anchor=12:abc', 'anchor'],
    ['limit=0', 'limit'],
    ['limit=5000', 'limit'],
    ['offset=x', 'offset'],
    ['minDuration=10', 'minDuration'],
    ['maxDuration=1parsec', 'maxDuration'],
    ['minDuration=2s&maxDuration=1s', 'maxDuration'],
    ['spanKind=rpc', 'spanKind'],
    ['start=now', 'start'],
    ['start=2000&end=1000', 'end'],
    ['attr=novalue', 'attr'],
  ])('refuses %s with 400 naming %s', async (query, parameter) => {
    const body = await badParameter(`/api/clew/v1/search?${query}`);
    expect(body.error.code).toBe('BAD_PARAMETER');
    expect(body.error.parameter).toBe(parameter);
    expect(body.error.message).toContain(`parameter '${parameter}'`);
  });
});

describe('trace by id', () => {
  it('answers the whole trace, losslessly', async () => {
    const trace: ApiTrace = await get(`/api/clew/v1/traces/${NEW}`, ApiTraceSchema);
    expect(trace.traceId).toBe(NEW);
    expect(trace.spans.map((s) => s.name)).toEqual(['GET /cart', 'getCart', 'GET']);
    expect(trace.resources.map((r) => r.serviceName)).toEqual(['frontend', 'cart', 'redis']);
    expect(trace.spans[2]!.kind).toBe('client');
    expect(trace.spans[0]!.attributes[1]).toEqual({ key: 'http.response.status_code', type: 'int', value: '200' });
    expect(fromApiTrace(trace)).toEqual(newTrace);
  });

  it('accepts ids in any case, 64-bit ids unpadded, and window hints', async () => {
    expect((await get(`/api/clew/v1/traces/AAAA`, ApiTraceSchema)).traceId).toBe(OLD);
    const hinted = await get(`/api/clew/v1/traces/${OLD}?start=${NOW_MS - 70_000}&end=${NOW_MS}`, ApiTraceSchema);
    expect(hinted.spans).toHaveLength(2);
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    expect(await get(`/api/clew/v1/traces/${'f'.repeat(32)}`, ApiErrorBodySchema, 404)).toEqual({
      error: { code: 'TRACE_NOT_FOUND', message: `trace ${'f'.repeat(32)} not found` },
    });
    expect((await badParameter('/api/clew/v1/traces/not-hex')).error).toMatchObject({ code: 'BAD_PARAMETER', parameter: 'traceId' });
    expect((await badParameter(`/api/clew/v1/traces/${OLD}?end=soon`)).error.parameter).toBe('end');
  });

  it('downloads OTLP JSON that decodes back to the same spans', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/clew/v1/traces/${OLD}/otlp` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="trace-${OLD}.json"`);
    const decoded = decodeOtlpJson(Buffer.from(res.body));
    const names = (spans: readonly Span[]) => spans.map((s) => [s.spanId, s.name, s.startTimeUnixNano]).sort();
    expect(names(decoded.spans)).toEqual(names(oldTrace));
  });
});

describe('trace outline, span details and search', () => {
  it('answers the columns the trace page draws, in the full trace order', async () => {
    const o = await get(`/api/clew/v1/traces/${NEW}/outline`, ApiTraceOutlineSchema);
    expect(o).toMatchObject({
      traceId: NEW,
      startTimeUnixNano: T_NEW.toString(),
      parent: [-1, 0, 1],
      services: ['frontend', 'cart', 'redis'],
      service: [0, 1, 2],
      kind: [SpanKind.SERVER, SpanKind.SERVER, SpanKind.CLIENT],
      status: [0, 0, 0],
      start: [0, 5e6, 6e6],
      duration: [50e6, 20e6, 2e6],
      eventCount: [0, 0, 0],
      eventTime: [],
    });
    expect(o.name.map((n) => o.names[n])).toEqual(['GET /cart', 'getCart', 'GET']);
    const full = await get(`/api/clew/v1/traces/${NEW}`, ApiTraceSchema);
    expect(o.spanIds).toBe(full.spans.map((s) => s.spanId).join(''));
    expect((await get(`/api/clew/v1/traces/${OLD}/outline`, ApiTraceOutlineSchema)).status).toEqual([0, 2]);
  });

  it('answers one span losslessly with its resource and scope', async () => {
    const span = newTrace.find((s) => s.name === 'GET')!;
    const one = await get(`/api/clew/v1/traces/${NEW}/spans/${span.spanId.toUpperCase()}`, ApiTraceSchema);
    expect(one.resources.map((r) => r.serviceName)).toEqual(['redis']);
    expect(one.spans[0]!.attributes).toEqual([{ key: 'db.system', type: 'string', value: 'redis' }]);
    expect(fromApiTrace(one)).toEqual([span]);
  });

  it.each([
    ['redis', [2]],
    ['http.method=post', [0]],
    ['CART getcart', [1]],
    [newTrace[0]!.spanId, [0]],
    ['nothing-like-this', []],
    ['', []],
  ])('finds spans matching %j, attributes included', async (q, spans) => {
    expect(await get(`/api/clew/v1/traces/${NEW}/search?q=${encodeURIComponent(q)}`, TraceSearchResponseSchema)).toEqual({ spans });
  });

  it('answers 404 for an unknown trace or span and 400 for a malformed span id', async () => {
    expect((await get(`/api/clew/v1/traces/${'f'.repeat(32)}/outline`, ApiErrorBodySchema, 404)).error.code).toBe('TRACE_NOT_FOUND');
    expect(await get(`/api/clew/v1/traces/${NEW}/spans/${'f'.repeat(16)}`, ApiErrorBodySchema, 404)).toEqual({
      error: { code: 'SPAN_NOT_FOUND', message: `span ${'f'.repeat(16)} is not in trace ${NEW}` },
    });
    expect((await badParameter(`/api/clew/v1/traces/${NEW}/spans/xyz`)).error).toMatchObject({ code: 'BAD_PARAMETER', parameter: 'spanId' });
  });

  it('reads the outline once for the trace page, and the spans in full once for the details and searches after it', async () => {
    const reads = { outline: 0, full: 0 };
    const counting: Store = Object.create(store, {
      getTrace: { value: (...args: Parameters<Store['getTrace']>) => (reads.full++, store.getTrace(...args)) },
      getTraceOutline: { value: (...args: Parameters<Store['getTraceOutline']>) => (reads.outline++, store.getTraceOutline(...args)) },
    });
    const cached = Fastify();
    await cached.register(nativeApi, { store: counting, catalogs, traceCache: new TraceCache(10) });
    try {
      const ask = async (url: string) => expect((await cached.inject({ method: 'GET', url })).statusCode).toBe(200);
      await ask(`/api/clew/v1/traces/${NEW}/outline`);
      expect(reads).toEqual({ outline: 1, full: 0 });
      await ask(`/api/clew/v1/traces/${NEW}/spans/${newTrace[1]!.spanId}`);
      await ask(`/api/clew/v1/traces/${NEW}/search?q=redis`);
      await ask(`/api/clew/v1/traces/${NEW}/outline`);
      expect(reads).toEqual({ outline: 1, full: 1 });
    } finally {
      await cached.close();
    }
  });

  it('gives search results as indexes of the outline served, even when spans arrive after it', async () => {
    const late = makeSpan({ traceId: NEW, name: 'redis late arrival', resource: makeResource('redis'), startTimeUnixNano: (newTrace[0]!.startTimeUnixNano - 1n) as UnixNanos, endTimeUnixNano: newTrace[0]!.endTimeUnixNano });
    /** Span ids the search finds, read through the outline served before `arrive` adds spans to the store. */
    const searchIds = async (arrive: readonly Span[]) => {
      let served: Span[] = [...newTrace];
      const growing: Store = Object.create(store, {
        getTrace: { value: async () => served },
        getTraceOutline: { value: async () => [...served].sort(compareSpanOrder).map(spanOutline) },
      });
      const app = Fastify();
      await app.register(nativeApi, { store: growing, catalogs, traceCache: new TraceCache(100) });
      try {
        const outline = (await app.inject({ method: 'GET', url: `/api/clew/v1/traces/${NEW}/outline` })).json() as ApiTraceOutline;
        served = [...arrive, ...newTrace];
        const res = (await app.inject({ method: 'GET', url: `/api/clew/v1/traces/${NEW}/search?q=redis` })).json() as TraceSearchResponse;
        return res.spans.map((i) => outline.spanIds.slice(16 * i, 16 * i + 16));
      } finally {
        await app.close();
      }
    };
    const before = await searchIds([]);
    expect(before.length).toBeGreaterThan(0);
    // The late span starts first: counted, it would shift every index by one.
    expect(await searchIds([late])).toEqual(before);
  });
});

describe('attribute autocomplete', () => {
  it('suggests keys and values seen in traces the API read', async () => {
    await get(`/api/clew/v1/traces/${NEW}`, ApiTraceSchema);
    await get(`/api/clew/v1/traces/${OLD}`, ApiTraceSchema);
    const keys = await get('/api/clew/v1/attributes/keys', AttributeKeysResponseSchema);
    expect(keys.keys).toEqual(expect.arrayContaining(['db.system', 'http.method', 'http.response.status_code', 'service.name']));
    expect(await get('/api/clew/v1/attributes/keys?service=redis&prefix=db', AttributeKeysResponseSchema)).toEqual({ keys: ['db.system'] });
    expect(await get('/api/clew/v1/attributes/values?key=http.method', AttributeValuesResponseSchema)).toEqual({
      key: 'http.method',
      values: ['GET', 'POST'], // most recent first: OLD was read last
    });
    expect(await get('/api/clew/v1/attributes/values?key=service.name&service=cart', AttributeValuesResponseSchema)).toEqual({
      key: 'service.name',
      values: ['cart'],
    });
  });

  it('needs a key for values', async () => {
    expect((await badParameter('/api/clew/v1/attributes/values')).error.parameter).toBe('key');
  });
});

it('answers unknown native routes with the error shape', async () => {
  expect(await get('/api/clew/v1/nothing?x=1', ApiErrorBodySchema, 404)).toEqual({
    error: { code: 'NOT_FOUND', message: 'no route GET /api/clew/v1/nothing (the routes are listed in packages/api/README.md)' },
  });
});
