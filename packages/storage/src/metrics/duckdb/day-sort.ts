import type { DuckDBConnection } from '@duckdb/node-api';
import { dayTable } from './tier-tables.js';

/**
 * Rewrites a complete day's minute table in (series, minute) order, under the same name in one transaction (a
 * query sees the old table or the new one). Compaction appends a day in time order, so one series' minutes are
 * spread over every row group of the day; sorted, they sit in one or two, and DuckDB's zone maps on `id` skip the
 * rest: the 1-minute series of one operation over days reads a few row groups instead of the whole days.
 */
export async function sortDay(conn: DuckDBConnection, day: number): Promise<void> {
  const table = dayTable(day);
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(
      `CREATE TABLE ${table}_sorted AS SELECT * FROM ${table} ORDER BY id, t;
       DROP TABLE ${table};
       ALTER TABLE ${table}_sorted RENAME TO ${table};
       COMMIT`,
    );
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
