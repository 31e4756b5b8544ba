import { ApiErrorBodySchema, SearchResponseSchema } from '@clew/api';
import type { TraceId, UnixNanos } from '@clew/model';
import { str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { useNativeApi } from './native-api-fixture.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const MS = 1_000_000n;
const ago = (s: bigint) => (NOW - s * 1000n * MS) as UnixNanos;
const id = (n: number) => n.toString(16).padStart(32, '0') as TraceId;

/*
 * Traces 1..5, one a minute (5 the newest):
 *   frontend GET /cart |======|
 *     cart getCart       |==|   db.system=redis on every odd trace, an error on trace 3
 * Trace 6 (newest): frontend GET /health, alone.
 */
const traces = [1, 2, 3, 4, 5].map((n) =>
  makeTrace(
    ago(BigInt(600 - n * 60)),
    {
      service: 'frontend',
      name: 'GET /cart',
      at: 0,
      ms: 10,
      children: [{ service: 'cart', name: 'getCart', at: 1, ms: 5, error: n === 3, attributes: n % 2 === 1 ? [{ key: 'db.system', value: str('redis') }] : [] }],
    },
    id(n),
  ),
);
const health = makeTrace(ago(10n), { service: 'frontend', name: 'GET /health', at: 0, ms: 1 }, id(6));

const api = useNativeApi(() => [...traces.flat(), ...health], NOW);

const search = async (params: Record<string, string>) => {
  const res = await api().app.inject({ method: 'GET', url: `/api/clew/v1/search?${new URLSearchParams(params).toString()}` });
  return { status: res.statusCode, body: res.json() as unknown };
};

describe('native search with q (TraceQL)', () => {
  it('a structural query answers the same rows as the form search, newest first', async () => {
    const res = await search({ q: '{ resource.service.name = "frontend" } > { span.db.system = "redis" }' });
    expect(res.status).toBe(200);
    const body = SearchResponseSchema.parse(res.body);
    expect(body.traces.map((t) => t.traceId)).toEqual([id(5), id(3), id(1)]);
    expect(body).toMatchObject({ total: 3, totalIsLowerBound: false, limit: 20, offset: 0 });
    expect(body.traces[1]).toMatchObject({ rootService: 'frontend', rootName: 'GET /cart', spanCount: 2, errorCount: 1 });
  });

  it('pages: the total is a lower bound while an older page exists', async () => {
    const first = SearchResponseSchema.parse((await search({ q: '{ name = "getCart" }', limit: '2' })).body);
    expect(first.traces.map((t) => t.traceId)).toEqual([id(5), id(4)]);
    expect(first).toMatchObject({ total: 3, totalIsLowerBound: true });
    const last = SearchResponseSchema.parse((await search({ q: '{ name = "getCart" }', limit: '2', offset: '4' })).body);
    expect(last.traces.map((t) => t.traceId)).toEqual([id(1)]);
    expect(last).toMatchObject({ total: 5, totalIsLowerBound: false });
  });

  it('the time window bounds the search', async () => {
    const body = SearchResponseSchema.parse((await search({ q: '{ status = error } | count() > 0', start: String(Number(ago(600n) / MS)), end: String(Number(ago(250n) / MS)) })).body);
    expect(body.traces.map((t) => t.traceId)).toEqual([id(3)]);
  });

  it('a parse error is a 400 on q with the position', async () => {
    const res = await search({ q: '{ span.db.system = }' });
    expect(res.status).toBe(400);
    const body = ApiErrorBodySchema.parse(res.body);
    expect(body.error).toMatchObject({ code: 'BAD_PARAMETER', parameter: 'q', position: { offset: 19, line: 1, column: 20 } });
    expect(body.error.message).toMatch(/^parse error at line 1, col 20: /);
  });

  it('refuses form conditions beside a query', async () => {
    const res = await search({ q: '{ }', service: 'frontend' });
    expect(res.status).toBe(400);
    expect(ApiErrorBodySchema.parse(res.body).error).toMatchObject({ code: 'BAD_PARAMETER', parameter: 'service' });
  });
});
