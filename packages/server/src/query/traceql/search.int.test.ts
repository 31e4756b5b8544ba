import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { int, SpanKind, str } from '@clew/model';
import type { TreeNode } from '@clew/model/testing';
import { makeTrace } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceQLSearchOptions } from './index.js';
import { parseTraceQL, searchTraceQL } from './index.js';

const S = 1_000_000_000n;
const T0 = 1_764_000_000_000_000_000n;
const at = (seconds: number): UnixNanos => (T0 + BigInt(seconds) * S) as UnixNanos;
const id = (n: number): TraceId => n.toString(16).padStart(32, '0') as TraceId;
const db = (system: string, ms: number, name = 'SELECT orders'): TreeNode => ({
  service: 'checkout',
  name,
  at: 2,
  ms,
  kind: SpanKind.CLIENT,
  attributes: [{ key: 'db.system', value: str(system) }],
});
const checkout = (...children: TreeNode[]): TreeNode => ({ service: 'checkout', name: 'POST /checkout', at: 1, ms: 20, kind: SpanKind.SERVER, children });
const frontend = (name: string, ...children: TreeNode[]): TreeNode => ({ service: 'frontend', name, at: 0, ms: 30, kind: SpanKind.SERVER, children });

/*
 * Seven traces, one second apart (trace 7 newest):
 *   7  frontend GET /a   > checkout > postgresql 8 ms          matches the structural query
 *   6  frontend GET /b   > checkout > redis 8 ms
 *   5  frontend GET /c   > checkout > postgresql 2 ms
 *   4  frontend GET /d   > postgresql 9 ms (frontend's own)    matches the structural query
 *   3  frontend GET /e, status ERROR, http.status_code=500
 *   2  cart     GET /f   with span attribute error=true (status unset) and five cache spans
 *   1  frontend GET /g   at the same start as trace 2 (a tie broken by trace id)
 */
const TRACES: Span[][] = [
  makeTrace(at(7), frontend('GET /a', checkout(db('postgresql', 8))), id(7)),
  makeTrace(at(6), frontend('GET /b', checkout(db('redis', 8, 'GET cart'))), id(6)),
  makeTrace(at(5), frontend('GET /c', checkout(db('postgresql', 2))), id(5)),
  makeTrace(at(4), frontend('GET /d', { ...db('postgresql', 9), service: 'frontend' }), id(4)),
  makeTrace(at(3), { ...frontend('GET /e'), error: true, attributes: [{ key: 'http.status_code', value: int(500) }] }, id(3)),
  makeTrace(
    at(2),
    {
      service: 'cart',
      name: 'GET /f',
      at: 0,
      ms: 300,
      attributes: [{ key: 'error', value: { type: 'bool', value: true } }],
      children: [1, 2, 3, 4, 5].map((k) => ({ service: 'cart', name: 'cache.get', at: k, ms: 1 })),
    },
    id(2),
  ),
  makeTrace(at(2), frontend('GET /g'), id(1)),
];

let dir = '';
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-traceql-'));
  store = await openDuckDBStore({ dir, memoryLimit: '256MB', threads: 2 });
  await store.append(TRACES.flat());
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function search(query: string, options: Partial<TraceQLSearchOptions> = {}) {
  const parsed = parseTraceQL(query);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return searchTraceQL(store, parsed.query, { limit: 20, spansPerSpanSet: 3, ...options });
}

const ids = (r: Awaited<ReturnType<typeof search>>): number[] => r.traces.map((t) => parseInt(t.traceId, 16));

describe('searchTraceQL over a DuckDB store', () => {
  it('answers a structural query with the matching spans, newest trace first', async () => {
    const r = await search('{ resource.service.name = "frontend" } >> { span.db.system = "postgresql" && duration > 5ms }');
    expect(ids(r)).toEqual([7, 4]);
    const [newest] = r.traces;
    expect(newest).toMatchObject({ traceId: id(7), rootServiceName: 'frontend', rootSpanName: 'GET /a', startTimeUnixNano: at(7), durationNanos: 30_000_000n });
    expect(newest!.spanSets).toHaveLength(1);
    expect(newest!.spanSets[0]!.matched).toBe(1);
    expect(newest!.spanSets[0]!.spans.map((m) => [m.span.name, m.attributes])).toEqual([
      ['SELECT orders', [{ key: 'service.name', value: str('checkout') }, { key: 'db.system', value: str('postgresql') }]],
    ]);
    // Only traces holding a postgresql span over 5 ms were read: the pushed-down condition is the rarer one.
    expect(r.inspectedTraces).toBe(2);
    expect(r.inspectedSpans).toBe(5);
  });

  it('stops at the limit', async () => {
    const r = await search('{ resource.service.name = "frontend" } >> { span.db.system = "postgresql" && duration > 5ms }', { limit: 1 });
    expect(ids(r)).toEqual([7]);
    expect(r.inspectedTraces).toBe(1);
  });

  it('finds conditions that are not pushed down: regexes, negations, attributes named error', async () => {
    expect(ids(await search('{ name =~ "SELECT.*" }'))).toEqual([7, 5, 4]);
    expect(ids(await search('{ kind = client && span.db.system != "postgresql" }'))).toEqual([6]);
    expect(ids(await search('{ span.error = true }'))).toEqual([2]);
  });

  it('finds by status, an int attribute, and the trace-level intrinsics', async () => {
    expect(ids(await search('{ status = error }'))).toEqual([3]);
    expect(ids(await search('{ span.http.status_code = 500 }'))).toEqual([3]);
    expect(ids(await search('{ rootServiceName = "cart" }'))).toEqual([2]);
  });

  it('returns every trace for { }, newest first, ties by trace id', async () => {
    const r = await search('{ }');
    expect(ids(r)).toEqual([7, 6, 5, 4, 3, 1, 2]);
    expect(r.inspectedTraces).toBe(7);
  });

  it('keeps spansPerSpanSet spans (earliest first) and says how many matched, with the aggregates', async () => {
    const r = await search('{ name = "cache.get" } | count() > 4', { spansPerSpanSet: 2 });
    expect(ids(r)).toEqual([2]);
    const [set] = r.traces[0]!.spanSets;
    expect(set!.matched).toBe(5);
    expect(set!.spans.map((m) => m.span.startTimeUnixNano)).toEqual([at(2) + 1_000_000n, at(2) + 2_000_000n]);
    expect(set!.aggregates).toEqual([{ name: 'count()', value: 5, type: 'int' }]);
  });

  it('searches within a time window on span start', async () => {
    const structural = '{ resource.service.name = "frontend" } >> { span.db.system = "postgresql" }';
    expect(ids(await search(structural, { start: at(4), end: at(6) }))).toEqual([5, 4]);
    expect(ids(await search(structural, { start: at(5) }))).toEqual([7, 5]);
    expect(ids(await search(structural, { end: (at(5) - 1n) as UnixNanos }))).toEqual([4]);
    expect(ids(await search('{ }', { start: at(2), end: (at(3) + 100_000_000n) as UnixNanos }))).toEqual([3, 1, 2]);
  });

  it('bounds the trace duration', async () => {
    expect(ids(await search('{ }', { minDuration: 100_000_000n }))).toEqual([2]);
    expect(ids(await search('{ }', { maxDuration: 30_000_000n }))).toEqual([7, 6, 5, 4, 3, 1]);
    expect(ids(await search('{ resource.service.name = "cart" }', { maxDuration: 30_000_000n }))).toEqual([]);
  });

  it('finds nothing when nothing matches', async () => {
    const r = await search('{ resource.service.name = "nowhere" }');
    expect(r).toEqual({ traces: [], inspectedTraces: 0, inspectedSpans: 0 });
  });
});
