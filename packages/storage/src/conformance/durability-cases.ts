import { expect, it } from 'vitest';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { Harness } from './harness.js';
import { DAY0, NANOS_PER_DAY } from './harness.js';
import { at, byStartThenId, ID, searchFixture } from './fixtures.js';

const small = (ms: number): Span[] =>
  makeTrace(at(ms), { service: 'svc', name: 'op', at: 0, ms: 3, children: [{ service: 'db', name: 'q', at: 1, ms: 1 }] });

export function durabilityCases(h: Harness): void {
  it('records walPosition with each append and keeps it across close and reopen', async () => {
    expect(await h.store.lastWalPosition()).toBe(0n);
    await h.store.append(small(0), 5n);
    expect(await h.store.lastWalPosition()).toBe(5n);
    await h.store.append(small(10));
    expect(await h.store.lastWalPosition()).toBe(5n);
    await h.store.append(small(20), 9_007_199_254_740_993n);
    const reopened = await h.reopen();
    expect(await reopened.lastWalPosition()).toBe(9_007_199_254_740_993n);
  });

  it('records a walPosition given with no spans, even before any span', async () => {
    await h.store.append([], 3n);
    expect(await h.store.lastWalPosition()).toBe(3n);
    await h.store.append(small(0), 4n);
    expect(await (await h.reopen()).lastWalPosition()).toBe(4n);
  });

  it('records neither the spans nor the walPosition of a failed append', async () => {
    await h.store.append(small(0), 1n);
    const good = small(100);
    const bad = { ...good[1]!, traceId: 'not a trace id' as TraceId };
    await expect(h.store.append([good[0]!, bad], 2n)).rejects.toThrow();
    expect(await h.store.lastWalPosition()).toBe(1n);
    expect(await h.store.getTrace(good[0]!.traceId)).toEqual([]);
  });

  it('keeps spans, search and catalog across close and reopen', async () => {
    const spans = searchFixture();
    await h.store.append(spans, 3n);
    const s = await h.reopen();
    expect((await s.getTrace(ID.B)).sort(byStartThenId)).toEqual(spans.filter((x) => x.traceId === ID.B).sort(byStartThenId));
    expect((await s.findTraces({ service: 'cart', limit: 5 })).total).toBe(2);
    expect(await s.services()).toEqual(['cart', 'frontend', 'payment']);
    await s.append(small(9000), 4n);
    expect(await s.lastWalPosition()).toBe(4n);
  });

  it('drops whole partitions received before the cutoff, and disk use goes down', async () => {
    const days = [small(0), small(10), small(20)];
    for (let d = 0; d < 3; d++) {
      h.now = (DAY0 + BigInt(d) * NANOS_PER_DAY + NANOS_PER_DAY / 2n) as UnixNanos;
      await h.store.append(days[d]!, BigInt(d + 1));
    }
    const before = await h.store.stats();
    expect(before.partitions).toBeGreaterThanOrEqual(3);
    // Nothing received at or after the cutoff is dropped, nor anything of a period that ends after it.
    expect(await h.store.dropBefore((DAY0 + NANOS_PER_DAY / 2n) as UnixNanos)).toBe(0);
    expect(await h.store.dropBefore((DAY0 + 2n * NANOS_PER_DAY) as UnixNanos)).toBe(2);
    const after = await h.store.stats();
    expect(after.partitions).toBe(before.partitions - 2);
    expect(after.diskBytes).toBeLessThan(before.diskBytes);
    expect(await h.store.getTrace(days[0]![0]!.traceId)).toEqual([]);
    expect(await h.store.getTrace(days[1]![0]!.traceId)).toEqual([]);
    expect(await h.store.getTrace(days[2]![0]!.traceId)).toHaveLength(2);
    expect((await h.store.findTraces({ limit: 10 })).total).toBe(1);
  });

  it('keeps lastWalPosition when the partitions that recorded it are dropped', async () => {
    await h.store.append(small(0), 7n);
    h.now = (h.now + 3n * NANOS_PER_DAY) as UnixNanos;
    expect(await h.store.dropBefore(h.now)).toBe(1);
    expect(await h.store.lastWalPosition()).toBe(7n);
    expect(await (await h.reopen()).lastWalPosition()).toBe(7n);
  });

  it('takes many concurrent appends without losing or mixing spans', async () => {
    const batches = Array.from({ length: 24 }, (_, i) => Array.from({ length: 10 }, (_, j) => small(i * 100 + j)).flat());
    await Promise.all(batches.map((b, i) => h.store.append(b, BigInt(i + 1))));
    expect(await h.store.lastWalPosition()).toBe(24n);
    expect((await h.store.findTraces({ limit: 1 })).total).toBe(240);
    const probe = batches[13]![4]!;
    expect((await h.store.getTrace(probe.traceId)).length).toBe(2);
  });
}
