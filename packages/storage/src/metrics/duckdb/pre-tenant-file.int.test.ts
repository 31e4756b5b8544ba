import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT } from '@clew/model';
import { BASE, bins, HOUR, min } from '../../conformance/metrics-fixtures.js';
import { encodeBins } from './bins-codec.js';
import { openDuckDBMetricsStore } from './duckdb-metrics-store.js';

const T = BASE / 60_000;
const none = { spans: [], edges: [], errors: [] };

/** The schema as files were written before tenants existed (no `tenant` column; documents keyed by collection). */
const PRE_TENANT = [
  `CREATE TABLE meta (wal UBIGINT NOT NULL, floor_t INTEGER NOT NULL, rolled_15 INTEGER NOT NULL, rolled_60 INTEGER NOT NULL, sorted_day INTEGER DEFAULT 0)`,
  `CREATE TABLE services (vid INTEGER NOT NULL, service VARCHAR NOT NULL, kind UTINYINT NOT NULL)`,
  `CREATE TABLE series (sid INTEGER NOT NULL, service VARCHAR NOT NULL, operation VARCHAR NOT NULL, kind UTINYINT NOT NULL, vid INTEGER NOT NULL)`,
  `CREATE TABLE span_delta (t INTEGER NOT NULL, id INTEGER NOT NULL, count DOUBLE NOT NULL, errors DOUBLE NOT NULL, dur DOUBLE NOT NULL, bins VARCHAR NOT NULL)`,
  `CREATE TABLE svc_delta (t INTEGER NOT NULL, id INTEGER NOT NULL, count DOUBLE NOT NULL, errors DOUBLE NOT NULL, dur DOUBLE NOT NULL, bins VARCHAR NOT NULL)`,
  `CREATE TABLE edge_min (t INTEGER NOT NULL, client VARCHAR NOT NULL, server VARCHAR NOT NULL, conn VARCHAR NOT NULL,
     count DOUBLE NOT NULL, failed DOUBLE NOT NULL, client_bins VARCHAR NOT NULL, server_bins VARCHAR NOT NULL)`,
  `CREATE TABLE error_min (t INTEGER NOT NULL, service VARCHAR NOT NULL, operation VARCHAR NOT NULL, kind UTINYINT NOT NULL,
     type VARCHAR NOT NULL, message VARCHAR NOT NULL, count DOUBLE NOT NULL)`,
  `CREATE TABLE documents (collection VARCHAR NOT NULL, id VARCHAR NOT NULL, body VARCHAR NOT NULL, updated_at BIGINT NOT NULL,
     PRIMARY KEY (collection, id))`,
  `INSERT INTO meta VALUES (7, 0, 0, 0, 0)`,
  `INSERT INTO services VALUES (0, 'frontend', 2)`,
  `INSERT INTO series VALUES (0, 'frontend', 'GET', 2, 0)`,
  `INSERT INTO span_delta VALUES (${T}, 0, 3, 1, 3000, '${encodeBins(bins([[10, 3]]))}')`,
  `INSERT INTO svc_delta VALUES (${T}, 0, 3, 1, 3000, '${encodeBins(bins([[10, 3]]))}')`,
  `INSERT INTO edge_min VALUES (${T}, 'frontend', 'cart', '', 2, 0, '${encodeBins(bins([[5, 2]]))}', '${encodeBins(bins([[4, 2]]))}')`,
  `INSERT INTO error_min VALUES (${T}, 'frontend', 'GET', 2, 'E', 'm', 1)`,
  `INSERT INTO documents VALUES ('slos', 'a', 'old', 1)`,
];

describe('DuckDB metrics file written before tenants', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-metrics-pre-tenant-'));
    const instance = await DuckDBInstance.create(join(dir, 'm.duckdb'));
    const conn = await instance.connect();
    await conn.run(PRE_TENANT.join(';\n'));
    conn.closeSync();
    instance.closeSync();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads its rows and documents as DEFAULT_TENANT's, and takes another tenant's rows beside them", async () => {
    let store = await openDuckDBMetricsStore({ path: join(dir, 'm.duckdb'), memoryLimit: '256MB', threads: 2, maintenanceIntervalMs: 0 });
    expect(await store.lastPosition()).toBe(7n);
    const window = { from: BASE, to: BASE + HOUR };
    const services = async (tenant = DEFAULT_TENANT): Promise<unknown[]> =>
      (await store.forTenant(tenant).spanMetrics({ ...window, groupBy: ['service', 'operation'] })).map((p) => [p.service, p.operation, p.count, p.errors]);
    expect(await services()).toEqual([['frontend', 'GET', 3, 1]]);
    expect((await store.spanMetrics({ ...window, groupBy: ['service'] })).map((p) => p.count)).toEqual([3]);
    expect((await store.edges(window)).map((e) => [e.client, e.server, e.count])).toEqual([['frontend', 'cart', 2]]);
    expect((await store.topErrors({ ...window, service: 'frontend', limit: 5 })).map((e) => e.count)).toEqual([1]);
    expect(await store.listDocuments('slos')).toEqual([{ id: 'a', body: 'old', updatedAt: 1 }]);
    expect(await services('acme')).toEqual([]);
    expect(await store.forTenant('acme').listDocuments('slos')).toEqual([]);

    const acmeRow = { tenant: 'acme', minute: min(1), service: 'frontend', operation: 'GET', kind: 2, status: 0, count: 5, durationSumNanos: 5, latency: bins([[9, 5]]) } as const;
    await store.append({ ...none, spans: [acmeRow, { ...acmeRow, tenant: DEFAULT_TENANT, count: 1, latency: bins([[9, 1]]) }] }, 8n);
    await store.forTenant('acme').putDocument('slos', { id: 'a', body: 'acme', updatedAt: 2 });
    await store.append({ ...none, spans: [{ ...acmeRow, minute: min(24 * 60) }] }, 9n);
    await store.maintain();
    await store.close();
    store = await openDuckDBMetricsStore({ path: join(dir, 'm.duckdb'), memoryLimit: '256MB', threads: 2, maintenanceIntervalMs: 0 });
    try {
      expect(await services()).toEqual([['frontend', 'GET', 4, 1]]);
      expect(await services('acme')).toEqual([['frontend', 'GET', 5, 0]]);
      expect(await store.listDocuments('slos')).toEqual([{ id: 'a', body: 'old', updatedAt: 1 }]);
      expect(await store.forTenant('acme').listDocuments('slos')).toEqual([{ id: 'a', body: 'acme', updatedAt: 2 }]);
    } finally {
      await store.close();
    }
  });
});
