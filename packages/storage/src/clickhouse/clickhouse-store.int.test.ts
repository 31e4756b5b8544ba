import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceId, UnixNanos } from '@clew/model';
import { str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { startClickHouseServer, useClickHouseServer, zstdCompression } from '@clew/testing/clickhouse-server';
import { describeStoreConformance } from '../conformance.js';
import { NOON } from '../conformance/harness.js';
import { at, byStartThenId } from '../conformance/fixtures.js';
import { fullSpan } from '../conformance/full-span.js';
import { openClickHouseStore } from './clickhouse-store.js';

const clickhouse = useClickHouseServer();
const databases = new Set<string>();

/** Each harness dir gets its own database, named after it: the same dir (a reopen) opens the same database. */
const databaseOf = (dir: string): string => {
  const db = `clew_test_${basename(dir).replace(/[^A-Za-z0-9]/g, '_')}`;
  databases.add(db);
  return db;
};

const run = async (sql: string): Promise<string> => {
  const res = await fetch(`${clickhouse().url}/`, { method: 'POST', body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text.trim();
};

afterAll(async () => {
  for (const db of databases) await run(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
});

describeStoreConformance('clickhouse', ({ dir, now }) => openClickHouseStore({ url: clickhouse().url, database: databaseOf(dir), now }));

describe('ClickHouseStore: several writers', () => {
  let n = 0;
  const fresh = () => databaseOf(`sources-${process.pid}-${++n}`);
  const open = (database: string, source: string) =>
    openClickHouseStore({ url: clickhouse().url, database, source, now: () => NOON as UnixNanos });
  const trace = (ms: number) => makeTrace(at(ms), { service: 'svc', name: 'op', at: 0, ms: 2, children: [{ service: 'db', name: 'q', at: 1, ms: 1 }] });

  it('keeps each source its own walPosition, across reopen, with and without spans', async () => {
    const db = fresh();
    const [one, two] = [await open(db, 'collector-1'), await open(db, 'collector-2')];
    await one.append(trace(0), 10n);
    await two.append(trace(1), 3n);
    await two.append([], 4n);
    await one.append(trace(2));
    expect([await one.lastWalPosition(), await two.lastWalPosition()]).toEqual([10n, 4n]);
    await Promise.all([one.close(), two.close()]);
    const [again1, again2, newcomer] = [await open(db, 'collector-1'), await open(db, 'collector-2'), await open(db, 'collector-3')];
    expect([await again1.lastWalPosition(), await again2.lastWalPosition(), await newcomer.lastWalPosition()]).toEqual([10n, 4n, 0n]);
    // Both writers' spans are one store to read.
    expect((await newcomer.findTraces({ limit: 10 })).total).toBe(3);
    // The server the tests run (Debian's 18.16) has no per-column codecs: the store says so and uses none.
    expect(newcomer.serverFeatures).toEqual({ version: clickhouse().version, codecs: clickhouse().version.startsWith('18.') ? 'unavailable' : 'applied' });
    await Promise.all([again1.close(), again2.close(), newcomer.close()]);
  });

  it("says each tenant's earliest span start (where range archives attached beside it stop answering)", async () => {
    const db = fresh();
    const store = await open(db, 'collector-1');
    expect(await store.earliestStarts()).toEqual(new Map());
    const later = trace(50);
    const earlier = trace(20);
    await store.append(later, 1n);
    await store.append(earlier, 2n, [{ tenant: 'acme', spans: earlier.length }]);
    await store.append(trace(70), 3n, [{ tenant: 'acme', spans: 2 }]);
    expect(await store.earliestStarts()).toEqual(
      new Map([
        ['default', later[0]!.startTimeUnixNano],
        ['acme', earlier[0]!.startTimeUnixNano],
      ]),
    );
    await store.close();
  });

  it('finds a trace whose index rows were written without its spans (a crash between the two INSERTs) as empty, and the replay whole', async () => {
    const db = fresh();
    const store = await open(db, 'collector-1');
    const spans = trace(0);
    // The index row of an append whose spans never landed.
    await run(`INSERT INTO ${db}.trace_index SELECT 'default', unhex('${spans[0]!.traceId}'), ${Number(NOON / 86_400_000_000_000n)}, 0, 0, [], []`);
    expect(await store.getTrace(spans[0]!.traceId)).toEqual([]);
    expect(await store.lastWalPosition()).toBe(0n);
    await store.append(spans, 1n);
    expect(await store.getTrace(spans[0]!.traceId)).toHaveLength(2);
    await store.close();
  });

  it('migrates a version-1 database to version 2, keeping each source its walPosition', async () => {
    const db = fresh();
    await run(`CREATE DATABASE ${db}`);
    await run(`CREATE TABLE ${db}.schema_version (version UInt32) ENGINE = MergeTree ORDER BY version`);
    await run(`INSERT INTO ${db}.schema_version VALUES (1)`);
    await run(`CREATE TABLE ${db}.spans (tenant String, source String, wal_pos UInt64, day UInt32) ENGINE = MergeTree ORDER BY tenant`);
    await run(`CREATE TABLE ${db}.trace_index (tenant String, trace_id String) ENGINE = MergeTree ORDER BY tenant`);
    await run(`CREATE TABLE ${db}.wal_positions (source String, wal_pos UInt64) ENGINE = MergeTree ORDER BY source`);
    await run(`INSERT INTO ${db}.spans VALUES ('default', 'collector-1', 7, 1), ('default', 'collector-1', 5, 1)`);
    const store = await open(db, 'collector-1');
    expect(await store.lastWalPosition()).toBe(7n);
    await store.append(trace(0), 8n);
    expect((await store.findTraces({ limit: 10 })).total).toBe(1);
    expect(await run(`SELECT arraySort(groupArray(version)) FROM ${db}.schema_version`)).toBe('[1,2]');
    await store.close();
  });

  it('records its schema version once, and reopens without migrating again', async () => {
    const db = fresh();
    await (await open(db, 'a')).close();
    await (await open(db, 'a')).close();
    expect(await run(`SELECT arraySort(groupArray(version)) FROM ${db}.schema_version`)).toBe('[1,2]');
  });
});

/** The blocks of a column file: each is a 16-byte checksum, the method, its size with this 9-byte header, its size decompressed. */
function compressedBlocks(file: Buffer): Array<{ method: number; decompressed: number }> {
  const blocks: Array<{ method: number; decompressed: number }> = [];
  for (let at = 0; at < file.length; at += 16 + file.readUInt32LE(at + 17)) {
    blocks.push({ method: file[at + 16]!, decompressed: file.readUInt32LE(at + 21) });
  }
  return blocks;
}

describe('ClickHouseStore on a server tuned as docs/scale-out.md ("Compression") says', () => {
  it('takes the documented settings, writes zstd blocks of 16 KiB and up, and reads every field back', async () => {
    const server = await startClickHouseServer(30_000, zstdCompression());
    try {
      const store = await openClickHouseStore({ url: server.url, database: 'zstd', now: () => NOON as UnixNanos });
      const traceId = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f2' as TraceId;
      const spans = [fullSpan(traceId), ...makeTrace(at(0), { service: 'svc', name: 'op', at: 0, ms: 2, children: [{ service: 'db', name: 'q', at: 1, ms: 1 }] })];
      // ~150 KB of attribute values (40 bytes a span), 21 KB to a granule of 512 rows: blocks of 64 KiB (the
      // default) would hold three granules each, blocks of 16 KiB and up hold one.
      const many = Array.from({ length: 3600 }, (_, i) => {
        const s = makeTrace(at(10 + i), { service: 'bulk', name: 'op', at: 0, ms: 1 })[0]!;
        return { ...s, attributes: [...s.attributes, { key: 'bulk.value', value: str(`${String(i).padStart(8, '0')}-${'v'.repeat(31)}`) }] };
      });
      await store.append([...spans, ...many], 1n);
      const sql = async (query: string): Promise<string> => (await (await fetch(`${server.url}/`, { method: 'POST', body: query })).text()).trim();
      await sql('OPTIMIZE TABLE zstd.spans FINAL');
      expect((await store.getTrace(traceId)).sort(byStartThenId)).toEqual([spans[0]]);
      expect((await store.findTraces({ limit: 10 })).total).toBe(2 + many.length);
      const part = (await sql(`SELECT path FROM system.parts WHERE database = 'zstd' AND table = 'spans' AND active`)).split('\n');
      expect(part).toHaveLength(1);
      const blocks = compressedBlocks(await readFile(join(part[0]!, 'attr_values.bin')));
      // 0x90 is zstd (LZ4 is 0x82); every block but the last is closed at a granule's end once it holds 16 KiB.
      expect(blocks.every((b) => b.method === 0x90)).toBe(true);
      expect(blocks.length).toBeGreaterThanOrEqual(6);
      for (const b of blocks.slice(0, -1)) {
        expect(b.decompressed).toBeGreaterThanOrEqual(16_384);
        expect(b.decompressed).toBeLessThan(32_768);
      }
      await store.close();
    } finally {
      await server.stop();
    }
  });
});
