import type { DuckDBConnection } from '@duckdb/node-api';
import { CellMap, forEachGroupedRow } from './cell-map.js';
import type { MetricsMeta } from './metrics-schema.js';
import type { ReadLock } from './read-lock.js';
import { appendCells } from './span-writer.js';
import type { Period, TierTables } from './tier-tables.js';
import { serviceTable } from './tier-tables.js';

/**
 * Adds up the deltas of minutes before `cut` into one row per series and minute (the day tables) and per service
 * series and minute (`svc_m1`), and removes them from `span_delta` and `svc_delta`, in one transaction. A delta for
 * a minute the coarser tiers already hold (a late span) goes into them too, so every tier stays exact. The commit
 * and noting the new day tables take `lock` alone: a read planned before the commit would miss the new tables
 * while its statement no longer sees the deltas.
 */
export async function compactDeltas(
  conn: DuckDBConnection,
  meta: MetricsMeta,
  tables: TierTables,
  cut: number,
  lock: ReadLock,
): Promise<number> {
  const span = { 1: new CellMap(), 15: new CellMap(), 60: new CellMap() };
  const svc = { 1: new CellMap(), 15: new CellMap(), 60: new CellMap(), 360: new CellMap() };
  // Minutes retention already passed are left out (and deleted below).
  const where = `t < ${cut} AND t >= ${meta.floorT}`;
  const rows = await forEachGroupedRow(conn, 'span_delta', where, 1, (t, id, count, errors, dur, n, bins) => {
    span[1].add(1, t, id, count, errors, dur, n, bins);
    if (t < meta.rolled15) span[15].add(15, t, id, count, errors, dur, n, bins);
    if (t < meta.rolled60) span[60].add(60, t, id, count, errors, dur, n, bins);
  });
  await forEachGroupedRow(conn, 'svc_delta', where, 1, (t, vid, count, errors, dur, n, bins) => {
    svc[1].add(1, t, vid, count, errors, dur, n, bins);
    if (t < meta.rolled15) svc[15].add(15, t, vid, count, errors, dur, n, bins);
    if (t < meta.rolled60) svc[60].add(60, t, vid, count, errors, dur, n, bins);
    if (t < meta.rolled360) svc[360].add(360, t, vid, count, errors, dur, n, bins);
  });
  const created: [Period, number][] = [];
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const period of [1, 15, 60] as const) {
      for (const day of await tables.appendByDay(conn, period, span[period].sorted())) created.push([period, day]);
      await appendCells(conn, serviceTable(period), svc[period].sorted(), true);
    }
    await appendCells(conn, serviceTable(360), svc[360].sorted(), true);
    await conn.run(`DELETE FROM span_delta WHERE t < ${cut}; DELETE FROM svc_delta WHERE t < ${cut}`);
    await lock.exclusive(async () => {
      await conn.run('COMMIT');
      for (const [p, d] of created) tables.addDay(p, d);
    });
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return rows;
}
