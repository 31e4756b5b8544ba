import { beforeEach, describe, expect, it } from 'vitest';
import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import type { TraceQuery } from '../store.js';
import type { Harness } from './harness.js';
import { at, ID, MS, searchFixture } from './fixtures.js';

/** Digests, matched spans, sorting, paging anchors and scatter points over the search fixture. */
export function summaryCases(h: Harness): void {
  let fixture: Span[];
  beforeEach(async () => {
    fixture = searchFixture();
    await h.store.append(fixture);
  });
  const spanOf = (traceId: TraceId, name: string): Span => fixture.find((s) => s.traceId === traceId && s.name === name)!;
  const ids = async (q: Omit<TraceQuery, 'limit'> & { limit?: number }): Promise<TraceId[]> =>
    (await h.store.findTraces({ limit: 20, ...q })).traces.map((t) => t.traceId);

  describe('summarizeTraces', () => {
    it('digests each trace asked for in one call: root, extent, counts per service', async () => {
      const d = await h.store.summarizeTraces([ID.A, ID.B, '00000000000000000000000000000fff' as TraceId]);
      expect([...d.keys()].sort()).toEqual([ID.A, ID.B]);
      expect(d.get(ID.A)).toEqual({
        traceId: ID.A,
        root: { service: 'frontend', name: 'GET /api', kind: 'root' },
        startTimeUnixNano: at(1000),
        endTimeUnixNano: at(1120),
        spanCount: 3,
        errorCount: 1,
        orphanCount: 0,
        services: [
          { name: 'cart', spanCount: 2, errorCount: 1 },
          { name: 'frontend', spanCount: 1, errorCount: 0 },
        ],
      });
      expect(d.get(ID.B)!.services).toEqual([
        { name: 'frontend', spanCount: 1, errorCount: 1 },
        { name: 'payment', spanCount: 1, errorCount: 0 },
      ]);
    });

    it('counts orphans and falls back to the earliest orphan when the root is missing', async () => {
      /*
       *   E @5000   (root 'lost', never arrived)
       *               ├─ cart   late  @5020 10ms   parent: lost
       *               └─ cart   early @5010 30ms   parent: lost  ← root of the digest (earliest orphan)
       *                   └─ db  q    @5015 40ms   ends last
       */
      const e = 'e0000000000000000000000000000000' as TraceId;
      const lost = 'ffffffffffffff01' as SpanId;
      const early = makeSpan({ traceId: e, parentSpanId: lost, name: 'early', resource: makeResource('cart'), startTimeUnixNano: at(5010), endTimeUnixNano: at(5040) });
      const late = makeSpan({ traceId: e, parentSpanId: lost, name: 'late', resource: makeResource('cart'), startTimeUnixNano: at(5020), endTimeUnixNano: at(5030) });
      const q = makeSpan({ traceId: e, parentSpanId: early.spanId, name: 'q', resource: makeResource('db'), startTimeUnixNano: at(5015), endTimeUnixNano: at(5055) });
      await h.store.append([late, q, early]);
      const d = (await h.store.summarizeTraces([e])).get(e)!;
      expect(d.root).toEqual({ service: 'cart', name: 'early', kind: 'orphan' });
      expect([d.spanCount, d.orphanCount, d.startTimeUnixNano, d.endTimeUnixNano]).toEqual([3, 2, at(5010), at(5055)]);
    });

    it('answers an empty map for no ids', async () => {
      expect((await h.store.summarizeTraces([])).size).toBe(0);
    });
  });

  describe('matched span', () => {
    it('is the earliest span meeting every condition, with its service and own duration', async () => {
      const r = await h.store.findTraces({ service: 'cart', limit: 10 });
      const get = spanOf(ID.A, 'cart.get');
      expect(r.traces.find((t) => t.traceId === ID.A)!.matched).toEqual({ spanId: get.spanId, service: 'cart', name: 'cart.get', durationNanos: 30n * MS });
      const select = spanOf(ID.A, 'SELECT');
      const errors = await h.store.findTraces({ service: 'cart', attributes: [['error', 'true']], limit: 10 });
      expect(errors.traces.map((t) => t.matched)).toEqual([{ spanId: select.spanId, service: 'cart', name: 'SELECT', durationNanos: 5n * MS }]);
    });
  });

  describe('sort', () => {
    it.each<[TraceQuery['sort'], TraceId[]]>([
      ['start', [ID.C, ID.D, ID.B, ID.A]],
      // trace durations: C 300, A 120, D 80, B 50 ms
      ['duration', [ID.C, ID.A, ID.D, ID.B]],
      // span counts: A 3, then B and C 2 (newest first: C), D 1
      ['spans', [ID.A, ID.C, ID.B, ID.D]],
    ])('by %s, largest first, ties newest first', async (sort, want) => {
      expect(await ids({ sort })).toEqual(want);
    });

    it('names the newest match as the anchor whatever the order', async () => {
      const r = await h.store.findTraces({ sort: 'spans', limit: 1 });
      expect(r.traces.map((t) => t.traceId)).toEqual([ID.A]);
      expect(r.newest).toEqual({ startTimeUnixNano: at(3000), traceId: ID.C });
      expect((await h.store.findTraces({ service: 'nope', limit: 1 })).newest).toBeUndefined();
    });

    it('sorts all matches before paging', async () => {
      const pages = [await ids({ sort: 'duration', limit: 2 }), await ids({ sort: 'duration', limit: 2, offset: 2 })];
      expect(pages).toEqual([[ID.C, ID.A], [ID.D, ID.B]]);
    });

    it('by the whole trace, not the matching span', async () => {
      // Matching on cart spans: A's cart span is 30ms and C's 10ms, but trace C (300ms) is longer than A (120ms).
      expect(await ids({ service: 'cart', sort: 'duration' })).toEqual([ID.C, ID.A]);
    });
  });

  describe('paging anchor', () => {
    it('keeps pages put while newer traces arrive, and counts those', async () => {
      const first = await h.store.findTraces({ limit: 2 });
      expect(first.traces.map((t) => t.traceId)).toEqual([ID.C, ID.D]);
      const anchor = { startTimeUnixNano: first.traces[0]!.startTimeUnixNano, traceId: first.traces[0]!.traceId };
      const newer = makeSpan({ traceId: 'f0000000000000000000000000000000' as TraceId, name: 'GET /api', resource: makeResource('frontend'), startTimeUnixNano: at(4000), endTimeUnixNano: at(4010) });
      await h.store.append([newer]);
      const second = await h.store.findTraces({ limit: 2, offset: 2, anchor });
      expect(second.traces.map((t) => t.traceId)).toEqual([ID.B, ID.A]);
      expect([second.total, second.newSinceAnchor]).toEqual([4, 1]);
      const again = await h.store.findTraces({ limit: 2, anchor });
      expect(again.traces.map((t) => t.traceId)).toEqual([ID.C, ID.D]);
    });

    it('keeps a trace tied with the anchor in time only when its id sorts at or after it', async () => {
      // C and D start together; anchored at D, C (the smaller id, so ahead of D) is new.
      const r = await h.store.findTraces({ limit: 10, anchor: { startTimeUnixNano: at(3000), traceId: ID.D } });
      expect(r.traces.map((t) => t.traceId)).toEqual([ID.D, ID.B, ID.A]);
      expect(r.newSinceAnchor).toBe(1);
    });

    it('reports the totals on a page past the end', async () => {
      const r = await h.store.findTraces({ limit: 2, offset: 10, anchor: { startTimeUnixNano: at(2000), traceId: ID.B } });
      expect(r).toEqual({ traces: [], total: 2, newSinceAnchor: 2, newest: { startTimeUnixNano: at(2000), traceId: ID.B } });
    });
  });

  describe('tracePoints', () => {
    it('gives every match its whole extent and counts, newest first', async () => {
      const r = await h.store.tracePoints({ limit: 1, service: 'cart' }, 100);
      expect(r).toEqual({
        total: 2,
        sampled: false,
        points: [
          { traceId: ID.C, startTimeUnixNano: at(3000), endTimeUnixNano: at(3300), spanCount: 2, errorCount: 0 },
          { traceId: ID.A, startTimeUnixNano: at(1000), endTimeUnixNano: at(1120), spanCount: 3, errorCount: 1 },
        ],
      });
    });

    it('samples the same traces each time past the bound, and says so', async () => {
      const a = await h.store.tracePoints({ limit: 1 }, 2);
      const b = await h.store.tracePoints({ limit: 1 }, 2);
      expect([a.total, a.sampled, a.points.length]).toEqual([4, true, 2]);
      expect(b.points.map((p) => p.traceId)).toEqual(a.points.map((p) => p.traceId));
      const starts = a.points.map((p) => p.startTimeUnixNano);
      expect([...starts].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0))).toEqual(starts);
    });

    it('is empty when nothing matches', async () => {
      expect(await h.store.tracePoints({ limit: 1, service: 'nope' }, 10)).toEqual({ points: [], total: 0, sampled: false });
    });
  });

  it('leaves the window alone: a trace outside it is not a point', async () => {
    const r = await h.store.tracePoints({ limit: 1, start: at(2000), end: (at(3000) - 1n) as UnixNanos }, 10);
    expect(r.points.map((p) => p.traceId)).toEqual([ID.B]);
  });
}
