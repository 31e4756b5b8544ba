import type { DuckDBConnection } from '@duckdb/node-api';
import { CellMap, forEachGroupedRow } from './cell-map.js';
import type { MetricsMeta } from './metrics-schema.js';
import type { ReadLock } from './read-lock.js';
import { appendCells } from './span-writer.js';
import type { Period, ServicePeriod, TierTables } from './tier-tables.js';
import { PERIODS, SERVICE_PERIODS, serviceTable } from './tier-tables.js';

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
  // Every tier takes the deltas of the minutes it holds: the minute tiers all, the rolled ones those before their end.
  const holds: Record<ServicePeriod, number> = { 1: Infinity, 15: meta.rolled15, 60: meta.rolled60, 360: meta.rolled360 };
  const span = new Map(PERIODS.map((p) => [p, new CellMap()]));
  const svc = new Map(SERVICE_PERIODS.map((p) => [p, new CellMap()]));
  const into =
    (tiers: Map<ServicePeriod, CellMap>) =>
    (t: number, id: number, count: number, errors: number, dur: number, n: number, bins: string): void => {
      for (const [period, cells] of tiers) if (t < holds[period]) cells.add(period, t, id, count, errors, dur, n, bins);
    };
  // Minutes retention already passed are left out (and deleted below).
  const where = `t < ${cut} AND t >= ${meta.floorT}`;
  const rows = await forEachGroupedRow(conn, 'span_delta', where, 1, into(span));
  await forEachGroupedRow(conn, 'svc_delta', where, 1, into(svc));
  const created: [Period, number][] = [];
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const [period, cells] of span) for (const day of await tables.appendByDay(conn, period, cells.sorted())) created.push([period, day]);
    for (const [period, cells] of svc) await appendCells(conn, serviceTable(period), cells.sorted(), true);
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
