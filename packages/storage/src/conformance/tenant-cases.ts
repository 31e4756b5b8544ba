import { expect, it } from 'vitest';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, SpanKind, str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { SpanReader, Store } from '../store.js';
import { StoreError } from '../store.js';
import type { Harness } from './harness.js';
import { DAY0, NANOS_PER_DAY } from './harness.js';
import { at, byStartThenId, ID, MS, searchFixture } from './fixtures.js';

const E = '0000000000000000000000000000000e' as TraceId;

/*
 * Tenant a holds searchFixture (traces A–D: frontend, cart, payment) and one more trace E; tenant b holds its own
 * trace A (the same id) and E, with a frontend service of the same name; DEFAULT_TENANT holds trace D only.
 *
 *   a: searchFixture A B C D (ms after T0 1000–3300)      + E @4000 frontend GET /e 20 ─► cart cart.put 5
 *   b: A @1500 frontend GET /b 70 (GET, 503) ─► inventory reserve 20 ERROR   + E @4100 inventory restock 15 (CONSUMER)
 *   default: D @3000 frontend GET /default 9
 */
/** The fixtures, made once per test: each makeTrace call draws new span ids. */
function fixtures() {
  return {
    aOwn: searchFixture(),
    aMore: makeTrace(at(4000), { service: 'frontend', name: 'GET /e', at: 0, ms: 20, children: [{ service: 'cart', name: 'cart.put', at: 2, ms: 5 }] }, E),
    bTraceA: makeTrace(at(1500), {
      service: 'frontend', name: 'GET /b', at: 0, ms: 70,
      attributes: [{ key: 'http.method', value: str('GET') }, { key: 'http.status_code', value: str('503') }],
      children: [{ service: 'inventory', name: 'reserve', at: 5, ms: 20, error: true }],
    }, ID.A),
    bTraceE: makeTrace(at(4100), { service: 'inventory', name: 'restock', at: 0, ms: 15, kind: SpanKind.CONSUMER }, E),
    defaultOnly: makeTrace(at(3000), { service: 'frontend', name: 'GET /default', at: 0, ms: 9 }, ID.D),
  };
}
type Fixtures = ReturnType<typeof fixtures>;

const WINDOW = { start: at(0), end: at(10_000) };
const ALL_IDS = [ID.A, ID.B, ID.C, ID.D, E];

/** What every SpanReader method answers over the fixtures, so that two readers can be compared whole. */
async function everyRead(r: SpanReader) {
  return {
    traceA: await r.getTrace(ID.A),
    traceE: await r.getTrace(E, { start: at(0), end: at(10_000) }),
    outlineA: await r.getTraceOutline(ID.A),
    batch: await r.getTraces(ALL_IDS),
    all: await r.findTraces({ limit: 10 }),
    frontendPage: await r.findTraces({ service: 'frontend', limit: 2, offset: 1, sort: 'duration' }),
    byAttr: await r.findTraces({ attributes: [['http.method', 'GET']], limit: 10 }),
    errors: await r.findTraces({ attributes: [['error', 'true']], limit: 10 }),
    digests: await r.summarizeTraces(ALL_IDS),
    points: await r.tracePoints({ limit: 1 }, 100),
    heatmap: await r.latencyHeatmap({ filter: WINDOW, step: 1000n * MS }),
    counts: await r.attributeCounts({ filter: WINDOW, selection: { minDuration: 25n * MS }, topValues: 5, maxSpans: 1000 }),
    services: await r.services(),
    frontendOps: await r.operations({ service: 'frontend' }),
    inventoryOps: await r.operations({ service: 'inventory' }),
    cartOps: await r.operations({ service: 'cart', spanKind: SpanKind.INTERNAL }),
  };
}

/** Appends the fixtures: a's alone, then one append mixing runs of b, a and b with a walPosition, then DEFAULT_TENANT's. */
async function appendFixtures(store: Store): Promise<Fixtures> {
  const f = fixtures();
  await store.append(f.aOwn, 1n, [{ tenant: 'a', spans: f.aOwn.length }]);
  await store.append([...f.bTraceA, ...f.aMore, ...f.bTraceE], 2n, [
    { tenant: 'b', spans: f.bTraceA.length },
    { tenant: 'a', spans: f.aMore.length },
    { tenant: 'b', spans: f.bTraceE.length },
  ]);
  await store.append(f.defaultOnly, 3n);
  return f;
}

/** A store holding only these spans, as DEFAULT_TENANT's: what a tenant's reader must answer exactly. */
async function reference(h: Harness, spans: Span[]): Promise<Store> {
  const s = await h.openAnother();
  await s.append(spans);
  return s;
}

export function storeTenantCases(h: Harness): void {
  it('gives each tenant its own spans through every read, as a store holding only them would', async () => {
    const f = await appendFixtures(h.store);
    expect(await h.store.lastWalPosition()).toBe(3n);
    const a = h.store.forTenant('a');
    const b = h.store.forTenant('b');
    expect(await everyRead(a)).toEqual(await everyRead(await reference(h, [...f.aOwn, ...f.aMore])));
    expect(await everyRead(b)).toEqual(await everyRead(await reference(h, [...f.bTraceA, ...f.bTraceE])));
    // The Store itself is DEFAULT_TENANT's reader, and so is forTenant(DEFAULT_TENANT).
    const own = await everyRead(await reference(h, f.defaultOnly));
    expect(await everyRead(h.store)).toEqual(own);
    expect(await everyRead(h.store.forTenant(DEFAULT_TENANT))).toEqual(own);
  });

  it('keeps the same trace id, service and operation names of two tenants apart', async () => {
    const f = await appendFixtures(h.store);
    const a = h.store.forTenant('a');
    const b = h.store.forTenant('b');
    expect((await a.getTrace(ID.A)).sort(byStartThenId)).toEqual(f.aOwn.filter((s) => s.traceId === ID.A).sort(byStartThenId));
    expect((await b.getTrace(ID.A)).map((s) => s.name).sort()).toEqual(['GET /b', 'reserve']);
    expect((await b.getTraceOutline(ID.A)).map((s) => s.serviceName)).toEqual(['frontend', 'inventory']);
    expect((await b.getTraces([ID.A, ID.B])).get(ID.B)).toEqual([]);
    expect(await a.services()).toEqual(['cart', 'frontend', 'payment']);
    expect(await b.services()).toEqual(['frontend', 'inventory']);
    expect(await h.store.services()).toEqual(['frontend']);
    expect(await b.operations({ service: 'frontend' })).toEqual([{ name: 'GET /b', spanKind: SpanKind.SERVER }]);
    expect(await b.operations({ service: 'payment' })).toEqual([]);
    expect(await h.store.forTenant('nobody').services()).toEqual([]);
    expect((await h.store.forTenant('nobody').findTraces({ limit: 5 })).total).toBe(0);

    const bFrontend = await b.findTraces({ service: 'frontend', limit: 10 });
    expect(bFrontend.total).toBe(1);
    expect(bFrontend.traces[0]!.matched.name).toBe('GET /b');
    expect((await a.findTraces({ service: 'frontend', limit: 10 })).total).toBe(5);
    expect((await a.findTraces({ service: 'inventory', limit: 10 })).total).toBe(0);
    // Sorting by span count counts the tenant's spans of the trace only.
    expect((await b.findTraces({ limit: 10, sort: 'spans' })).traces.map((t) => t.traceId)).toEqual([ID.A, E]);
    const digestA = (await b.summarizeTraces([ID.A])).get(ID.A)!;
    expect([digestA.spanCount, digestA.errorCount, digestA.orphanCount, digestA.root.name]).toEqual([2, 1, 0, 'GET /b']);
    const pointE = (await a.tracePoints({ limit: 1 }, 10)).points.find((p) => p.traceId === E)!;
    expect(pointE.spanCount).toBe(2);
    expect((await b.latencyHeatmap({ filter: WINDOW, step: 10_000n * MS })).total).toBe(3);
    expect((await b.attributeCounts({ filter: WINDOW, selection: { errors: true }, topValues: 5, maxSpans: 100 })).baseline.spans).toBe(2);
  });

  it('keeps every tenant apart across close and reopen', async () => {
    await appendFixtures(h.store);
    const before = { a: await everyRead(h.store.forTenant('a')), b: await everyRead(h.store.forTenant('b')), own: await everyRead(h.store) };
    const s = await h.reopen();
    expect(await s.lastWalPosition()).toBe(3n);
    expect({ a: await everyRead(s.forTenant('a')), b: await everyRead(s.forTenant('b')), own: await everyRead(s) }).toEqual(before);
    // And appends after the reopen still land as their tenant's.
    const more = makeTrace(at(6000), { service: 'billing', name: 'invoice', at: 0, ms: 1 });
    await s.append(more, 4n, [{ tenant: 'b', spans: more.length }]);
    expect(await s.forTenant('b').services()).toEqual(['billing', 'frontend', 'inventory']);
    expect(await s.forTenant('a').services()).toEqual(['cart', 'frontend', 'payment']);
  });

  it("removes one tenant's spans received before the cutoff and leaves the others'", async () => {
    const day = (d: number, ms: number, tenant: string) => {
      const spans = makeTrace(at(ms), { service: `svc-${tenant}`, name: `day${d}`, at: 0, ms: 3 });
      return { spans, run: { tenant, spans: spans.length } };
    };
    const written: Record<string, TraceId[]> = { a: [], b: [] };
    for (let d = 0; d < 3; d++) {
      h.now = (DAY0 + BigInt(d) * NANOS_PER_DAY + NANOS_PER_DAY / 2n) as UnixNanos;
      const [x, y] = [day(d, d * 100, 'a'), day(d, d * 100 + 1, 'b')];
      written.a!.push(x.spans[0]!.traceId);
      written.b!.push(y.spans[0]!.traceId);
      await h.store.append([...x.spans, ...y.spans], BigInt(d + 1), [x.run, y.run]);
    }
    // Day 2 holds a's spans alone.
    h.now = (DAY0 + 2n * NANOS_PER_DAY + NANOS_PER_DAY / 2n) as UnixNanos;
    const lone = day(2, 250, 'a');
    written.a!.push(lone.spans[0]!.traceId);
    await h.store.append(lone.spans, 4n, [lone.run]);

    const cutoff = (DAY0 + 2n * NANOS_PER_DAY) as UnixNanos;
    expect(await h.store.dropBefore(cutoff, 'nobody')).toBe(0);
    expect(await h.store.dropBefore(cutoff, 'a')).toBe(2);
    expect(await h.store.dropBefore(cutoff, 'a')).toBe(0);
    const seen = async (s: Store, t: string) => {
      const r = s.forTenant(t);
      return Promise.all(written[t]!.map(async (id) => (await r.getTrace(id)).length > 0));
    };
    const check = async (s: Store) => {
      expect(await seen(s, 'a')).toEqual([false, false, true, true]);
      expect(await seen(s, 'b')).toEqual([true, true, true]);
      expect((await s.forTenant('a').findTraces({ limit: 10 })).total).toBe(2);
      expect((await s.forTenant('b').findTraces({ limit: 10 })).total).toBe(3);
      expect(await s.forTenant('a').services()).toEqual(['svc-a']);
      expect((await s.forTenant('a').operations({ service: 'svc-a' })).map((o) => o.name)).toEqual(['day2']);
      expect(await s.lastWalPosition()).toBe(4n);
    };
    await check(h.store);
    expect((await h.store.stats()).partitions).toBe(3);
    await check(await h.reopen());
    // Without a tenant, whole partitions go as before, whoever's spans they hold.
    expect(await h.store.dropBefore(cutoff)).toBe(2);
    expect(await seen(h.store, 'b')).toEqual([false, false, true]);
  });

  it("deletes one tenant's spans of the named traces on every day, and nothing else", async () => {
    const f = await appendFixtures(h.store);
    // Trace E of tenant a again on a later day: deleting E takes both days' spans.
    h.now = (h.now + NANOS_PER_DAY) as UnixNanos;
    const later = makeTrace(at(90_000), { service: 'frontend', name: 'GET /e again', at: 0, ms: 1 }, E);
    await h.store.append(later, 4n, [{ tenant: 'a', spans: later.length }]);
    const bBefore = await everyRead(h.store.forTenant('b'));
    const ownBefore = await everyRead(h.store);

    expect(await h.store.deleteTraces([E, 'not a trace id' as TraceId], 'a')).toBe(f.aMore.length + later.length);
    expect(await h.store.deleteTraces([E], 'a')).toBe(0);
    expect(await h.store.forTenant('a').getTrace(E)).toEqual([]);
    expect((await h.store.forTenant('a').getTrace(ID.B)).sort(byStartThenId)).toEqual(f.aOwn.filter((s) => s.traceId === ID.B).sort(byStartThenId));
    // Tenant b's trace E and the default tenant's trace D are untouched, through every read.
    expect(await everyRead(h.store.forTenant('b'))).toEqual(bBefore);
    expect(await everyRead(h.store)).toEqual(ownBefore);
    // Without a tenant, the default tenant's.
    expect(await h.store.deleteTraces([ID.D])).toBe(f.defaultOnly.length);
    expect(await h.store.getTrace(ID.D)).toEqual([]);
    expect(await h.store.forTenant('a').getTrace(ID.D)).not.toEqual([]);
    expect(await (await h.reopen()).forTenant('a').getTrace(E)).toEqual([]);
  });

  it('drops a partition holding only that tenant whole, keeping its walPosition', async () => {
    const spans = makeTrace(at(0), { service: 'svc', name: 'op', at: 0, ms: 1 });
    await h.store.append(spans, 9n, [{ tenant: 'a', spans: spans.length }]);
    const before = await h.store.stats();
    h.now = (h.now + 3n * NANOS_PER_DAY) as UnixNanos;
    expect(await h.store.dropBefore(h.now, 'a')).toBe(1);
    expect((await h.store.stats()).partitions).toBe(before.partitions - 1);
    expect(await h.store.forTenant('a').getTrace(spans[0]!.traceId)).toEqual([]);
    expect(await (await h.reopen()).lastWalPosition()).toBe(9n);
  });

  it('refuses runs that do not cover the spans, or an invalid tenant, keeping nothing of the append', async () => {
    const spans = makeTrace(at(0), { service: 'svc', name: 'op', at: 0, ms: 1, children: [{ service: 'svc', name: 'child', at: 0, ms: 1 }] });
    const refused = async (runs: { tenant: string; spans: number }[]) => {
      const err = await h.store.append(spans, 5n, runs).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).retryable).toBe(false);
    };
    await refused([{ tenant: 'a', spans: 1 }]);
    await refused([{ tenant: 'a', spans: 1 }, { tenant: 'b', spans: 2 }]);
    await refused([{ tenant: 'no spaces', spans: 2 }]);
    await refused([{ tenant: "a'; DROP TABLE spans; --", spans: 2 }]);
    expect(await h.store.lastWalPosition()).toBe(0n);
    expect(await h.store.forTenant('a').getTrace(spans[0]!.traceId)).toEqual([]);
    expect(() => h.store.forTenant("x' OR '1'='1")).toThrow();
    expect(() => h.store.forTenant('')).toThrow();
  });
}
