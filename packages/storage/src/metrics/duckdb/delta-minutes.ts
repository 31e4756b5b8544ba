import type { DuckDBConnection } from '@duckdb/node-api';
import type { SpanCell } from './span-rows.js';

/**
 * Minutes [lo, hi] (both included) the delta tables may hold rows of: at least those they hold, so that a read of
 * other minutes leaves the deltas out. Appends widen it before they commit; compaction narrows it to what is left.
 */
export interface DeltaMinutes {
  readonly lo: number;
  readonly hi: number;
}

/** The first and last minute of the rows in the delta tables; null when they are empty. */
export async function deltaMinutes(conn: DuckDBConnection): Promise<DeltaMinutes | null> {
  const [lo, hi] = (await conn.runAndReadAll('SELECT min(t), max(t) FROM (SELECT t FROM span_delta UNION ALL SELECT t FROM svc_delta)')).getRows()[0]!;
  return lo === null ? null : { lo: Number(lo), hi: Number(hi) };
}

/** `span` widened to the minutes of `cells` (an append's service cells: fewer than its series cells, the same minutes). */
export function widened(span: DeltaMinutes | null, cells: readonly SpanCell[]): DeltaMinutes | null {
  let { lo, hi } = span ?? { lo: Infinity, hi: -Infinity };
  for (const c of cells) {
    if (c.t < lo) lo = c.t;
    if (c.t > hi) hi = c.t;
  }
  return lo > hi ? span : { lo, hi };
}
