import type { DuckDBConnection } from '@duckdb/node-api';
import type { TierTables } from './tier-tables.js';
import { dayTable, PERIODS } from './tier-tables.js';

/**
 * Rewrites a complete day's series-level tables (minutes, quarters, hours) in (series, time) order, under the same
 * names in one transaction (a query sees the old tables or the new ones). Compaction appends a day in time order, so one series' minutes are
 * spread over every row group of the day; sorted, they sit in one or two, and DuckDB's zone maps on `id` skip the
 * rest: the 1-minute series of one operation over days reads a few row groups instead of the whole days.
 */
export async function sortDay(conn: DuckDBConnection, tables: TierTables, day: number): Promise<void> {
  const names = PERIODS.filter((p) => tables.daysOf(p).includes(day)).map((p) => dayTable(p, day));
  if (names.length === 0) return;
  await conn.run('BEGIN TRANSACTION');
  try {
    const statements = names.flatMap((table) => [
      `CREATE TABLE ${table}_sorted AS SELECT * FROM ${table} ORDER BY id, t`,
      `DROP TABLE ${table}`,
      `ALTER TABLE ${table}_sorted RENAME TO ${table}`,
    ]);
    await conn.run(`${statements.join(';\n')};\nCOMMIT`);
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
