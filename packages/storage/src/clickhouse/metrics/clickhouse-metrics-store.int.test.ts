import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpanKind } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import { describeMetricsStoreConformance } from '../../conformance.js';
import { BASE, bins, HOUR, min, row } from '../../conformance/metrics-fixtures.js';
import { encodeBins } from '../../metrics/duckdb/bins-codec.js';
import type { SpanMetricsDimension } from '../../metrics/metrics-store.js';
import type { ClickHouseMetricsStore } from './clickhouse-metrics-store.js';
import { openClickHouseMetricsStore } from './clickhouse-metrics-store.js';

const clickhouse = useClickHouseServer();
const databases = new Set<string>();

/** Each harness dir gets its own database, named after it: the same dir (a reopen) opens the same database. */
const databaseOf = (dir: string): string => {
  const db = `clew_metrics_${basename(dir).replace(/[^A-Za-z0-9]/g, '_')}`;
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

describeMetricsStoreConformance('clickhouse', {
  open: ({ dir }) => openClickHouseMetricsStore({ url: clickhouse().url, database: databaseOf(dir) }),
  maintain: (store) => (store as ClickHouseMetricsStore).maintain(),
});

describe('ClickHouseMetricsStore: appends of three tables, several writers', () => {
  let n = 0;
  const fresh = (): string => databaseOf(`writers-${process.pid}-${++n}`);
  const open = (database: string, source: string): Promise<ClickHouseMetricsStore> => openClickHouseMetricsStore({ url: clickhouse().url, database, source });
  const none = { spans: [], edges: [], errors: [] };
  const total = { from: BASE, to: BASE + HOUR, groupBy: ['service'] as SpanMetricsDimension[] };
  const edge = { minute: min(0), client: 'a', server: 'b', connectionType: '' as const, count: 1, failed: 0, clientLatency: bins([[1, 1]]), serverLatency: bins([[2, 1]]) };

  it('keeps each source its own position, across reopen; both sources are one store to read', async () => {
    const db = fresh();
    const [one, two] = [await open(db, 'collector-1'), await open(db, 'collector-2')];
    await one.append({ ...none, spans: [row({ m: 0 })] }, 10n);
    await two.append({ ...none, spans: [row({ m: 1 })] }, 3n);
    await two.append(none, 4n);
    await Promise.all([one.close(), two.close()]);
    const [again1, again2, newcomer] = [await open(db, 'collector-1'), await open(db, 'collector-2'), await open(db, 'collector-3')];
    expect([await again1.lastPosition(), await again2.lastPosition(), await newcomer.lastPosition()]).toEqual([10n, 4n, 0n]);
    expect((await newcomer.spanMetrics(total)).map((p) => p.count)).toEqual([2]);
    await Promise.all([again1.close(), again2.close(), newcomer.close()]);
  });

  it('removes the rows of an append that never wrote its position (a crash between INSERTs) before the replay, and only its own', async () => {
    const db = fresh();
    const [store, other] = [await open(db, 'collector-1'), await open(db, 'collector-2')];
    await store.append({ ...none, spans: [row({ m: 0 })], edges: [edge] }, 5n);
    await other.append({ ...none, spans: [row({ m: 0, service: 'other' })] }, 7n);
    await store.close();
    // What a crash after the span and edge INSERTs of position 9 leaves behind: its rows, no position.
    const orphan = { source: 'collector-1', wal_pos: '9', tenant: DEFAULT_TENANT, minute: min(1) / 60_000 };
    await run(`INSERT INTO ${db}.span_metrics FORMAT JSONEachRow ${JSON.stringify({ ...orphan, service: 'frontend', operation: 'GET', kind: 2, count: 4, errors: 0, dur: 4, bins: encodeBins(bins([[100, 4]])) })}`);
    await run(`INSERT INTO ${db}.metric_edges FORMAT JSONEachRow ${JSON.stringify({ ...orphan, client: 'a', server: 'b', conn: '', count: 4, failed: 0, client_bins: encodeBins(bins([[1, 4]])), server_bins: encodeBins(bins([[2, 4]])) })}`);
    const reopened = await open(db, 'collector-1');
    expect(await reopened.lastPosition()).toBe(5n);
    // The replay from position 5 counts those spans again, in batches of its own.
    await reopened.append({ ...none, spans: [row({ m: 1, count: 4 })], edges: [{ ...edge, minute: min(1), count: 4 }] }, 8n);
    await reopened.append({ ...none, errors: [{ minute: min(1), service: 'frontend', operation: 'GET', kind: 2 as SpanKind, type: 'E', message: 'm', count: 1 }] }, 9n);
    expect((await reopened.spanMetrics(total)).map((p) => [p.service, p.count])).toEqual([
      ['frontend', 5],
      ['other', 1],
    ]);
    expect((await reopened.edges({ from: BASE, to: BASE + HOUR })).map((e) => e.count)).toEqual([5]);
    expect(await reopened.lastPosition()).toBe(9n);
    await Promise.all([reopened.close(), other.close()]);
    const last = await open(db, 'collector-2');
    expect(await last.lastPosition()).toBe(7n);
    await last.close();
  });

  it('leaves rows above the position alone when the store only reads', async () => {
    const db = fresh();
    const writer = await open(db, 'collector-1');
    await writer.append({ ...none, spans: [row({ m: 0 })] }, 1n);
    const reader = await open(db, 'collector-1');
    // A writer between its INSERTs: rows of position 2 are in, the position is not yet.
    await run(`INSERT INTO ${db}.span_metrics FORMAT JSONEachRow ${JSON.stringify({ source: 'collector-1', wal_pos: '2', tenant: DEFAULT_TENANT, minute: min(1) / 60_000, service: 'frontend', operation: 'GET', kind: 2, count: 1, errors: 0, dur: 1, bins: encodeBins(bins([[100, 1]])) })}`);
    expect((await reader.spanMetrics(total)).map((p) => p.count)).toEqual([2]);
    await reader.close();
    await writer.close();
  });
});
