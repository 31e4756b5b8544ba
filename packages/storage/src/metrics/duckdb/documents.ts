import type { DuckDBConnection } from '@duckdb/node-api';
import type { StoredDocument } from '../metrics-store.js';
import { bigint } from '../../duckdb/sql.js';

export async function listDocuments(conn: DuckDBConnection, collection: string): Promise<StoredDocument[]> {
  const rows = (await conn.runAndReadAll('SELECT id, body, updated_at FROM documents WHERE collection = $1 ORDER BY id', [collection])).getRows();
  return rows.map(([id, body, updatedAt]) => ({ id: id as string, body: body as string, updatedAt: Number(updatedAt) }));
}

export async function putDocument(conn: DuckDBConnection, collection: string, doc: StoredDocument): Promise<void> {
  await conn.run(`INSERT OR REPLACE INTO documents VALUES ($1, $2, $3, ${bigint(BigInt(Math.trunc(doc.updatedAt)))})`, [collection, doc.id, doc.body]);
}

export async function deleteDocument(conn: DuckDBConnection, collection: string, id: string): Promise<boolean> {
  const r = await conn.run('DELETE FROM documents WHERE collection = $1 AND id = $2', [collection, id]);
  return r.rowsChanged > 0;
}
