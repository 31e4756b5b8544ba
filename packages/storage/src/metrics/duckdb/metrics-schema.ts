import type { DuckDBConnection } from '@duckdb/node-api';

/** Columns of every span-metrics tier table; `id` is a series id (sid) or a service series id (vid). */
export const SPAN_COLUMNS = 't INTEGER NOT NULL, id INTEGER NOT NULL, count DOUBLE NOT NULL, errors DOUBLE NOT NULL, dur DOUBLE NOT NULL, bins VARCHAR NOT NULL';

/**
 * Times are whole minutes since the epoch (INTEGER): half the width of epoch milliseconds, and a tier's period is
 * a plain multiple. One row in `meta` holds the log position and the tiers' progress.
 */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS meta (wal UBIGINT NOT NULL, floor_t INTEGER NOT NULL, rolled_15 INTEGER NOT NULL, rolled_60 INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS services (vid INTEGER NOT NULL, service VARCHAR NOT NULL, kind UTINYINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS series (sid INTEGER NOT NULL, service VARCHAR NOT NULL, operation VARCHAR NOT NULL, kind UTINYINT NOT NULL, vid INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS span_delta (${SPAN_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS svc_delta (${SPAN_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS edge_min (t INTEGER NOT NULL, client VARCHAR NOT NULL, server VARCHAR NOT NULL, conn VARCHAR NOT NULL,
     count DOUBLE NOT NULL, failed DOUBLE NOT NULL, client_bins VARCHAR NOT NULL, server_bins VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS error_min (t INTEGER NOT NULL, service VARCHAR NOT NULL, operation VARCHAR NOT NULL, kind UTINYINT NOT NULL,
     type VARCHAR NOT NULL, message VARCHAR NOT NULL, count DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS documents (collection VARCHAR NOT NULL, id VARCHAR NOT NULL, body VARCHAR NOT NULL, updated_at BIGINT NOT NULL,
     PRIMARY KEY (collection, id))`,
];

export interface MetricsMeta {
  wal: bigint;
  /** Minutes before this were dropped by retention. */
  floorT: number;
  /** The 15-minute tiers hold every minute before this (a multiple of 15), and no later one. */
  rolled15: number;
  /** The hour tiers hold every minute before this (a multiple of 60), and no later one. */
  rolled60: number;
  /** Day tables before this day are sorted by series. */
  sortedDay: number;
}

export async function createSchema(conn: DuckDBConnection): Promise<MetricsMeta> {
  await conn.run(TABLES.join(';\n'));
  const old = await conn.runAndReadAll(`SELECT 1 FROM duckdb_columns() WHERE table_name = 'span_delta' AND column_name = 'bins' AND data_type = 'BLOB'`);
  if (old.currentRowCount > 0) {
    throw new Error('this metrics file was written by an earlier development build (latency bins as BLOB); delete it and restart');
  }
  await conn.run('ALTER TABLE meta ADD COLUMN IF NOT EXISTS sorted_day INTEGER DEFAULT 0');
  const rows = (await conn.runAndReadAll('SELECT wal, floor_t, rolled_15, rolled_60, sorted_day FROM meta')).getRows();
  if (rows.length === 0) {
    await conn.run('INSERT INTO meta VALUES (0::UBIGINT, 0, 0, 0, 0)');
    return { wal: 0n, floorT: 0, rolled15: 0, rolled60: 0, sortedDay: 0 };
  }
  const [wal, floorT, rolled15, rolled60, sortedDay] = rows[0]!;
  return { wal: wal as bigint, floorT: Number(floorT), rolled15: Number(rolled15), rolled60: Number(rolled60), sortedDay: Number(sortedDay) };
}
