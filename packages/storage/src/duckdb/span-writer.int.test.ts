import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Span, Tenant, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, serviceName } from '@clew/model';
import { makeResource, makeSpan, TEST_SCOPE } from '@clew/model/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../store.js';
import { openDuckDBStore } from './duckdb-store.js';
import { PartitionClock } from './partition-files.js';
import { attachPartition } from './partition-loader.js';
import type { Partition } from './partition.js';
import type { PreparedBatch } from './span-writer.js';
import { abandonBatch, BatchEncoder, BatchNoLongerFits, commitBatch, prepareBatch } from './span-writer.js';

const NOON = (20_416n * 86_400_000_000_000n + 43_200_000_000_000n) as UnixNanos;
const DAY = 86_400_000_000_000n;

/** A span of `service` under the scope named `scope`. */
const spanOf = (service: string, scope = 'lib'): Span =>
  makeSpan({ resource: makeResource(service), scope: { ...TEST_SCOPE, name: scope }, startTimeUnixNano: NOON, endTimeUnixNano: (NOON + 1000n) as UnixNanos });

describe('batches encoded before the one ahead of them commits', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-span-writer-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A partition file on a connection of its own, and what its rows say: each span's service, scope and tenant. */
  let files = 0;
  async function partition(): Promise<{ conn: DuckDBConnection; p: Partition; rows(): Promise<string[]>; close(): void }> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const p = await attachPartition(conn, new PartitionClock(24), join(dir, `spans-${files++}.duckdb`), 20_416);
    const rows = async () =>
      (
        await conn.runAndReadAll(
          `SELECT r.service || ' ' || json_extract_string(c.enc, '$[0]') || ' ' || t.name
           FROM ${p.alias}.spans s JOIN ${p.alias}.resources r ON r.id = s.res_id JOIN ${p.alias}.scopes c ON c.id = s.scope_id
             LEFT JOIN (SELECT id, name FROM ${p.alias}.tenants UNION ALL SELECT 0, 'default') t ON t.id = s.tenant_id
           ORDER BY s.span_id`,
        )
      )
        .getRows()
        .map((r) => r[0] as string);
    return {
      conn,
      p,
      rows,
      close() {
        conn.closeSync();
        instance.closeSync();
      },
    };
  }

  it('takes the ids the batch before it gave new resources, scopes and tenants, in either order of commit', async () => {
    for (const order of ['first, then second', 'second, then first']) {
      const { conn, p, rows, close } = await partition();
      try {
        const first = prepareBatch(p, [spanOf('cart', 'http')], ['acme' as Tenant], 1n);
        const second = prepareBatch(p, [spanOf('cart', 'http'), spanOf('pay', 'db')], ['acme', 'beta'] as Tenant[], 2n);
        // The second names what the first brought (and inserts it too, should it commit first) beside its own.
        const named = (b: PreparedBatch) => b.resources.map(([id, r]) => [id, serviceName(r)]);
        expect(named(first)).toEqual([[1, 'cart']]);
        expect(named(second)).toEqual([
          [1, 'cart'],
          [2, 'pay'],
        ]);
        const batches = order === 'first, then second' ? [first, second] : [second, first];
        for (const b of batches) await commitBatch(conn, p, b);
        expect(await rows(), order).toEqual(['cart http acme', 'cart http acme', 'pay db beta']);
        expect([...p.resourceIds.values()].sort(), order).toEqual([1, 2]);
        expect(p.meta.wal, order).toBe(2n);
      } finally {
        close();
      }
    }
  });

  it('inserts what the batch before it named when that batch is given up', async () => {
    const { conn, p, rows, close } = await partition();
    try {
      const first = prepareBatch(p, [spanOf('cart', 'http')], ['acme' as Tenant], 1n);
      const second = prepareBatch(p, [spanOf('cart', 'http')], ['acme' as Tenant], 2n);
      abandonBatch(first);
      await commitBatch(conn, p, second);
      expect(await rows()).toEqual(['cart http acme']);
    } finally {
      close();
    }
  });

  it('is refused, having written nothing, when an id it took went to another batch meanwhile; appended again, it is encoded afresh', async () => {
    const { conn, p, rows, close } = await partition();
    try {
      const cart = [spanOf('cart', 'http')];
      const first = prepareBatch(p, [spanOf('cart', 'http')], ['acme' as Tenant], 1n);
      const second = prepareBatch(p, cart, ['acme' as Tenant], 2n);
      abandonBatch(first);
      // Planned afresh from what is committed: it takes the ids the first batch had given cart, http and acme.
      const other = prepareBatch(p, [spanOf('ship', 'grpc')], ['beta' as Tenant], 3n);
      expect(other.resources.map(([id]) => id)).toEqual(second.resources.map(([id]) => id));
      await commitBatch(conn, p, other);
      // Its spans are not kept to encode it again: the append fails, and its retry has them.
      await expect(commitBatch(conn, p, second)).rejects.toBeInstanceOf(BatchNoLongerFits);
      expect(await rows()).toEqual(['ship grpc beta']);
      await commitBatch(conn, p, prepareBatch(p, cart, ['acme' as Tenant], 2n));
      expect((await rows()).sort()).toEqual(['cart http acme', 'ship grpc beta']);
      expect(p.resources.size).toBe(2);
      expect(p.meta.wal).toBe(3n);
    } finally {
      close();
    }
  });

  it('encoded as its spans come (BatchEncoder), writes the rows one encoded whole writes', async () => {
    const a = await partition();
    const b = await partition();
    try {
      const spans = [spanOf('cart', 'http'), spanOf('cart', 'http'), spanOf('pay', 'db'), spanOf('cart', 'grpc'), spanOf('ship', 'http')].map((s, i) => ({
        ...s,
        attributes: [{ key: 'http.method', value: { type: 'string' as const, value: 'GET' } }, { key: 'n', value: { type: 'int' as const, value: BigInt(i) } }],
      }));
      const tenants = ['acme', 'acme', 'beta', 'beta', 'acme'] as Tenant[];
      await commitBatch(a.conn, a.p, prepareBatch(a.p, spans, tenants, 4n));
      const encoder = new BatchEncoder(b.p);
      for (const [from, to] of [[0, 1], [1, 1], [1, 3], [3, 5]] as const) encoder.add(spans.slice(from, to), tenants.slice(from, to));
      await commitBatch(b.conn, b.p, encoder.finish(4n));
      const every = async ({ conn, p }: { conn: DuckDBConnection; p: Partition }) =>
        (await conn.runAndReadAll(`SELECT * FROM ${p.alias}.spans ORDER BY span_id`)).getRows().map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      expect(await every(b)).toEqual(await every(a));
      expect(await b.rows()).toEqual(await a.rows());
      expect(b.p.meta).toEqual(a.p.meta);
      expect([...b.p.attrBloom(0).bits]).toEqual([...a.p.attrBloom(0).bits]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('encoded as its spans come, keeps the ids it took while a batch before it commits; given up, leaves them to those after it', async () => {
    const { conn, p, rows, close } = await partition();
    try {
      const first = prepareBatch(p, [spanOf('cart', 'http')], ['acme' as Tenant], 1n);
      const open = new BatchEncoder(p);
      open.add([spanOf('pay', 'db')], ['acme' as Tenant]);
      // The batch before it commits while it is open: the plan it took ids from stays, as for a batch encoded whole.
      await commitBatch(conn, p, first);
      open.add([spanOf('ship', 'grpc'), spanOf('cart', 'http')], ['beta', 'acme'] as Tenant[]);
      const after = prepareBatch(p, [spanOf('mail', 'smtp')], ['acme' as Tenant], 3n);
      const second = open.finish(2n);
      const named = (b: PreparedBatch) => b.resources.map(([id, r]) => [id, serviceName(r)]);
      expect(named(second)).toEqual([
        [2, 'pay'],
        [3, 'ship'],
      ]);
      expect(named(after)).toEqual([[4, 'mail']]);
      await commitBatch(conn, p, after);
      await commitBatch(conn, p, second);
      expect((await rows()).sort()).toEqual(['cart http acme', 'cart http acme', 'mail smtp acme', 'pay db acme', 'ship grpc beta']);

      // Given up with ids taken: the plan goes on from them, and the batch after it inserts what it names.
      const given = new BatchEncoder(p);
      given.add([spanOf('lost', 'lib')], ['gamma' as Tenant]);
      const later = new BatchEncoder(p);
      given.abandon();
      later.add([spanOf('lost', 'lib')], ['gamma' as Tenant]);
      await commitBatch(conn, p, later.finish(5n));
      expect(await rows()).toContain('lost lib gamma');
      expect(() => given.add([spanOf('late')], ['acme' as Tenant])).toThrow('the batch was finished or given up');
      // Nothing outstanding is left: the next batch plans afresh from what is committed.
      expect(p.plan.outstanding).toBe(0);
    } finally {
      close();
    }
  });

  it('through the store: appends made before the last is done, and ones whose partition changed before their turn', async () => {
    let now = NOON;
    const store = await openDuckDBStore({ dir, now: () => now, checkpointIntervalMs: 0 });
    const first = [spanOf('cart', 'http')];
    const second = [spanOf('cart', 'http'), spanOf('pay', 'db')];
    const third = [spanOf('ship', 'grpc')];
    const fourth = [spanOf('mail', 'smtp')];
    try {
      await store.append([spanOf('warm')], 1n);
      const a = store.append(first, 2n, [{ tenant: 'acme', spans: 1 }]);
      // The first append's turn has come (it waits on DuckDB): the second is encoded now, on top of it.
      await new Promise((r) => setImmediate(r));
      const b = store.append(second, 3n, [
        { tenant: 'acme', spans: 1 },
        { tenant: 'beta', spans: 1 },
      ]);
      await Promise.all([a, b]);
      // Encoded for today's partition when called, and written there, though by its turn the day has changed. The
      // append behind it is encoded at its turn, for the new day's partition.
      const c = store.append(third, 4n, [{ tenant: 'beta', spans: 1 }]);
      const d = store.append(fourth, 5n, [{ tenant: 'beta', spans: 1 }]);
      now = (NOON + DAY) as UnixNanos;
      await Promise.all([c, d]);
      await store.close();
      // Two partitions: today's, with the third append, and the new day's, with the fourth alone.
      const files = (await readdir(dir)).filter((f) => f.endsWith('.duckdb')).sort();
      expect(files).toHaveLength(2);
      const instance = await DuckDBInstance.create(join(dir, files[1]!), { access_mode: 'READ_ONLY' });
      try {
        const conn = await instance.connect();
        expect((await conn.runAndReadAll('SELECT count(*)::INTEGER FROM spans')).getRows()).toEqual([[1]]);
        conn.closeSync();
      } finally {
        instance.closeSync();
      }

      const again = await openDuckDBStore({ dir, now: () => now, checkpointIntervalMs: 0 });
      try {
        const service = async (tenant: Tenant, s: Span) => (await again.forTenant(tenant).getTrace(s.traceId)).map((x) => x.resource.attributes[0]!.value);
        expect(await service('acme' as Tenant, first[0]!)).toEqual([{ type: 'string', value: 'cart' }]);
        expect(await service('acme' as Tenant, second[0]!)).toEqual([{ type: 'string', value: 'cart' }]);
        expect(await service('beta' as Tenant, second[1]!)).toEqual([{ type: 'string', value: 'pay' }]);
        expect(await service('beta' as Tenant, third[0]!)).toEqual([{ type: 'string', value: 'ship' }]);
        expect(await service('beta' as Tenant, fourth[0]!)).toEqual([{ type: 'string', value: 'mail' }]);
        expect((await again.forTenant('beta' as Tenant).getTrace(second[0]!.traceId))).toEqual([]);
        expect(await again.lastWalPosition()).toBe(5n);
      } finally {
        await again.close();
      }
    } finally {
      await store.close();
    }
  });

  it('attaches the partition of now when a batch is asked for before it is, so that the next is encoded', async () => {
    const store = await openDuckDBStore({ dir, now: () => NOON, checkpointIntervalMs: 0 });
    try {
      // Left to the first append, a new store's first batches all waited for it as spans (see openBatch).
      expect(store.openBatch()).toBeUndefined();
      expect(store.openBatch()).toBeUndefined();
      // The attach is queued behind the store's writes, as a checkpoint is: once the checkpoint is done, so is it.
      await store.checkpoint();
      expect((await store.stats()).partitions).toBe(1);
      const batch = store.openBatch()!;
      const span = spanOf('first');
      batch.add([span], DEFAULT_TENANT);
      await batch.append(1n);
      expect(await store.getTrace(span.traceId)).toEqual([span]);
      expect(await store.lastWalPosition()).toBe(1n);
    } finally {
      await store.close();
    }
  });

  it('through the store: a batch encoded as its spans are added (openBatch), given up, or failing to encode', async () => {
    const store = await openDuckDBStore({ dir, now: () => NOON, checkpointIntervalMs: 0 });
    try {
      // Not before the partition of now is attached: the caller appends instead, which attaches it (as does an empty one).
      expect(store.openBatch()).toBeUndefined();
      await store.append([]);
      const spans = [spanOf('cart', 'http'), spanOf('pay', 'db'), spanOf('ship', 'grpc')];
      const batch = store.openBatch()!;
      batch.add(spans.slice(0, 1), 'acme' as Tenant);
      const given = store.openBatch()!;
      const lost = spanOf('lost');
      given.add([lost], 'acme' as Tenant);
      batch.add(spans.slice(1), 'acme' as Tenant);
      // Another tenant's spans in the same batch (a Clew's store writer gathers every tenant's).
      const mine = spanOf('mine');
      batch.add([mine], DEFAULT_TENANT);
      given.abandon();
      await batch.append(7n);
      expect(await store.lastWalPosition()).toBe(7n);
      const acme = store.forTenant('acme' as Tenant);
      for (const s of spans) expect(await acme.getTrace(s.traceId)).toEqual([s]);
      expect(await store.getTrace(spans[0]!.traceId)).toEqual([]);
      expect(await acme.getTrace(lost.traceId)).toEqual([]);
      expect(await store.getTrace(mine.traceId)).toEqual([mine]);
      expect(await acme.getTrace(mine.traceId)).toEqual([]);

      // A span the store cannot encode gives its batch up, and the store goes on.
      const bad = store.openBatch()!;
      bad.add([spanOf('fine')], 'acme' as Tenant);
      expect(() => bad.add([{ ...spanOf('bad'), traceId: 'not hex' as Span['traceId'] }], 'acme' as Tenant)).toThrow(StoreError);
      const after = spanOf('after');
      await store.append([after], 8n);
      expect(await store.getTrace(after.traceId)).toEqual([after]);
      expect(await store.lastWalPosition()).toBe(8n);
    } finally {
      await store.close();
    }
  });
});

describe("the store's checkpoints", () => {
  it('merge no row groups: batches of a row group and a few rows keep their partial row groups as written', async () => {
    // DuckDB's row group is 122,880 rows: each batch is one full row group, written at commit, and 120 rows more.
    const batch = Array.from({ length: 123_000 }, () => spanOf('api'));
    const dir = await mkdtemp(join(tmpdir(), 'clew-checkpoints-'));
    let rows: unknown[][];
    try {
      const store = await openDuckDBStore({ dir, now: () => NOON, checkpointIntervalMs: 0 });
      for (let i = 1n; i <= 3n; i++) await store.append(batch, i);
      await store.checkpoint();
      await store.close();
      const file = (await readdir(dir)).find((f) => f.endsWith('.duckdb'))!;
      const conn = await (await DuckDBInstance.create(join(dir, file), { access_mode: 'READ_ONLY' })).connect();
      const sql = `SELECT row_group_id, sum(count) FROM pragma_storage_info('spans') WHERE column_name = 'span_id' AND segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY 1`;
      rows = (await conn.runAndReadAll(sql)).getRows();
      conn.closeSync();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // With merges, the first two partial row groups and the full one between them were read back and written again,
    // as 122,880 and 240 rows.
    expect(rows.map((r) => Number(r[1]))).toEqual([122_880, 120, 122_880, 120, 122_880, 120]);
  }, 60_000);
});
