import type { DuckDBConnection } from '@duckdb/node-api';
import type { Tenant } from '@clew/model';
import type { Partition } from './partition.js';
import { ubigint } from './sql.js';

/**
 * Deletes one tenant's spans from a partition that also holds other tenants' (a tenant's own, shorter retention),
 * with the meta row's span count, in one transaction. Resources, scopes, the tenant's id and the blooms stay: shared
 * by the tenants, and a bloom that still says "maybe" only costs a block read.
 */
export async function deleteTenantSpans(conn: DuckDBConnection, p: Partition, tenant: Tenant): Promise<void> {
  const own = p.tenantCondition(tenant);
  if (own === null) return;
  await conn.run('BEGIN TRANSACTION');
  let spans: bigint;
  try {
    const deleted = (await conn.runAndReadAll(`DELETE FROM ${p.alias}.spans WHERE ${own}`)).getRows();
    const n = BigInt((deleted[0]?.[0] as bigint | number | undefined) ?? 0);
    spans = p.meta.spans > n ? p.meta.spans - n : 0n;
    await conn.run(`UPDATE ${p.alias}.meta SET spans = ${ubigint(spans)}; COMMIT`);
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  p.meta = { ...p.meta, spans };
  p.tenantResources.delete(tenant);
  p.unchecked++;
}
