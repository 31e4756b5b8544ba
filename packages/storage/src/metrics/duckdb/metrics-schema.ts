import type { DuckDBConnection } from '@duckdb/node-api';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';

const DOCUMENT_COLUMNS = `tenant VARCHAR NOT NULL, collection VARCHAR NOT NULL, id VARCHAR NOT NULL, body VARCHAR NOT NULL,
  updated_at BIGINT NOT NULL, PRIMARY KEY (tenant, collection, id)`;

/**
 * Columns of every span-metrics tier table; `id` is a series id (sid) or a service series id (vid). `q` holds the
 * keys of the row's SUMMARY_QUANTILES (bins-codec.ts) on rows that compaction and rollups write, NULL on deltas
 * (the append path does not pay for it) and on rows written before it existed.
 */
export const SPAN_COLUMNS = 't INTEGER NOT NULL, id INTEGER NOT NULL, count DOUBLE NOT NULL, errors DOUBLE NOT NULL, dur DOUBLE NOT NULL, bins VARCHAR NOT NULL, q VARCHAR';

/**
 * Times are whole minutes since the epoch (INTEGER): half the width of epoch milliseconds, and a tier's period is
 * a plain multiple. One row in `meta` holds the log position and the tiers' progress.
 *
 * Tenants: span-metrics rows carry none of their own (their series id names it, see series-dictionary.ts); the
 * series, edges and errors carry a `tenant` column, last so that files written before tenants existed only gain
 * it (filled with DEFAULT_TENANT); documents are keyed by (tenant, collection, id).
 */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS meta (wal UBIGINT NOT NULL, floor_t INTEGER NOT NULL, rolled_15 INTEGER NOT NULL, rolled_60 INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS services (vid INTEGER NOT NULL, service VARCHAR NOT NULL, kind UTINYINT NOT NULL, tenant VARCHAR DEFAULT '${DEFAULT_TENANT}')`,
  `CREATE TABLE IF NOT EXISTS series (sid INTEGER NOT NULL, service VARCHAR NOT NULL, operation VARCHAR NOT NULL, kind UTINYINT NOT NULL, vid INTEGER NOT NULL,
     tenant VARCHAR DEFAULT '${DEFAULT_TENANT}')`,
  `CREATE TABLE IF NOT EXISTS span_delta (${SPAN_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS svc_delta (${SPAN_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS edge_min (t INTEGER NOT NULL, client VARCHAR NOT NULL, server VARCHAR NOT NULL, conn VARCHAR NOT NULL,
     count DOUBLE NOT NULL, failed DOUBLE NOT NULL, client_bins VARCHAR NOT NULL, server_bins VARCHAR NOT NULL, tenant VARCHAR DEFAULT '${DEFAULT_TENANT}')`,
  `CREATE TABLE IF NOT EXISTS error_min (t INTEGER NOT NULL, service VARCHAR NOT NULL, operation VARCHAR NOT NULL, kind UTINYINT NOT NULL,
     type VARCHAR NOT NULL, message VARCHAR NOT NULL, count DOUBLE NOT NULL, tenant VARCHAR DEFAULT '${DEFAULT_TENANT}')`,
  `CREATE TABLE IF NOT EXISTS documents (${DOCUMENT_COLUMNS})`,
  /** A tenant's own retention: its minutes before `floor_t` were dropped (meta's floor_t holds for all). */
  `CREATE TABLE IF NOT EXISTS tenant_floor (tenant VARCHAR PRIMARY KEY, floor_t INTEGER NOT NULL)`,
];

/** Tables that gained `tenant` after files were first written: older files get it added, as DEFAULT_TENANT. */
const TENANT_COLUMN_ADDED = ['services', 'series', 'edge_min', 'error_min'];

export interface MetricsMeta {
  wal: bigint;
  /** Minutes before this were dropped by retention. */
  floorT: number;
  /** The 15-minute tiers hold every minute before this (a multiple of 15), and no later one. */
  rolled15: number;
  /** The hour tiers hold every minute before this (a multiple of 60), and no later one. */
  rolled60: number;
  /** The six-hour tier (service level only) holds every minute before this (a multiple of 360), and no later one. */
  rolled360: number;
  /** Day tables before this day are sorted by series. */
  sortedDay: number;
  /** Tenants with their own, later floor (per-tenant retention). */
  tenantFloors: ReadonlyMap<Tenant, number>;
}

export async function createSchema(conn: DuckDBConnection): Promise<MetricsMeta> {
  await conn.run(TABLES.join(';\n'));
  const old = await conn.runAndReadAll(`SELECT 1 FROM duckdb_columns() WHERE table_name = 'span_delta' AND column_name = 'bins' AND data_type = 'BLOB'`);
  if (old.currentRowCount > 0) {
    throw new Error('this metrics file was written by an earlier development build (latency bins as BLOB); delete it and restart');
  }
  await conn.run('ALTER TABLE meta ADD COLUMN IF NOT EXISTS sorted_day INTEGER DEFAULT 0');
  // Files written before the six-hour tier: it starts empty and rolls up from the hours they hold.
  await conn.run('ALTER TABLE meta ADD COLUMN IF NOT EXISTS rolled_360 INTEGER DEFAULT 0');
  await addTenants(conn);
  await addQuantileColumn(conn);
  const tenantFloors = new Map<Tenant, number>();
  for (const [tenant, floorT] of (await conn.runAndReadAll('SELECT tenant, floor_t FROM tenant_floor')).getRows()) tenantFloors.set(tenant as string, Number(floorT));
  const rows = (await conn.runAndReadAll('SELECT wal, floor_t, rolled_15, rolled_60, rolled_360, sorted_day FROM meta')).getRows();
  if (rows.length === 0) {
    await conn.run('INSERT INTO meta (wal, floor_t, rolled_15, rolled_60, rolled_360, sorted_day) VALUES (0::UBIGINT, 0, 0, 0, 0, 0)');
    return { wal: 0n, floorT: 0, rolled15: 0, rolled60: 0, rolled360: 0, sortedDay: 0, tenantFloors };
  }
  const [wal, floorT, rolled15, rolled60, rolled360, sortedDay] = rows[0]!;
  return {
    wal: wal as bigint,
    floorT: Number(floorT),
    rolled15: Number(rolled15),
    rolled60: Number(rolled60),
    rolled360: Number(rolled360),
    sortedDay: Number(sortedDay),
    tenantFloors,
  };
}

/** Span-metrics tables written before rows kept their quantiles gain `q` (NULL: their reads decode the bins). */
async function addQuantileColumn(conn: DuckDBConnection): Promise<void> {
  const missing = (
    await conn.runAndReadAll(
      `SELECT t.table_name FROM duckdb_tables() t WHERE t.database_name = current_database()
         AND (t.table_name IN ('span_delta', 'svc_delta') OR t.table_name LIKE 'span\\_m%' ESCAPE '\\' OR t.table_name LIKE 'svc\\_m%' ESCAPE '\\')
         AND NOT EXISTS (SELECT 1 FROM duckdb_columns() c WHERE c.database_name = t.database_name AND c.table_name = t.table_name AND c.column_name = 'q')`,
    )
  ).getRows().map(([name]) => name as string);
  if (missing.length > 0) await conn.run(missing.map((table) => `ALTER TABLE ${table} ADD COLUMN q VARCHAR`).join(';\n'));
}

/**
 * Brings a file written before tenants existed up to date, in one transaction: its rows become DEFAULT_TENANT's.
 * DuckDB cannot change a primary key in place, so `documents` is copied into a table keyed by tenant.
 */
async function addTenants(conn: DuckDBConnection): Promise<void> {
  const missing = (
    await conn.runAndReadAll(
      `SELECT t.table_name FROM duckdb_tables() t WHERE t.database_name = current_database()
         AND t.table_name IN (${[...TENANT_COLUMN_ADDED, 'documents'].map((n) => `'${n}'`).join(', ')})
         AND NOT EXISTS (SELECT 1 FROM duckdb_columns() c WHERE c.database_name = t.database_name AND c.table_name = t.table_name AND c.column_name = 'tenant')`,
    )
  ).getRows().map(([name]) => name as string);
  if (missing.length === 0) return;
  const statements = missing.flatMap((table) =>
    table === 'documents'
      ? [
          `CREATE TABLE documents_tenant (${DOCUMENT_COLUMNS})`,
          `INSERT INTO documents_tenant SELECT '${DEFAULT_TENANT}', collection, id, body, updated_at FROM documents`,
          'DROP TABLE documents',
          'ALTER TABLE documents_tenant RENAME TO documents',
        ]
      : [`ALTER TABLE ${table} ADD COLUMN tenant VARCHAR DEFAULT '${DEFAULT_TENANT}'`],
  );
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(statements.join(';\n'));
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
