import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReadLock } from './read-lock.js';
import type { TierTables } from './tier-tables.js';
import { dayTable, PERIODS } from './tier-tables.js';

/**
 * Rewrites a complete day's series-level tables (minutes, quarters, hours) in (series, time) order, under the same
 * names in one transaction. Only its commit takes `lock` alone (reads wait for the commit, not for the sort; until
 * then other connections see the old tables). Compaction appends a day in time order, so one series' minutes are
 * spread over every row group of the day; sorted, they sit in one or two, and DuckDB's zone maps on `id` skip the
 * rest: the 1-minute series of one operation over days reads a few row groups instead of the whole days.
 */
export async function sortDay(conn: DuckDBConnection, tables: TierTables, day: number, lock: ReadLock): Promise<void> {
  const names = PERIODS.filter((p) => tables.daysOf(p).includes(day)).map((p) => dayTable(p, day));
  if (names.length === 0) return;
  await conn.run('BEGIN TRANSACTION');
  try {
    const statements = names.flatMap((table) => [
      `CREATE TABLE ${table}_sorted AS SELECT * FROM ${table} ORDER BY id, t`,
      `DROP TABLE ${table}`,
      `ALTER TABLE ${table}_sorted RENAME TO ${table}`,
    ]);
    await conn.run(statements.join(';\n'));
    await lock.exclusive(() => conn.run('COMMIT'));
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
