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

/** For each rolled tier: the tier it rolls up from, and the meta field and column of its progress. */
const TIERS = {
  15: { finer: 1, field: 'rolled15', column: 'rolled_15' },
  60: { finer: 15, field: 'rolled60', column: 'rolled_60' },
  360: { finer: 60, field: 'rolled360', column: 'rolled_360' },
} as const;

/**
 * Rolls complete periods into the tier of `period` minutes, from the next finer tier (minutes for quarters,
 * quarters for hours, hours for six hours, which only the service level has), one transaction per step that also
 * moves `meta.rolled<period>`. Deltas must be compacted
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
  const { finer, field, column } = TIERS[period];
  // A tier follows the one it rolls up from, never passes it.
  const target = floorTo(finer === 1 ? complete : Math.min(complete, meta[TIERS[finer].field]), period);
  // Each transaction covers whole periods.
  const most = Math.max(period, floorTo(MAX_ROLL_MINUTES, period));
  // Six hours are kept at the service level only.
  const seriesLevel = period === 360 ? undefined : period;
  let lo = meta[field];
  if (lo === 0) {
    // Never rolled: start at the first minute stored rather than at the epoch.
    const first = (await conn.runAndReadAll(`SELECT min(t) FROM ${serviceTable(finer)}`)).getRows()[0]![0];
    if (first === null) return meta;
    lo = floorTo(Math.max(Number(first), meta.floorT), period);
  }
  let m = meta;
  while (lo < target) {
    const hi = Math.min(target, lo + most);
    const spans = new CellMap();
    const services = new CellMap();
    const range = `t >= ${lo} AND t < ${hi}`;
    for (const day of seriesLevel === undefined ? [] : tables.daysIn(finer, lo, hi)) {
      await forEachGroupedRow(conn, dayTable(finer, day), range, period, (t, id, c, e, d, n, b) => spans.add(period, t, id, c, e, d, n, b));
    }
    await forEachGroupedRow(conn, serviceTable(finer), range, period, (t, id, c, e, d, n, b) => services.add(period, t, id, c, e, d, n, b));
    await conn.run('BEGIN TRANSACTION');
    try {
      const created = seriesLevel === undefined ? [] : await tables.appendByDay(conn, seriesLevel, spans.sorted());
      await appendCells(conn, serviceTable(period), services.sorted(), true);
      await conn.run(`UPDATE meta SET ${column} = ${hi}`);
      // Reads plan from `meta`, which moves after this returns, so they would not use the new rows yet; the commit
      // still takes the lock alone, as every commit that creates a table does, so no read runs across it.
      await lock.exclusive(async () => {
        await conn.run('COMMIT');
        if (seriesLevel !== undefined) for (const day of created) tables.addDay(seriesLevel, day);
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
