import type { Tenant } from '@clew/model';
import type { StoredDocument } from '../../metrics/metrics-store.js';
import { str } from '../sql.js';
import type { Select } from './span-metrics-sql.js';

/** Inserts rows into a table of the store's database. */
export type Insert = (table: string, rows: readonly Record<string, unknown>[]) => Promise<void>;

/** What the reads and document writes of every tenant share: the database, its SELECT and INSERT, the version clock. */
export interface MetricsDb {
  readonly db: string;
  readonly select: Select;
  readonly insert: Insert;
  /** A version above every one this process wrote (microseconds of the clock, or one more than the last). */
  readonly nextVersion: () => number;
}

interface Latest {
  id: string;
  body: string;
  updated_at: string;
  deleted: number;
}

/** The live documents of a tenant's collection by id: each id's highest version, unless that is a delete. */
async function latest(t: MetricsDb, tenant: Tenant, collection: string, id?: string): Promise<Latest[]> {
  const one = id === undefined ? '' : ` AND id = ${str(id)}`;
  return t.select<Latest>(
    `SELECT id, argMax(body, version) AS body, argMax(updated_at, version) AS updated_at, argMax(deleted, version) AS deleted
     FROM ${t.db}.metric_documents
     WHERE tenant = ${str(tenant)} AND collection = ${str(collection)}${one}
     GROUP BY id
     ORDER BY id`,
  );
}

export async function listDocuments(t: MetricsDb, tenant: Tenant, collection: string): Promise<StoredDocument[]> {
  return (await latest(t, tenant, collection))
    .filter((r) => Number(r.deleted) === 0)
    .map((r) => ({ id: r.id, body: r.body, updatedAt: Number(r.updated_at) }));
}

export async function putDocument(t: MetricsDb, tenant: Tenant, collection: string, doc: StoredDocument): Promise<void> {
  await t.insert('metric_documents', [
    { tenant, collection, id: doc.id, body: doc.body, updated_at: String(Math.trunc(doc.updatedAt)), version: String(t.nextVersion()), deleted: 0 },
  ]);
}

/** Writes a delete (a version with deleted = 1) when the document is there; false when it is not. */
export async function deleteDocument(t: MetricsDb, tenant: Tenant, collection: string, id: string): Promise<boolean> {
  const [current] = await latest(t, tenant, collection, id);
  if (!current || Number(current.deleted) !== 0) return false;
  await t.insert('metric_documents', [{ tenant, collection, id, body: '', updated_at: '0', version: String(t.nextVersion()), deleted: 1 }]);
  return true;
}
