import type { Tenant } from '@clew/model';
import type { OperationQuery } from '../store.js';
import type { Partition } from './partition.js';
import { inList } from './search-sql.js';
import { utinyint } from './sql.js';

/**
 * Distinct (name, kind) of the tenant's spans of a service in one partition, or null when the tenant has none of
 * the service there.
 */
export function operationsSql(p: Partition, tenant: Tenant, q: OperationQuery): string | null {
  const own = p.tenantCondition(tenant);
  const ids = p.resourceIdsWhere(tenant, (r) => r.service === q.service);
  if (own === null || ids.length === 0) return null;
  const kind = q.spanKind === undefined ? '' : ` AND kind = ${utinyint(q.spanKind)}`;
  return `SELECT DISTINCT name, kind FROM ${p.alias}.spans WHERE ${own} AND ${inList('res_id', ids)}${kind}`;
}
