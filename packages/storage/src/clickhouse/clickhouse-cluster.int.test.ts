import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { int, str } from '@clew/model';
import { makeResource, makeTrace } from '@clew/model/testing';
import { useClickHouseCluster } from '@clew/testing/clickhouse-server';
import { describeStoreConformance } from '../conformance.js';
import { NOON } from '../conformance/harness.js';
import { at } from '../conformance/fixtures.js';
import { openClickHouseStore } from './clickhouse-store.js';
import { shardOf } from './cluster.js';
import type { Store, TraceQuery, TraceSearchResult } from '../store.js';

const cluster = useClickHouseCluster();
const databases = new Set<string>();
const urls = (): string[] => cluster().shards.map((s) => s.url);

/** Each harness dir gets its own database (on every shard), named after it: a reopen opens the same one. */
const databaseOf = (dir: string): string => {
  const db = `clew_cluster_${basename(dir).replace(/[^A-Za-z0-9]/g, '_')}`;
  databases.add(db);
  return db;
};

const run = async (url: string, sql: string): Promise<string> => {
  const res = await fetch(`${url}/`, { method: 'POST', body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text.trim();
};

afterAll(async () => {
  for (const db of databases) for (const url of urls()) await run(url, `DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
});

const open = (database: string, opts: { source?: string; now?: () => UnixNanos; url?: string } = {}) =>
  openClickHouseStore({
    url: opts.url ?? urls()[0]!,
    cluster: cluster().name,
    shards: urls(),
    database,
    ...(opts.source !== undefined && { source: opts.source }),
    now: opts.now ?? (() => NOON as UnixNanos),
  });

// The whole suite, through the Distributed tables of a two-shard cluster, each trace on the shard of its id.
describeStoreConformance('clickhouse, two-shard cluster', ({ dir, now }) => open(databaseOf(dir), { now }));

describe('ClickHouseStore over a two-shard cluster', () => {
  let n = 0;
  const fresh = () => databaseOf(`shards-${process.pid}-${++n}`);
  const trace = (ms: number): Span[] =>
    makeTrace(at(ms), { service: 'svc', name: 'op', at: 0, ms: 2, children: [{ service: 'db', name: 'q', at: 1, ms: 1 }] });
  /** Traces until both shards have some: ids are sequential, so a few do. */
  const traces = (count: number, from = 0): Span[] => Array.from({ length: count }, (_, i) => trace(from + i)).flat();
  /** Every (trace id, span id) of the cluster with how many rows it has, read on each shard's local table. */
  const rowsByShard = async (db: string): Promise<Array<Map<string, number>>> =>
    Promise.all(
      urls().map(async (url) => {
        const out = await run(url, `SELECT lower(hex(trace_id)), lower(hex(span_id)), count() FROM ${db}.spans_local GROUP BY trace_id, span_id FORMAT TSV`);
        return new Map(out === '' ? [] : out.split('\n').map((l) => l.split('\t')).map(([t, s, c]) => [`${t}${s}`, Number(c)] as [string, number]));
      }),
    );

  it('puts every span and index row of a trace on the shard its id picks, as a Distributed INSERT does, and reads them all back', async () => {
    const db = fresh();
    const store = await open(db);
    const spans = traces(8);
    await store.append(spans, 1n);
    const layout = { name: cluster().name, shards: [], slots: [0, 1] };
    const held = await rowsByShard(db);
    for (const s of spans) {
      const k = shardOf(layout, s.traceId);
      expect(held[k]!.get(`${s.traceId}${s.spanId}`)).toBe(1);
      expect(held[1 - k]!.has(`${s.traceId}${s.spanId}`)).toBe(false);
    }
    expect(held[0]!.size).toBeGreaterThan(0);
    expect(held[1]!.size).toBeGreaterThan(0);
    for (const [k, url] of urls().entries()) {
      const ids = await run(url, `SELECT DISTINCT lower(hex(trace_id)) FROM ${db}.trace_index_local FORMAT TSV`);
      for (const id of ids.split('\n')) expect(shardOf(layout, id)).toBe(k);
    }
    // ClickHouse's own placement by the sharding key agrees with Clew's.
    await run(urls()[0]!, `CREATE TABLE ${db}.placement_local (trace_id FixedString(16)) ENGINE = MergeTree ORDER BY trace_id`);
    await run(urls()[1]!, `CREATE TABLE ${db}.placement_local (trace_id FixedString(16)) ENGINE = MergeTree ORDER BY trace_id`);
    await run(
      urls()[0]!,
      `CREATE TABLE ${db}.placement AS ${db}.placement_local ENGINE = Distributed(${cluster().name}, ${db}, placement_local, reinterpretAsUInt32(reverse(substring(trace_id, 13, 4))))`,
    );
    const ids = [...new Set(spans.map((s) => s.traceId))];
    await run(`${urls()[0]!}/?insert_distributed_sync=1`, `INSERT INTO ${db}.placement VALUES ${ids.map((id) => `(unhex('${id}'))`).join(', ')}`);
    for (const [k, url] of urls().entries()) {
      const placed = (await run(url, `SELECT lower(hex(trace_id)) FROM ${db}.placement_local FORMAT TSV`)).split('\n').sort();
      expect(placed).toEqual(ids.filter((id) => shardOf(layout, id) === k).sort());
    }
    // Every query server of the cluster reads every shard.
    for (const url of urls()) {
      const reader = await open(db, { url });
      expect((await reader.findTraces({ limit: 100 })).total).toBe(8);
      for (const id of ids) expect(await reader.getTrace(id)).toHaveLength(2);
      await reader.close();
    }
    await store.close();
  });

  it('moves the position of a shard that an append gave no rows to, so the store position is every shard position', async () => {
    const db = fresh();
    const store = await open(db, { source: 'c1' });
    const layout = { name: cluster().name, shards: [], slots: [0, 1] };
    const one = trace(0);
    await store.append(one, 5n);
    expect(await store.lastWalPosition()).toBe(5n);
    const other = shardOf(layout, one[0]!.traceId) === 0 ? 1 : 0;
    expect(await run(urls()[other]!, `SELECT max(wal_pos) FROM ${db}.wal_positions WHERE source = 'c1'`)).toBe('5');
    await store.close();
    expect(await (await open(db, { source: 'c1' })).lastWalPosition()).toBe(5n);
  });

  it('retries an append that failed on one shard without writing the other shard twice', async () => {
    const db = fresh();
    const store = await open(db);
    await store.append(traces(2), 1n);
    const batch = traces(6, 100);
    // A real refusal by one shard: its local spans table is away.
    await run(urls()[1]!, `RENAME TABLE ${db}.spans_local TO ${db}.spans_away`);
    const failed = await store.append(batch, 2n).then(
      () => undefined,
      (err: unknown) => err as Error & { retryable: boolean },
    );
    expect(failed?.message).toMatch(/on 1 of 2 shards/);
    expect(failed?.retryable).toBe(true);
    expect(await store.lastWalPosition()).toBe(1n);
    await run(urls()[1]!, `RENAME TABLE ${db}.spans_away TO ${db}.spans_local`);
    await store.append(batch, 2n);
    expect(await store.lastWalPosition()).toBe(2n);
    const held = await rowsByShard(db);
    for (const s of [...batch]) expect((held[0]!.get(`${s.traceId}${s.spanId}`) ?? 0) + (held[1]!.get(`${s.traceId}${s.spanId}`) ?? 0)).toBe(1);
    await store.close();
  });

  // The replay's first try fails too, on the shard that holds part of it or on the other, and is tried again.
  it.each([
    ['the shard ahead', 0],
    ['the shard behind', 1],
  ])('after a crash between the shards, replays from the lowest position and writes each shard only what it lacks (the replay failing once on %s)', async (_, failing) => {
    const db = fresh();
    const store = await open(db, { source: 'c1' });
    const [first, second, third] = [traces(4, 0), traces(4, 200), traces(4, 400)];
    await store.append(first, 1n);
    await run(urls()[1]!, `RENAME TABLE ${db}.spans_local TO ${db}.spans_away`);
    await expect(store.append(second, 2n)).rejects.toThrow(/on 1 of 2 shards/);
    // The collector dies here: shard 1 holds the second batch, shard 2 does not.
    await store.close();
    await run(urls()[1]!, `RENAME TABLE ${db}.spans_away TO ${db}.spans_local`);
    const again = await open(db, { source: 'c1' });
    expect(await again.lastWalPosition()).toBe(1n);
    // The log replays records 2 and 3 in one batch, as a replay may: fresh span objects, other batch bounds.
    const replayed = [...second, ...third].map((s) => ({ ...s }));
    await run(urls()[failing]!, `RENAME TABLE ${db}.spans_local TO ${db}.spans_away`);
    await expect(again.append(replayed, 3n)).rejects.toThrow(/on 1 of 2 shards/);
    await run(urls()[failing]!, `RENAME TABLE ${db}.spans_away TO ${db}.spans_local`);
    await again.append(replayed, 3n);
    expect(await again.lastWalPosition()).toBe(3n);
    const held = await rowsByShard(db);
    for (const s of [...first, ...second, ...third]) {
      expect((held[0]!.get(`${s.traceId}${s.spanId}`) ?? 0) + (held[1]!.get(`${s.traceId}${s.spanId}`) ?? 0)).toBe(1);
    }
    // Past the replay, the same ids are new spans again (a client that sends a span twice has it stored twice), which
    // a read by id gives once.
    const [sent] = second;
    await again.append([{ ...sent! }], 4n);
    const now = await rowsByShard(db);
    expect((now[0]!.get(`${sent!.traceId}${sent!.spanId}`) ?? 0) + (now[1]!.get(`${sent!.traceId}${sent!.spanId}`) ?? 0)).toBe(2);
    expect((await again.getTrace(sent!.traceId as TraceId)).length).toBe(2);
    await again.close();
  });

  it('answers every read as one server holding the same spans does', async () => {
    const [one, many] = [await openClickHouseStore({ url: urls()[0]!, database: fresh(), now: () => NOON as UnixNanos }), await open(fresh())];
    // 60 traces over both shards: three services, two operations each, durations from 5 to 300 ms, every seventh
    // failing, a user id on every span of the cart service and a region on half the checkout resources.
    const spans = Array.from({ length: 60 }, (_, i) =>
      makeTrace(at(i * 100), {
        service: ['frontend', 'checkout', 'cart'][i % 3]!,
        name: i % 2 ? 'GET /api' : 'POST /order',
        at: 0,
        ms: 5 + ((i * 37) % 300),
        error: i % 7 === 0,
        attributes: [{ key: 'user.id', value: str(`u${i % 5}`) }],
        children: [{ service: 'db', name: i % 4 ? 'SELECT' : 'INSERT', at: 1, ms: 1 + (i % 9), ...(i % 2 === 0 && { attributes: [{ key: 'rows', value: int(i) }] }) }],
      }),
    ).flat();
    const regional = spans.map((s, i) => (s.resource.attributes[0]!.value.type === 'string' && s.resource.attributes[0]!.value.value === 'checkout' && i % 4 === 0 ? { ...s, resource: makeResource('checkout', [{ key: 'region', value: str('eu') }]) } : s));
    await one.append(regional, 1n);
    await many.append(regional, 1n);
    const ids = [...new Set(regional.map((s) => s.traceId))];
    const window = { start: at(0), end: at(6000) };
    const queries: TraceQuery[] = [
      { limit: 7 },
      { limit: 7, offset: 5, sort: 'duration' },
      { limit: 7, sort: 'spans' },
      { ...window, service: 'checkout', limit: 5 },
      { service: 'frontend', operation: 'GET /api', minDuration: 50n * 1_000_000n, limit: 5 },
      { attributes: [['region', 'eu']], limit: 10 },
      { attributes: [['error', 'true']], limit: 10 },
      { attributes: [['user.id', 'u3']], maxDuration: 200n * 1_000_000n, limit: 3 },
      { limit: 4, anchor: { startTimeUnixNano: at(3000), traceId: ids[30]! } },
    ];
    const read = (store: Store) =>
      Promise.all([
        ...queries.map((q) => store.findTraces(q)),
        ...queries.map((q) => store.tracePoints(q, 7)),
        store.summarizeTraces(ids),
        store.getTraces(ids.slice(0, 20)),
        store.latencyHeatmap({ filter: { ...window, service: 'cart' }, step: 500n * 1_000_000n }),
        store.attributeCounts({ filter: window, selection: { minDuration: 100n * 1_000_000n }, topValues: 3, maxSpans: 25 }),
        store.attributeCounts({ filter: { ...window, attributes: [['region', 'eu']] }, selection: { errors: true }, topValues: 5, maxSpans: 1000 }),
        store.services(),
        store.operations({ service: 'db' }),
      ]);
    const [expected, actual] = [await read(one), await read(many)];
    expect((expected[0] as TraceSearchResult).total).toBe(60);
    expect(actual).toEqual(expected);
    await Promise.all([one.close(), many.close()]);
  });

  it('opens a new database from several processes at once (collectors and query nodes started together)', async () => {
    const db = fresh();
    const stores = await Promise.all(['c1', 'c2', 'c3', 'q'].map((source) => open(db, { source })));
    await stores[0]!.append(traces(4), 1n);
    await stores[1]!.append(traces(4, 50), 1n);
    expect((await stores[3]!.findTraces({ limit: 100 })).total).toBe(8);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('refuses shard lists that do not match the cluster, and a database made for one server', async () => {
    const [a, b] = urls() as [string, string];
    const base = { url: a, database: fresh() };
    await expect(openClickHouseStore({ ...base, cluster: 'no_such_cluster', shards: [a, b] })).rejects.toThrow(/no cluster no_such_cluster in system\.clusters/);
    await expect(openClickHouseStore({ ...base, cluster: cluster().name, shards: [a] })).rejects.toThrow(/has 2 shards .* names 1/);
    await expect(openClickHouseStore({ ...base, cluster: cluster().name, shards: [a, a] })).rejects.toThrow(/names shard 1 .* twice/);
    await expect(openClickHouseStore({ ...base, cluster: cluster().name })).rejects.toThrow(/storage\.clickhouse\.shards must give/);
    await expect(openClickHouseStore({ ...base, shards: [a, b] })).rejects.toThrow(/name it in storage\.clickhouse\.cluster/);
    const single = fresh();
    await (await openClickHouseStore({ url: a, database: single })).close();
    await expect(openClickHouseStore({ url: a, database: single, cluster: cluster().name, shards: [a, b] })).rejects.toThrow(/made for a single ClickHouse server/);
    const clustered = fresh();
    await (await open(clustered)).close();
    await expect(openClickHouseStore({ url: a, database: clustered })).rejects.toThrow(/made for a ClickHouse cluster/);
  });
});
