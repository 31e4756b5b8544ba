// The aggregate critical path and trace patterns routes over a real DuckDB store, served on a real socket.
import type { TraceId, UnixNanos } from '@clew/model';
import { SpanKind, str } from '@clew/model';
import type { TreeNode } from '@clew/model/testing';
import { makeTrace } from '@clew/model/testing';
import { ApiErrorBodySchema, CriticalPathResponseSchema, TracePatternsResponseSchema } from '@clew/api';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { useNativeApi } from './native-api-fixture.js';

const MS = 1_000_000n;
const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const NOW_MS = Number(NOW / MS);
const at = (msAgo: number) => (NOW - BigInt(msAgo) * MS) as UnixNanos;
const id = (n: number) => n.toString(16).padStart(32, '0') as TraceId;

/*
 * A search, `slow` ms of it in the reviews query:
 *   frontend GET /search    |=====================================|
 *     frontend GET            |=================================|
 *       catalog GET /search     |=============================|
 *         catalog SELECT categories |==|
 *         catalog SELECT reviews         |====== slow ======|
 */
const search = (slow: number): TreeNode => ({
  service: 'frontend',
  name: 'GET /search',
  at: 0,
  ms: slow + 10,
  children: [
    {
      service: 'frontend',
      name: 'GET',
      at: 1,
      ms: slow + 8,
      kind: SpanKind.CLIENT,
      children: [
        {
          service: 'catalog',
          name: 'GET /search',
          at: 2,
          ms: slow + 6,
          kind: SpanKind.SERVER,
          children: [
            { service: 'catalog', name: 'SELECT categories', at: 3, ms: 2, kind: SpanKind.CLIENT },
            { service: 'catalog', name: 'SELECT reviews', at: 6, ms: slow, kind: SpanKind.CLIENT },
          ],
        },
      ],
    },
  ],
});

/** The cart prices each of its items with a catalog call: the N+1. */
const cart: TreeNode = {
  service: 'cart',
  name: 'GET /carts/:user',
  at: 0,
  ms: 40,
  children: [
    {
      service: 'cart',
      name: 'price-cart',
      at: 1,
      ms: 38,
      children: [0, 1, 2, 3, 4, 5].map((k) => ({
        service: 'cart',
        name: 'GET',
        at: 2 + 6 * k,
        ms: 5,
        kind: SpanKind.CLIENT,
        children: [{ service: 'catalog', name: 'GET /products/:id', at: 2.5 + 6 * k, ms: 4, kind: SpanKind.SERVER, attributes: [{ key: 'http.route', value: str('/products/:id') }] }],
      })),
    },
  ],
};

/** Checkout's payment: two 503s, then a success. */
const checkout: TreeNode = {
  service: 'checkout',
  name: 'charge-payment',
  at: 0,
  ms: 50,
  children: [0, 1, 2].map((k) => ({ service: 'checkout', name: 'POST', at: 1 + 15 * k, ms: 10, kind: SpanKind.CLIENT, error: k < 2 })),
};

const traces = [
  makeTrace(at(50_000), search(100), id(1)),
  makeTrace(at(40_000), search(20), id(2)),
  makeTrace(at(30_000), search(200), id(3)),
  makeTrace(at(7_200_000), search(300), id(4)), // two hours ago: outside the default window
  makeTrace(at(20_000), cart, id(5)),
  makeTrace(at(10_000), checkout, id(6)),
];

const api = useNativeApi(() => traces.flat(), NOW, { listen: true });

async function get<S extends z.ZodType>(path: string, schema: S, status = 200): Promise<z.output<S>> {
  const res = await fetch(api().base + path);
  expect({ path, status: res.status }).toEqual({ path, status });
  return schema.parse(await res.json());
}

const window = `from=${NOW_MS - 3_600_000}&to=${NOW_MS}`;

describe('GET /api/clew/v1/critical-path', () => {
  it('merges the endpoint\'s traces in the window: the slow query on top', async () => {
    const r = await get(`/api/clew/v1/critical-path?service=frontend&operation=${encodeURIComponent('GET /search')}&${window}`, CriticalPathResponseSchema);
    expect(r).toMatchObject({ service: 'frontend', operation: 'GET /search', matched: 3, used: 3, sampled: false, totalNs: (110 + 30 + 210) * 1e6 });
    expect(r.operations.map((o) => `${o.service} ${o.name} ${o.totalNs / 1e6} ${o.traces}`)).toEqual([
      'catalog SELECT reviews 320 3',
      'catalog GET /search 12 3',
      'catalog SELECT categories 6 3',
      'frontend GET 6 3',
      'frontend GET /search 6 3',
    ]);
    expect(r.operations[0]!.share).toBeCloseTo(320 / 350);
    expect(r.flame.map((f) => `${f.parent} ${f.name} ${f.totalNs / 1e6}`)).toEqual([
      '-1 GET /search 350',
      '0 GET 344',
      '1 GET /search 338',
      '2 SELECT reviews 320',
      '2 SELECT categories 6',
    ]);
  });

  it('narrows to a duration band (a heatmap selection), and reads a sample when more traces match than the limit', async () => {
    const slow = await get(`/api/clew/v1/critical-path?service=frontend&operation=${encodeURIComponent('GET /search')}&${window}&minDuration=100ms`, CriticalPathResponseSchema);
    expect(slow.used).toBe(2);
    expect(slow.totalNs).toBe(320 * 1e6);
    const two = await get(`/api/clew/v1/critical-path?service=frontend&operation=${encodeURIComponent('GET /search')}&${window}&limit=2`, CriticalPathResponseSchema);
    expect(two).toMatchObject({ matched: 3, used: 2, sampled: true });
  });

  it('takes the endpoint below the root: the catalog\'s own search', async () => {
    const r = await get(`/api/clew/v1/critical-path?service=catalog&operation=${encodeURIComponent('GET /search')}&from=${NOW_MS - 8_000_000}&to=${NOW_MS}`, CriticalPathResponseSchema);
    expect(r.used).toBe(4);
    expect(r.flame[0]).toMatchObject({ parent: -1, service: 'catalog', name: 'GET /search' });
    expect(r.operations[0]!.name).toBe('SELECT reviews');
  });

  it('answers an empty aggregate for an endpoint with no traces, and names a missing parameter', async () => {
    const none = await get(`/api/clew/v1/critical-path?service=frontend&operation=nothing&${window}`, CriticalPathResponseSchema);
    expect(none).toMatchObject({ matched: 0, used: 0, totalNs: 0, operations: [], flame: [] });
    const bad = await get('/api/clew/v1/critical-path?service=frontend', ApiErrorBodySchema, 400);
    expect(bad.error.parameter).toBe('operation');
  });
});

describe('GET /api/clew/v1/traces/{id}/patterns', () => {
  it('flags the cart\'s catalog calls as an N+1, by the operation they reached', async () => {
    const r = await get(`/api/clew/v1/traces/${id(5)}/patterns`, TracePatternsResponseSchema);
    expect(r.minRepeats).toBe(5);
    expect(r.nPlusOne).toHaveLength(1);
    const spans = traces[4]!;
    expect(r.nPlusOne[0]).toMatchObject({ service: 'cart', name: 'GET', count: 6, totalNs: 30e6, callee: { service: 'catalog', name: 'GET /products/:id' } });
    expect(r.nPlusOne[0]!.parentSpanId).toBe(spans.find((s) => s.name === 'price-cart')!.spanId);
    expect(r.nPlusOne[0]!.spanIds).toEqual(spans.filter((s) => s.name === 'GET').map((s) => s.spanId));
    expect(r.retries).toEqual([]);
    expect((await get(`/api/clew/v1/traces/${id(5)}/patterns?minRepeats=7`, TracePatternsResponseSchema)).nPlusOne).toEqual([]);
  });

  it('flags checkout\'s payment attempts as retries', async () => {
    const r = await get(`/api/clew/v1/traces/${id(6)}/patterns`, TracePatternsResponseSchema);
    expect(r.nPlusOne).toEqual([]);
    expect(r.retries.map((x) => ({ name: x.name, attempts: x.attempts, failures: x.failures, succeeded: x.succeeded }))).toEqual([{ name: 'POST', attempts: 3, failures: 2, succeeded: true }]);
  });

  it('answers 404 for an unknown trace', async () => {
    const r = await get(`/api/clew/v1/traces/${id(99)}/patterns`, ApiErrorBodySchema, 404);
    expect(r.error.code).toBe('TRACE_NOT_FOUND');
  });
});
