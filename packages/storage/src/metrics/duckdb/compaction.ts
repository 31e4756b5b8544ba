import type { DuckDBConnection } from '@duckdb/node-api';
import { CellMap, forEachGroupedRow } from './cell-map.js';
import type { MetricsMeta } from './metrics-schema.js';
import { appendCells } from './span-writer.js';
import type { TierTables } from './tier-tables.js';
import { dayTable, MINUTES_PER_DAY, tierTable } from './tier-tables.js';

/**
 * Adds up the deltas of minutes before `cut` into one row per series and minute (the day tables) and per service
 * series and minute (`svc_m1`), and removes them from `span_delta` and `svc_delta`, in one transaction. A delta for a minute the
 * coarser tiers already hold (a late span) goes into them too, so every tier stays exact. Returns the days whose
 * table it created, for the caller to note once committed.
 */
export async function compactDeltas(
  conn: DuckDBConnection,
  meta: MetricsMeta,
  tables: TierTables,
  cut: number,
): Promise<{ rows: number; newDays: number[] }> {
  const minutes = new CellMap();
  const services = new CellMap();
  const late = { span15: new CellMap(), svc15: new CellMap(), span60: new CellMap(), svc60: new CellMap() };
  // Minutes retention already passed are left out (and deleted below).
  const where = `t < ${cut} AND t >= ${meta.floorT}`;
  const rows = await forEachGroupedRow(conn, 'span_delta', where, 1, (t, id, count, errors, dur, n, bins) => {
    minutes.add(1, t, id, count, errors, dur, n, bins);
    if (t < meta.rolled15) late.span15.add(15, t, id, count, errors, dur, n, bins);
    if (t < meta.rolled60) late.span60.add(60, t, id, count, errors, dur, n, bins);
  });
  await forEachGroupedRow(conn, 'svc_delta', where, 1, (t, vid, count, errors, dur, n, bins) => {
    services.add(1, t, vid, count, errors, dur, n, bins);
    if (t < meta.rolled15) late.svc15.add(15, t, vid, count, errors, dur, n, bins);
    if (t < meta.rolled60) late.svc60.add(60, t, vid, count, errors, dur, n, bins);
  });
  if (rows === 0) {
    await conn.run(`DELETE FROM span_delta WHERE t < ${cut}; DELETE FROM svc_delta WHERE t < ${cut}`);
    return { rows, newDays: [] };
  }
  const newDays: number[] = [];
  const byDay = new Map<number, typeof cells>();
  const cells = minutes.sorted();
  for (const c of cells) {
    const day = Math.floor(c.t / MINUTES_PER_DAY);
    let list = byDay.get(day);
    if (!list) byDay.set(day, (list = []));
    list.push(c);
  }
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const [day, list] of byDay) {
      if (await tables.ensureDay(conn, day)) newDays.push(day);
      // Rows in series order within a compaction: a later rewrite of the day sorts them fully.
      await appendCells(conn, dayTable(day), list);
    }
    await appendCells(conn, tierTable(1, true), services.sorted());
    await appendCells(conn, tierTable(15, false), late.span15.sorted());
    await appendCells(conn, tierTable(15, true), late.svc15.sorted());
    await appendCells(conn, tierTable(60, false), late.span60.sorted());
    await appendCells(conn, tierTable(60, true), late.svc60.sorted());
    await conn.run(`DELETE FROM span_delta WHERE t < ${cut}; DELETE FROM svc_delta WHERE t < ${cut}; COMMIT`);
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return { rows, newDays };
}
