import type { Span, Tenant } from '@clew/model';
import type { SpanScanWindow } from '../store.js';
import { READ_COLUMNS, readSpan } from './span-reader.js';
import { ubigint, uint } from './sql.js';
import type { PartitionSource } from './tenant-reader.js';

/**
 * A window's spans of one tenant read block by block (about 100,000 spans each, see BLOCK_SPANS): an equality on the
 * clustered block number lets DuckDB read only that block's row groups, so memory stays bounded by a block whatever
 * the window holds, and partitions whose start times miss the window are skipped without a query.
 */
export async function* scanPartitionSpans(tenant: Tenant, source: PartitionSource, window: SpanScanWindow): AsyncIterable<Span[]> {
  if (window.end <= window.start) return;
  for (const p of [...source.partitions()]) {
    const own = p.tenantCondition(tenant);
    if (own === null || !p.overlaps(window.start, window.end - 1n)) continue;
    // Blocks 0..meta.blk: the last one is being written (or empty) and is read too.
    for (let blk = 0; blk <= p.meta.blk; blk++) {
      const rows = await source.read(
        `SELECT ${READ_COLUMNS} FROM ${p.alias}.spans
         WHERE blk = ${uint(blk)} AND start_ns >= ${ubigint(window.start)} AND start_ns < ${ubigint(window.end)} AND ${own}`,
      );
      if (rows.length > 0) yield rows.map((r) => readSpan(r, p));
    }
  }
}
