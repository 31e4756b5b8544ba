import { ApiErrorBodySchema, comparePath, TraceComparisonSchema } from '@clew/api';
import type { TraceId, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { useNativeApi } from './native-api-fixture.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const T = (NOW - 60_000_000_000n) as UnixNanos;
const A = 'aaaa0000000000000000000000000001' as TraceId;
const B = 'bbbb0000000000000000000000000002' as TraceId;

/*
 * A  frontend POST /checkout |==========|            10 ms
 *      shop GET /products/:id  |==|  |==|             two 2 ms lookups
 *      shop charge                        |=|         leaf, only in A
 * B  frontend POST /checkout |====================|  20 ms
 *      shop GET /products/:id  |==|  |==|  |==|       three lookups
 *      mail send                           |======|  only in B
 */
const lookup = (at: number) => ({ service: 'shop', name: 'GET /products/:id', at, ms: 2 });
const traceA = makeTrace(T, { service: 'frontend', name: 'POST /checkout', at: 0, ms: 10, children: [lookup(1), lookup(4), { service: 'shop', name: 'charge', at: 7, ms: 1 }] }, A);
const traceB = makeTrace(
  T,
  { service: 'frontend', name: 'POST /checkout', at: 0, ms: 20, children: [lookup(1), lookup(4), lookup(7), { service: 'mail', name: 'send', at: 10, ms: 8, error: true }] },
  B,
);

const api = useNativeApi(() => [...traceA, ...traceB], NOW);

describe('GET /api/clew/v1/compare', () => {
  it('answers the aligned tree, both traces and both critical paths', async () => {
    const res = await api().app.inject({ method: 'GET', url: comparePath(A, B) });
    expect(res.statusCode).toBe(200);
    const body = TraceComparisonSchema.parse(JSON.parse(res.body));
    expect(body.nodes.map((n) => `${'  '.repeat(n.depth)}${n.service} ${n.name} ${n.a.count}/${n.b.count} ${n.presence}`)).toEqual([
      'frontend POST /checkout 1/1 both',
      '  shop GET /products/:id 2/3 both',
      '  shop charge 1/0 onlyA',
      '  mail send 0/1 onlyB',
    ]);
    expect(body.nodes[1]!.a).toEqual({ count: 2, selfNanos: 4e6, totalNanos: 4e6, criticalNanos: 4e6 });
    expect(body.nodes[0]!.b.selfNanos).toBe(20e6 - 6e6 - 8e6);
    expect(body.totals).toEqual({ nodes: 4, onlyA: 1, onlyB: 1, countChanged: 1 });
    expect(body.a).toEqual({ traceId: A, startTimeUnixNano: T.toString(), durationNanos: 10e6, spanCount: 4, errorCount: 0, rootService: 'frontend', rootName: 'POST /checkout' });
    expect(body.b).toMatchObject({ traceId: B, durationNanos: 20e6, spanCount: 5, errorCount: 1 });
    // In time order; the children run one after another, so each is on the path in turn.
    expect(body.criticalPaths.a.map((s) => `${s.name} ${s.startNanos / 1e6}-${s.endNanos / 1e6}`)).toEqual([
      'POST /checkout 0-1',
      'GET /products/:id 1-3',
      'POST /checkout 3-4',
      'GET /products/:id 4-6',
      'POST /checkout 6-7',
      'charge 7-8',
      'POST /checkout 8-10',
    ]);
    expect(body.criticalPaths.b.slice(-3).map((s) => `${s.name} ${s.startNanos / 1e6}-${s.endNanos / 1e6} node ${s.node}`)).toEqual([
      'POST /checkout 9-10 node 0',
      'send 10-18 node 3',
      'POST /checkout 18-20 node 0',
    ]);
  });

  it('answers 404 in the native envelope when a trace is missing', async () => {
    const missing = 'cccc0000000000000000000000000003';
    const res = await api().app.inject({ method: 'GET', url: comparePath(A, missing) });
    expect(res.statusCode).toBe(404);
    expect(ApiErrorBodySchema.parse(JSON.parse(res.body))).toEqual({ error: { code: 'TRACE_NOT_FOUND', message: `trace ${missing} (b) not found` } });
  });

  it('answers 400 naming a bad or missing id', async () => {
    const res = await api().app.inject({ method: 'GET', url: '/api/clew/v1/compare?a=xyz' });
    expect(res.statusCode).toBe(400);
    expect(ApiErrorBodySchema.parse(JSON.parse(res.body)).error).toMatchObject({ code: 'BAD_PARAMETER', parameter: 'a' });
  });
});
