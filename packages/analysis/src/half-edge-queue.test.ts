import { describe, expect, it } from 'vitest';
import type { HalfEdge } from './half-edge-queue.js';
import { HalfEdgeQueue, newHalfEdge, resetHalfEdge } from './half-edge-queue.js';

/** A half edge of trace `traceId` whose client is `client`, to add (the queue keeps a copy). */
function half(traceId: string, client: string): HalfEdge {
  const e = newHalfEdge();
  resetHalfEdge(e, traceId, 0, 0);
  e.client = client;
  return e;
}

/** The clients of the waiting half edges, oldest first, taking them all out. */
function drain(q: HalfEdgeQueue): string[] {
  const out: string[] = [];
  for (let e = q.oldest(); e !== undefined; e = q.oldest()) {
    out.push(e.client);
    q.remove(e);
  }
  return out;
}

/** Span-id-like keys: 16 hex digits, the same in their last eight (so the same hash) when `sameTail`. */
const key = (i: number, sameTail = false): string => i.toString(16).padStart(8, '0') + (sameTail ? 'ffffffff' : i.toString(16).padStart(8, '0'));

describe('HalfEdgeQueue', () => {
  it('finds half edges by key, and gives them back oldest first', () => {
    const q = new HalfEdgeQueue();
    q.add('b', half('t1', 'one'));
    q.add('a', half('t1', 'two'));
    q.add('c', half('t2', 'three'));
    expect(q.size).toBe(3);
    expect(q.get('a')?.client).toBe('two');
    expect(q.get('d')).toBeUndefined();
    q.remove(q.get('a')!);
    expect(q.get('a')).toBeUndefined();
    expect(q.get('c')?.traceId).toBe('t2');
    expect(drain(q)).toEqual(['one', 'three']);
    expect(q.size).toBe(0);
  });

  it('refuses to remove a half edge that is not waiting, rather than loop or remove another', () => {
    const q = new HalfEdgeQueue();
    q.add('a', half('t1', 'one'));
    q.add('b', half('t1', 'two'));
    const a = q.get('a')!;
    q.remove(a);
    expect(() => q.remove(a)).toThrow(/not waiting/);
    expect(() => q.remove(half('t1', 'stranger'))).toThrow(/not waiting/);
    expect(drain(q)).toEqual(['two']);
  });

  it('keeps a copy: the half edge passed in may be reused at once', () => {
    const q = new HalfEdgeQueue();
    const e = half('t1', 'web');
    q.add('k', e);
    e.client = 'changed';
    expect(q.get('k')?.client).toBe('web');
  });

  it('tells keys with the same hash apart, and finds each after others of its run leave', () => {
    const q = new HalfEdgeQueue();
    for (let i = 0; i < 50; i++) q.add(key(i, true), half('t', `c${i}`));
    for (let i = 0; i < 50; i += 3) q.remove(q.get(key(i, true))!);
    for (let i = 0; i < 50; i++) expect(q.get(key(i, true))?.client).toBe(i % 3 === 0 ? undefined : `c${i}`);
    expect(drain(q)).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 3 !== 0).map((i) => `c${i}`));
  });

  it('stays exact through growth and long churn: every key found while it waits, never after', () => {
    const q = new HalfEdgeQueue();
    const waiting = new Map<string, string>();
    // A fixed walk: add 3, pair one from the middle, evict the oldest now and then; 20,000 keys in all.
    let removed = 0;
    for (let i = 0; i < 20_000; i++) {
      const k = key(i);
      q.add(k, half('t', `c${i}`));
      waiting.set(k, `c${i}`);
      if (i % 3 === 2) {
        const middle = key(i - 1 - (i % 7 === 0 ? 1 : 0));
        const e = q.get(middle);
        if (e !== undefined) {
          q.remove(e);
          waiting.delete(middle);
          removed++;
        }
      }
      if (i % 5 === 4 && q.size > 3000) {
        const oldest = q.oldest()!;
        waiting.delete(oldest.key);
        q.remove(oldest);
      }
    }
    expect(removed).toBeGreaterThan(6000);
    expect(q.size).toBe(waiting.size);
    for (let i = 0; i < 20_000; i++) expect(q.get(key(i))?.client).toBe(waiting.get(key(i)));
    expect(drain(q)).toEqual([...waiting.values()]);
  });
});
