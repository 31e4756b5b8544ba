import { beforeEach, describe, expect, it } from 'vitest';
import type { TraceId, UnixNanos } from '@clew/model';
import { SpanKind } from '@clew/model';
import type { TraceQuery, TraceSearchResult } from '../store.js';
import type { Harness } from './harness.js';
import { at, ID, MS, searchFixture } from './fixtures.js';

export function searchCases(h: Harness): void {
  describe('findTraces', () => {
    beforeEach(async () => {
      await h.store.append(searchFixture());
    });
    const ids = async (q: Omit<TraceQuery, 'limit'> & { limit?: number }): Promise<TraceId[]> =>
      (await h.store.findTraces({ limit: 20, ...q })).traces.map((t) => t.traceId);

    /** Each hit as id and start, the matched span left to the cases about it. */
    const hits = (r: TraceSearchResult) => r.traces.map((t) => ({ traceId: t.traceId, startTimeUnixNano: t.startTimeUnixNano }));

    it('finds every trace, newest first, ties broken by trace id, with start times', async () => {
      const r = await h.store.findTraces({ limit: 10 });
      expect(hits(r)).toEqual([
        { traceId: ID.C, startTimeUnixNano: at(3000) },
        { traceId: ID.D, startTimeUnixNano: at(3000) },
        { traceId: ID.B, startTimeUnixNano: at(2000) },
        { traceId: ID.A, startTimeUnixNano: at(1000) },
      ]);
      expect(r.total).toBe(4);
    });

    it('orders by the earliest matching span, not the trace root', async () => {
      const r = await h.store.findTraces({ service: 'cart', limit: 10 });
      expect(hits(r)).toEqual([
        { traceId: ID.C, startTimeUnixNano: at(3020) },
        { traceId: ID.A, startTimeUnixNano: at(1010) },
      ]);
    });

    it.each<[string, Omit<TraceQuery, 'limit'>, TraceId[]]>([
      ['service', { service: 'payment' }, [ID.B]],
      ['unknown service', { service: 'nope' }, []],
      ['operation', { operation: 'GET /api' }, [ID.D, ID.B, ID.A]],
      ['span kind', { spanKind: SpanKind.CLIENT }, [ID.B, ID.A]],
      ['min duration (inclusive)', { minDuration: 120n * MS }, [ID.C, ID.A]],
      ['max duration (inclusive)', { maxDuration: 5n * MS }, [ID.A]],
      ['min and max duration', { minDuration: 40n * MS, maxDuration: 80n * MS }, [ID.D, ID.B]],
      ['window, inclusive at both ends', { start: at(2000), end: at(3000) }, [ID.C, ID.D, ID.B]],
      ['window ending just before a start', { start: at(2000), end: (at(3000) - 1n) as UnixNanos }, [ID.B]],
      ['window starting just after a start', { start: (at(2000) + 1n) as UnixNanos, end: at(2005) }, [ID.B]],
      ['string span attribute', { attributes: [['http.method', 'POST']] }, [ID.C]],
      ['int span attribute as text', { attributes: [['http.status_code', '500']] }, [ID.B]],
      ['double span attribute as text', { attributes: [['amount', '12.5']] }, [ID.B]],
      ['plain span attribute', { attributes: [['user.id', 'u1']] }, [ID.A]],
      ['resource attribute', { attributes: [['region', 'eu']] }, [ID.C, ID.A]],
      ['resource service.name as attribute', { attributes: [['service.name', 'payment']] }, [ID.B]],
      ['event attribute', { attributes: [['cache.key', 'k1']] }, [ID.C]],
      ['error=true', { attributes: [['error', 'true']] }, [ID.B, ID.A]],
      ['attribute value must match exactly', { attributes: [['user.id', 'u']] }, []],
      ['service + operation + min duration', { service: 'frontend', operation: 'GET /api', minDuration: 60n * MS }, [ID.D, ID.A]],
      ['service + attribute', { service: 'frontend', attributes: [['http.method', 'GET'], ['http.status_code', '200']] }, [ID.D, ID.A]],
      ['span and resource attribute on one span', { attributes: [['region', 'eu'], ['user.id', 'u1']] }, [ID.A]],
      ['all conditions on one span (Jaeger semantics)', { service: 'payment', operation: 'GET /api' }, []],
      ['error and service on one span', { service: 'cart', attributes: [['error', 'true']] }, [ID.A]],
      ['kind + service + window', { service: 'cart', spanKind: SpanKind.SERVER, start: at(3000) }, [ID.C]],
    ])('filters by %s', async (_, q, want) => {
      expect(await ids(q)).toEqual(want);
      expect((await h.store.findTraces({ limit: 20, ...q })).total).toBe(want.length);
    });

    it('paginates with offset and limit, reporting the real total on every page', async () => {
      const pages = [];
      for (let offset = 0; offset < 5; offset += 2) pages.push(await h.store.findTraces({ limit: 2, offset }));
      expect(pages.map((p) => p.traces.map((t) => t.traceId))).toEqual([[ID.C, ID.D], [ID.B, ID.A], []]);
      expect(pages.map((p) => p.total)).toEqual([4, 4, 4]);
      const one = await h.store.findTraces({ operation: 'GET /api', limit: 1, offset: 1 });
      expect({ traces: hits(one), total: one.total }).toEqual({ traces: [{ traceId: ID.B, startTimeUnixNano: at(2000) }], total: 3 });
    });
  });
}
