import type { DuckDBConnection } from '@duckdb/node-api';
import { CellMap, forEachGroupedRow } from './cell-map.js';
import type { MetricsMeta } from './metrics-schema.js';
import type { ReadLock } from './read-lock.js';
import { appendCells } from './span-writer.js';
import type { RolledPeriod, TierTables } from './tier-tables.js';
import { dayTable, serviceTable } from './tier-tables.js';

const floorTo = (t: number, p: number): number => Math.floor(t / p) * p;

/** Most minutes one rollup transaction covers, so that its cells stay a bounded number. */
const MAX_ROLL_MINUTES = 240;

/**
 * Rolls complete periods into the tier of `period` minutes, from the next finer tier (minutes for quarters,
 * quarters for hours), one transaction per step that also moves `meta.rolled<period>`. Deltas must be compacted
 * first: a delta still in `span_delta` is not in the finer tier yet, and compaction adds a delta for a rolled minute
 * to the coarser tiers itself. Returns the new meta (the caller keeps it once this resolves).
 */
export async function rollUp(
  conn: DuckDBConnection,
  meta: MetricsMeta,
  tables: TierTables,
  period: RolledPeriod,
  complete: number,
  lock: ReadLock,
): Promise<MetricsMeta> {
  const field = period === 15 ? 'rolled15' : 'rolled60';
  const column = period === 15 ? 'rolled_15' : 'rolled_60';
  const finer = period === 15 ? 1 : 15;
  // The hour tier follows the quarter tier, never passes it.
  const target = floorTo(period === 60 ? Math.min(complete, meta.rolled15) : complete, period);
  let lo = meta[field];
  if (lo === 0) {
    // Never rolled: start at the first minute stored rather than at the epoch.
    const first = (await conn.runAndReadAll(`SELECT min(t) FROM ${serviceTable(finer)}`)).getRows()[0]![0];
    if (first === null) return meta;
    lo = floorTo(Math.max(Number(first), meta.floorT), period);
  }
  let m = meta;
  while (lo < target) {
    const hi = Math.min(target, lo + MAX_ROLL_MINUTES);
    const spans = new CellMap();
    const services = new CellMap();
    const range = `t >= ${lo} AND t < ${hi}`;
    for (const day of tables.daysIn(finer, lo, hi)) {
      await forEachGroupedRow(conn, dayTable(finer, day), range, period, (t, id, c, e, d, n, b) => spans.add(period, t, id, c, e, d, n, b));
    }
    await forEachGroupedRow(conn, serviceTable(finer), range, period, (t, id, c, e, d, n, b) => services.add(period, t, id, c, e, d, n, b));
    await conn.run('BEGIN TRANSACTION');
    try {
      const created = await tables.appendByDay(conn, period, spans.sorted());
      await appendCells(conn, serviceTable(period), services.sorted(), true);
      await conn.run(`UPDATE meta SET ${column} = ${hi}`);
      // Reads plan from `meta`, which moves after this returns, so they would not use the new rows yet; the commit
      // still takes the lock alone, as every commit that creates a table does, so no read runs across it.
      await lock.exclusive(async () => {
        await conn.run('COMMIT');
        for (const day of created) tables.addDay(period, day);
      });
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
    m = { ...m, [field]: hi };
    lo = hi;
  }
  return m;
}
