import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, SpanKind, StatusCode, str } from '@clew/model';
import { makeResource, makeSpan, makeTrace } from '@clew/model/testing';
import type { MetricsStore } from '@clew/storage';
import { openDuckDBMetricsStore } from '@clew/storage';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OVERFLOW_OPERATION, SpanMetricsConsumer } from './span-metrics-consumer.js';

const M0 = Date.UTC(2026, 11, 3, 10, 0);
const at = (ms: number) => (BigInt(M0 + ms) * 1_000_000n) as UnixNanos;
const log = pino({ level: 'silent' });
const payments = [{ key: 'peer.service', value: str('payments') }];

let dir = '';
let store: MetricsStore;
let clock = 0;
const open = (max = 1000) =>
  SpanMetricsConsumer.open(store, { maxOperationsPerService: max, flushIntervalMs: 60_000, serviceGraphWaitMs: 1000, serviceGraphMaxItems: 100, now: () => clock }, log);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-span-metrics-'));
  store = await openDuckDBMetricsStore({ path: join(dir, 'metrics.duckdb') });
  clock = 0;
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const read = (groupBy: Array<'service' | 'operation'>) => store.spanMetrics({ from: M0, to: M0 + 3_600_000, groupBy });

describe('SpanMetricsConsumer', () => {
  it("importing: counts what it is given under the caller's own batch numbers, and leaves the store's log position as the log left it", async () => {
    // The directory's Clew had counted through log position 42.
    await store.append({ spans: [], edges: [], errors: [] }, 42n);
    const c = await SpanMetricsConsumer.open(
      store,
      { maxOperationsPerService: 1000, flushIntervalMs: 60_000, serviceGraphWaitMs: 1000, serviceGraphMaxItems: 100, now: () => clock, importing: true },
      log,
    );
    const resource = makeResource('cart');
    // Batch numbers past the log's position: were they recorded, the Clew would skip its log's records 43 to 101.
    c.push([makeSpan({ name: 'a', resource, startTimeUnixNano: at(0), endTimeUnixNano: at(5) })], 100n);
    c.stored(100n);
    await c.flush();
    c.push([makeSpan({ name: 'a', resource, startTimeUnixNano: at(1), endTimeUnixNano: at(6) })], 101n);
    c.stored(101n);
    await c.flush();
    expect((await read(['operation'])).map((p) => [p.operation, p.count])).toEqual([['a', 2]]);
    expect(await store.lastPosition()).toBe(42n);
    // A Clew opening the store afterwards resumes its log where it was.
    expect((await open()).resumedAfter).toBe(42n);
  });

  it('importing: writes the counts of the batches stored, whenever they are, and never those of a batch that was not', async () => {
    const c = await SpanMetricsConsumer.open(
      store,
      { maxOperationsPerService: 1000, flushIntervalMs: 60_000, serviceGraphWaitMs: 1000, serviceGraphMaxItems: 100, now: () => clock, importing: true },
      log,
    );
    const web = makeResource('web');
    const pay = makeResource('payments');
    const client = (traceId: TraceId) =>
      makeSpan({ traceId, spanId: `${traceId.slice(0, 15)}1` as SpanId, name: 'POST /pay', kind: SpanKind.CLIENT, resource: web, startTimeUnixNano: at(0), endTimeUnixNano: at(9) });
    const server = (traceId: TraceId) =>
      makeSpan({
        traceId,
        spanId: `${traceId.slice(0, 15)}2` as SpanId,
        parentSpanId: `${traceId.slice(0, 15)}1` as SpanId,
        name: 'charge',
        kind: SpanKind.SERVER,
        resource: pay,
        startTimeUnixNano: at(1),
        endTimeUnixNano: at(8),
        status: { code: StatusCode.ERROR, message: 'declined' },
      });
    const [t1, t2] = ['a'.repeat(32), 'b'.repeat(32)] as TraceId[];
    // Batch 1 opens both calls, its spans pushed as they are read (two pushes of its position); batch 2 completes the
    // first (stored), batch 3 the second (its write fails).
    c.push([client(t1)], 1n);
    c.push([client(t2)], 1n);
    c.push([server(t1)], 2n);
    c.push([server(t2)], 3n);
    await c.flush();
    // Nothing is stored yet: nothing is written.
    expect(await read(['service'])).toEqual([]);
    c.stored(2n);
    c.stored(1n);
    await c.flush();
    expect((await read(['service'])).map((p) => [p.service, p.count]).sort()).toEqual([
      ['payments', 1],
      ['web', 2],
    ]);
    // Batch 4 opens a third call and is given up unsent (dropped): batch 5's server span of it, stored, pairs with
    // nothing and waits alone.
    const t3 = 'c'.repeat(32) as TraceId;
    c.push([client(t3)], 4n);
    c.dropped(4n);
    c.push([server(t3)], 5n);
    c.stored(5n);
    expect(c.graphCounters()).toMatchObject({ paired: 2, pending: 1 });
    clock = 1500;
    await c.shutdown();
    expect((await read(['service'])).map((p) => [p.service, p.count]).sort()).toEqual([
      ['payments', 2],
      ['web', 2],
    ]);
    // The edge batch 2 completed, once; none for the call batch 3 completed, though its client span was stored, nor
    // for the third call (its server span's wait ended unpaired).
    const edges = await store.edges({ from: M0, to: M0 + 60_000 });
    expect(edges.map((e) => [e.client, e.server, e.connectionType, e.count, e.failed])).toEqual([['web', 'payments', '', 1, 1]]);
    expect(c.graphCounters()).toMatchObject({ paired: 2, pending: 0, expiredUnpaired: { server: 1 } });
    expect((await store.topErrors({ from: M0, to: M0 + 60_000, service: 'payments', limit: 10 })).map((e) => [e.operation, e.message, e.count])).toEqual([['charge', 'declined', 2]]);
  });

  it('counts a service past its operation limit under the overflow operation, and says so', async () => {
    const c = await open(2);
    const resource = makeResource('cart');
    c.push(['a', 'b', 'c', 'd', 'a'].map((name) => makeSpan({ name, resource, startTimeUnixNano: at(0), endTimeUnixNano: at(5) })), 1n);
    await c.flush();
    const ops = Object.fromEntries((await read(['operation'])).map((p) => [p.operation, p.count]));
    expect(ops).toEqual({ a: 2, b: 1, [OVERFLOW_OPERATION]: 2 });
    expect(c.stats().overflowedServices.get(DEFAULT_TENANT)?.get('cart')).toBe(2);
    expect(await store.lastPosition()).toBe(1n);
  });

  it("counts each tenant's spans, edges and errors as its own, though services and trace ids are the same", async () => {
    const c = await open(1);
    const trace = makeTrace(at(0), { service: 'web', name: 'GET /', at: 0, ms: 10, kind: SpanKind.SERVER });
    c.push(trace, 1n, 'a');
    // The same spans again (same trace and span ids) for b, and a second operation that only b's limit overflows.
    c.push([...trace, makeSpan({ name: 'other', resource: makeResource('web'), startTimeUnixNano: at(0), endTimeUnixNano: at(1) })], 2n, 'b');
    clock = 1500;
    await c.flush();
    const a = await store.forTenant('a').spanMetrics({ from: M0, to: M0 + 3_600_000, groupBy: ['service', 'operation'] });
    const b = await store.forTenant('b').spanMetrics({ from: M0, to: M0 + 3_600_000, groupBy: ['service', 'operation'] });
    expect(a.map((p) => [p.service, p.operation, p.count])).toEqual([['web', 'GET /', 1]]);
    expect(b.map((p) => [p.service, p.operation, p.count]).sort()).toEqual([['web', OVERFLOW_OPERATION, 1], ['web', 'GET /', 1]]);
    expect(await read(['service'])).toEqual([]);
    for (const tenant of ['a', 'b']) {
      const edges = await store.forTenant(tenant).edges({ from: M0, to: M0 + 60_000 });
      expect(edges.map((e) => [e.client, e.server, e.count])).toEqual([['user', 'web', 1]]);
    }
    expect(c.stats().overflowedServices).toEqual(new Map([['b', new Map([['web', 1]])]]));
    expect(c.prometheusOf('a').render()).toContain('service="web"');
    expect(c.prometheusOf('c').render()).not.toContain('service="web"');
  });

  it("weighs a head-sampled span by its threshold's adjusted count", async () => {
    const c = await open();
    // th:c → T = 0xc << 52: a quarter of traces kept, each stands for 4.
    c.push([makeSpan({ traceState: 'ot=th:c', startTimeUnixNano: at(0), endTimeUnixNano: at(1) }), makeSpan({ startTimeUnixNano: at(0), endTimeUnixNano: at(1) })], 1n);
    await c.flush();
    expect((await read(['service']))[0]!.count).toBe(5);
  });

  it('skips records at or below the position the store recorded: a replay counts nothing twice', async () => {
    const first = await open();
    first.push([makeSpan({ startTimeUnixNano: at(0), endTimeUnixNano: at(1) })], 7n);
    await first.shutdown();
    const again = await open();
    expect(again.resumedAfter).toBe(7n);
    again.push([makeSpan({ startTimeUnixNano: at(0), endTimeUnixNano: at(1) })], 7n);
    again.push([makeSpan({ startTimeUnixNano: at(0), endTimeUnixNano: at(1) })], 8n);
    await again.flush();
    expect((await read(['service']))[0]!.count).toBe(2);
    expect(again.stats().skippedReplayedSpans).toBe(1);
  });

  it('holds its position behind a half edge that waits, and writes it with the edge it makes', async () => {
    const c = await open();
    // A root client span naming its peer: whether the server answers is only known once the wait is over.
    const trace: Span[] = makeTrace(at(0), { service: 'web', name: 'GET /pay', at: 0, ms: 10, kind: SpanKind.CLIENT, attributes: payments });
    c.push(trace, 3n);
    await c.flush();
    expect(c.durableThrough()).toBe(0n);
    expect(await store.lastPosition()).toBe(0n);
    clock = 1500;
    await c.flush();
    expect(c.durableThrough()).toBe(3n);
    const edges = await store.edges({ from: M0, to: M0 + 60_000 });
    expect(edges.map((e) => [e.client, e.server, e.connectionType, e.count])).toEqual([['web', 'payments', 'virtual_node', 1]]);
    expect((await read(['service']))[0]!.count).toBe(1);
  });

  it("writes a root server span's edge from \"user\" at once: nothing waits for a client that cannot come", async () => {
    const c = await open();
    c.push(makeTrace(at(0), { service: 'web', name: 'GET /', at: 0, ms: 10, kind: SpanKind.SERVER }), 3n);
    await c.flush();
    expect(c.durableThrough()).toBe(3n);
    const edges = await store.edges({ from: M0, to: M0 + 60_000 });
    expect(edges.map((e) => [e.client, e.server, e.connectionType, e.count])).toEqual([['user', 'web', 'virtual_node', 1]]);
    expect(c.graphCounters()).toMatchObject({ pending: 0, virtual: 1 });
  });

  it('keeps writing under steady traffic, each edge with the spans it came from', async () => {
    const c = await open();
    // A client span naming its peer every 100 ms of the clock, a flush every second, a wait of one second: there is
    // always a half edge waiting, and each edge is made by an expiry a second after its span.
    let position = 0n;
    for (let t = 0; t < 10_000; t += 100) {
      clock = t;
      position++;
      c.push(makeTrace(at(t), { service: 'web', name: 'GET /pay', at: 0, ms: 5, kind: SpanKind.CLIENT, attributes: payments }), position);
      if (t % 1000 === 900) await c.flush();
    }
    const written = await store.lastPosition();
    expect(written).toBeGreaterThanOrEqual(80n);
    expect(written).toBeLessThan(position);
    const [edge] = await store.edges({ from: M0, to: M0 + 60_000 });
    const [spans] = await read(['service']);
    // Every span written has its edge written with it.
    expect(edge!.count).toBe(Number(written));
    expect(spans!.count).toBe(Number(written));
  });
});
