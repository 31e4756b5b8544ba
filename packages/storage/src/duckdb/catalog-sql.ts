import type { OperationQuery } from '../store.js';
import type { Partition } from './partition.js';
import { inList } from './search-sql.js';
import { utinyint } from './sql.js';

/** Distinct (name, kind) of one partition's spans of a service, or null when the service has none there. */
export function operationsSql(p: Partition, q: OperationQuery): string | null {
  const ids = p.resourceIdsWhere((r) => r.service === q.service);
  if (ids.length === 0) return null;
  const kind = q.spanKind === undefined ? '' : ` AND kind = ${utinyint(q.spanKind)}`;
  return `SELECT DISTINCT name, kind FROM ${p.alias}.spans WHERE ${inList('res_id', ids)}${kind}`;
}
