import type { Span, TraceId, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { TraceCache } from './trace-cache.js';

const T0 = 1_700_000_000_000_000_000n as UnixNanos;
/** A trace of `n` spans: one root and n-1 children. */
const traceOf = (id: string, n: number): Span[] =>
  makeTrace(T0, { service: 's', name: 'root', at: 0, ms: 10, children: Array.from({ length: n - 1 }, (_, i) => ({ service: 's', name: `c${i}`, at: i % 10, ms: 1 })) }, id.padStart(32, '0') as TraceId);
const id = (s: string) => s.padStart(32, '0') as TraceId;

describe('TraceCache', () => {
  it('drops the least recently used traces once the span budget is spent', () => {
    const cache = new TraceCache(10);
    cache.put(id('a'), traceOf('a', 4));
    cache.put(id('b'), traceOf('b', 4));
    cache.get(id('a')); // a is now the most recent
    cache.put(id('c'), traceOf('c', 4));
    expect(cache.get(id('b'))).toBeUndefined();
    expect(cache.get(id('a'))?.spans).toHaveLength(4);
    expect(cache.size).toEqual({ traces: 2, spans: 8 });
  });

  it('keeps no trace bigger than the budget, and replaces a re-read one', () => {
    const cache = new TraceCache(10);
    expect(cache.put(id('a'), traceOf('a', 11)).spans).toHaveLength(11);
    expect(cache.size).toEqual({ traces: 0, spans: 0 });
    cache.put(id('b'), traceOf('b', 3));
    cache.put(id('b'), traceOf('b', 5));
    expect(cache.size).toEqual({ traces: 1, spans: 5 });
  });

  it('refuses entries older than asked, and finds spans by id', () => {
    let now = 0;
    const cache = new TraceCache(10, () => now);
    const spans = traceOf('a', 3);
    cache.put(id('a'), spans);
    now = 5_000;
    expect(cache.get(id('a'), 1_000)).toBeUndefined();
    const e = cache.get(id('a'))!;
    expect(e.spans[e.indexOf(spans[2]!.spanId)]).toBe(spans[2]);
    expect(e.indexOf('ffffffffffffffff')).toBe(-1);
    expect(JSON.parse(e.outlineJson).spanIds).toBe(e.spans.map((s) => s.spanId).join(''));
  });
});
