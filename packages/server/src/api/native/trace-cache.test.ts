import type { Span, SpanOutline, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, spanOutline } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { TraceCache } from './trace-cache.js';

const T0 = 1_700_000_000_000_000_000n as UnixNanos;
/** A trace of `n` spans: one root and n-1 children. */
const traceOf = (id: string, n: number): Span[] =>
  makeTrace(T0, { service: 's', name: 'root', at: 0, ms: 10, children: Array.from({ length: n - 1 }, (_, i) => ({ service: 's', name: `c${i}`, at: i % 10, ms: 1 })) }, id.padStart(32, '0') as TraceId);
const id = (s: string) => s.padStart(32, '0') as TraceId;
const outlinesOf = (spans: readonly Span[]): SpanOutline[] => spans.map(spanOutline);
const put = (cache: TraceCache, traceId: TraceId, spans: readonly Span[], readFull = async () => spans, tenant = DEFAULT_TENANT) =>
  cache.put(tenant, traceId, outlinesOf(spans), readFull);

describe('TraceCache', () => {
  it('drops the least recently used traces once the span budget is spent', () => {
    const cache = new TraceCache(10);
    put(cache, id('a'), traceOf('a', 4));
    put(cache, id('b'), traceOf('b', 4));
    cache.get(DEFAULT_TENANT, id('a')); // a is now the most recent
    put(cache, id('c'), traceOf('c', 4));
    expect(cache.get(DEFAULT_TENANT, id('b'))).toBeUndefined();
    expect(cache.get(DEFAULT_TENANT, id('a'))?.outlines).toHaveLength(4);
    expect(cache.size).toEqual({ traces: 2, spans: 8 });
  });

  it('keeps no trace bigger than the budget, and replaces a re-read one', () => {
    const cache = new TraceCache(10);
    expect(put(cache, id('a'), traceOf('a', 11)).outlines).toHaveLength(11);
    expect(cache.size).toEqual({ traces: 0, spans: 0 });
    put(cache, id('b'), traceOf('b', 3));
    put(cache, id('b'), traceOf('b', 5));
    expect(cache.size).toEqual({ traces: 1, spans: 5 });
  });

  it('refuses entries older than asked, and finds spans by id', () => {
    let now = 0;
    const cache = new TraceCache(10, () => now);
    const spans = traceOf('a', 3);
    put(cache, id('a'), spans);
    now = 5_000;
    expect(cache.get(DEFAULT_TENANT, id('a'), 1_000)).toBeUndefined();
    const e = cache.get(DEFAULT_TENANT, id('a'))!;
    expect(e.outlines[e.indexOf(spans[2]!.spanId)]).toEqual(spanOutline(spans[2]!));
    expect(e.indexOf('ffffffffffffffff')).toBe(-1);
    expect(JSON.parse(e.outlineJson).spanIds).toBe(e.outlines.map((s) => s.spanId).join(''));
  });

  it('reads the spans in full once, on first use, and again after a failed read', async () => {
    const spans = traceOf('a', 3);
    let reads = 0;
    const e = put(new TraceCache(10), id('a'), spans, async () => {
      if (++reads === 1) throw new Error('store unavailable');
      return spans;
    });
    expect(reads).toBe(0);
    await expect(e.full()).rejects.toThrow('store unavailable');
    const [a, b] = await Promise.all([e.full(), e.full()]);
    expect(a).toBe(b);
    expect(reads).toBe(2);
    expect(a.byId(spans[1]!.spanId)).toBe(spans[1]);
    expect(a.byId('ffffffffffffffff')).toBeUndefined();
  });

  it("keeps each tenant's copy of one trace id apart", () => {
    const cache = new TraceCache(10);
    put(cache, id('a'), traceOf('a', 2), undefined, 'tenant-a');
    put(cache, id('a'), traceOf('a', 3), undefined, 'tenant-b');
    expect(cache.get('tenant-a', id('a'))?.outlines).toHaveLength(2);
    expect(cache.get('tenant-b', id('a'))?.outlines).toHaveLength(3);
    expect(cache.get(DEFAULT_TENANT, id('a'))).toBeUndefined();
    expect(cache.size).toEqual({ traces: 2, spans: 5 });
  });
});
