import type { DuckDBConnection } from '@duckdb/node-api';
import type { SpanCell } from './span-rows.js';
import { cellBins, cellBinsAndSummary } from './span-rows.js';

/**
 * Appends cells to a span-metrics table through the Appender (inside the caller's transaction). Tier rows
 * (`summarize`) keep their quantiles' keys in `q`; deltas, appended on the ingest path, do not.
 */
export async function appendCells(conn: DuckDBConnection, table: string, cells: readonly SpanCell[], summarize: boolean): Promise<void> {
  if (cells.length === 0) return;
  const a = await conn.createAppender(table);
  try {
    for (const c of cells) {
      a.appendInteger(c.t);
      a.appendInteger(c.id);
      a.appendDouble(c.count);
      a.appendDouble(c.errors);
      a.appendDouble(c.dur);
      if (summarize) {
        const [bins, summary] = cellBinsAndSummary(c);
        a.appendVarchar(bins);
        if (summary === null) a.appendNull();
        else a.appendVarchar(summary);
      } else {
        a.appendVarchar(cellBins(c));
        a.appendNull();
      }
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}
