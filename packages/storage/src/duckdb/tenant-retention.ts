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
  await deleteSpansWhere(conn, p, own);
  p.tenantResources.delete(tenant);
}

/** Deletes a partition's spans that match `where`, with the meta row's span count, in one transaction; how many went. */
export async function deleteSpansWhere(conn: DuckDBConnection, p: Partition, where: string): Promise<number> {
  await conn.run('BEGIN TRANSACTION');
  let spans: bigint;
  let n: bigint;
  try {
    const deleted = (await conn.runAndReadAll(`DELETE FROM ${p.alias}.spans WHERE ${where}`)).getRows();
    n = BigInt((deleted[0]?.[0] as bigint | number | undefined) ?? 0);
    spans = p.meta.spans > n ? p.meta.spans - n : 0n;
    await conn.run(`UPDATE ${p.alias}.meta SET spans = ${ubigint(spans)}; COMMIT`);
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  p.meta = { ...p.meta, spans };
  p.unchecked++;
  return Number(n);
}
