import type { DuckDBConnection } from '@duckdb/node-api';
import { forEachChunk } from './read-chunks.js';
import type { SpanCell } from './span-rows.js';
import { addCellText, newCell } from './span-rows.js';

/** Tier rows being added up per (period start, id), as compaction and rollups build them. */
export class CellMap {
  private readonly cells = new Map<number, SpanCell>();

  /** Adds `n` stored rows (their bins concatenated), in the period of `period` minutes holding minute `t`. */
  add(period: number, t: number, id: number, count: number, errors: number, dur: number, n: number, bins: string): void {
    const start = Math.floor(t / period) * period;
    const key = start * 4_194_304 + id;
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = newCell(start, id)));
    cell.count += count;
    cell.errors += errors;
    cell.dur += dur;
    addCellText(cell, bins, n);
  }

  /** The cells, by time then id (the order rows are appended in, so zone maps on `t` stay tight). */
  sorted(): SpanCell[] {
    return [...this.cells.values()].sort((a, b) => a.t - b.t || a.id - b.id);
  }
}

/**
 * The rows of `table` matching `where`, added up in SQL per (period of `period` minutes, id) with their bins
 * concatenated (one string per group crosses into JavaScript), each handed to `fn`.
 */
export async function forEachGroupedRow(
  conn: DuckDBConnection,
  table: string,
  where: string,
  period: number,
  fn: (t: number, id: number, count: number, errors: number, dur: number, n: number, bins: string) => void,
): Promise<number> {
  let rows = 0;
  const sql = `SELECT (t // ${period} * ${period})::INTEGER AS p, id, sum(count), sum(errors), sum(dur), count(*)::INTEGER, string_agg(bins, '')
    FROM ${table} WHERE ${where} GROUP BY p, id`;
  await forEachChunk(conn, sql, [], (chunk) => {
    const cols = [0, 1, 2, 3, 4, 5, 6].map((i) => chunk.getColumnVector(i));
    for (let i = 0; i < chunk.rowCount; i++) {
      const n = cols[5]!.getItem(i) as number;
      rows += n;
      fn(
        cols[0]!.getItem(i) as number,
        cols[1]!.getItem(i) as number,
        cols[2]!.getItem(i) as number,
        cols[3]!.getItem(i) as number,
        cols[4]!.getItem(i) as number,
        n,
        cols[6]!.getItem(i) as string,
      );
    }
  });
  return rows;
}
