import type { DuckDBConnection } from '@duckdb/node-api';
import type { Tenant } from '@clew/model';
import type { StoredDocument } from '../metrics-store.js';
import { bigint } from '../../duckdb/sql.js';

/** Documents are a tenant's own: the same id in two tenants is two documents. */
export async function listDocuments(conn: DuckDBConnection, tenant: Tenant, collection: string): Promise<StoredDocument[]> {
  const sql = 'SELECT id, body, updated_at FROM documents WHERE tenant = $1 AND collection = $2 ORDER BY id';
  const rows = (await conn.runAndReadAll(sql, [tenant, collection])).getRows();
  return rows.map(([id, body, updatedAt]) => ({ id: id as string, body: body as string, updatedAt: Number(updatedAt) }));
}

export async function putDocument(conn: DuckDBConnection, tenant: Tenant, collection: string, doc: StoredDocument): Promise<void> {
  await conn.run(
    `INSERT OR REPLACE INTO documents (tenant, collection, id, body, updated_at) VALUES ($1, $2, $3, $4, ${bigint(BigInt(Math.trunc(doc.updatedAt)))})`,
    [tenant, collection, doc.id, doc.body],
  );
}

export async function deleteDocument(conn: DuckDBConnection, tenant: Tenant, collection: string, id: string): Promise<boolean> {
  const r = await conn.run('DELETE FROM documents WHERE tenant = $1 AND collection = $2 AND id = $3', [tenant, collection, id]);
  return r.rowsChanged > 0;
}
