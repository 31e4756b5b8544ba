import type { DuckDBConnection } from '@duckdb/node-api';
import type { SpanCell } from './span-rows.js';
import { cellBins } from './span-rows.js';

/** Appends cells to a span-metrics tier table through the Appender (inside the caller's transaction). */
export async function appendCells(conn: DuckDBConnection, table: string, cells: readonly SpanCell[]): Promise<void> {
  if (cells.length === 0) return;
  const a = await conn.createAppender(table);
  try {
    for (const c of cells) {
      a.appendInteger(c.t);
      a.appendInteger(c.id);
      a.appendDouble(c.count);
      a.appendDouble(c.errors);
      a.appendDouble(c.dur);
      a.appendVarchar(cellBins(c));
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}
