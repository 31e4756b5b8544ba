import { withSpan } from '@clew/node';
import type { DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { SpanKind } from '@opentelemetry/api';
import { basename, extname } from 'node:path';

/** One statement against the catalog database, described as the database semantic conventions name it. */
export interface CatalogQuery {
  /** e.g. SELECT */
  readonly operation: string;
  /** The main table, e.g. products */
  readonly collection: string;
  /** Parameterised SQL ($1, $2 …): the text carries no user values, so it is safe to record whole. */
  readonly sql: string;
  readonly params?: DuckDBValue[];
}

/**
 * Runs a query in a CLIENT span named and tagged by the OpenTelemetry database conventions (current `db.query.text`,
 * `db.operation.name`, `db.collection.name`, `db.system.name`, and the older `db.system`/`db.statement` that
 * existing tools still read). Each query takes its own connection: DuckDB runs them side by side.
 */
export async function runQuery<T>(db: DuckDBInstance, file: string, q: CatalogQuery): Promise<T[]> {
  return withSpan(
    `${q.operation} ${q.collection}`,
    async (span) => {
      const conn = await db.connect();
      try {
        const rows = (await conn.runAndReadAll(q.sql, q.params)).getRowObjectsJS() as T[];
        span.setAttribute('db.response.returned_rows', rows.length);
        return rows;
      } finally {
        conn.closeSync();
      }
    },
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'duckdb',
        'db.system': 'duckdb',
        'db.namespace': basename(file, extname(file)), // DuckDB names an attached database after its file
        'db.collection.name': q.collection,
        'db.operation.name': q.operation,
        'db.query.summary': `${q.operation} ${q.collection}`,
        'db.query.text': q.sql,
        'db.statement': q.sql,
      },
    },
  );
}
