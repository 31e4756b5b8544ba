import type { TimeWindow, OperationQuery } from '../store.js';
import type { Partition } from './partition.js';
import { inList } from './search-sql.js';
import { ubigint, utinyint } from './sql.js';
import { StatusCode } from '@clew/model';

/** Distinct (name, kind) of one partition's spans of a service, or null when the service has none there. */
export function operationsSql(p: Partition, q: OperationQuery): string | null {
  const ids = p.resourceIdsWhere((r) => r.service === q.service);
  if (ids.length === 0) return null;
  const kind = q.spanKind === undefined ? '' : ` AND kind = ${utinyint(q.spanKind)}`;
  return `SELECT DISTINCT name, kind FROM ${p.alias}.spans WHERE ${inList('res_id', ids)}${kind}`;
}

/**
 * Parent → child service calls from span pairs whose services differ, both spans starting inside the window.
 * Pairs may straddle partitions, so the join runs over the union of all partitions that overlap the window.
 */
export function dependenciesSql(parts: readonly Partition[], w: TimeWindow): string {
  const spans = parts
    .map(
      (p) => `SELECT s.trace_id, s.span_id, s.parent_id, s.status_code, r.service FROM ${p.alias}.spans s
        JOIN ${p.alias}.resources r ON r.id = s.res_id
        WHERE s.start_ns >= ${ubigint(w.start)} AND s.start_ns <= ${ubigint(w.end)}`,
    )
    .join(' UNION ALL ');
  return `WITH s AS (${spans})
    SELECT p.service, c.service, count(*), count(*) FILTER (WHERE c.status_code = ${utinyint(StatusCode.ERROR)})
    FROM s c JOIN s p ON c.trace_id = p.trace_id AND c.parent_id = p.span_id
    WHERE p.service <> c.service GROUP BY p.service, c.service`;
}
