import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';

/**
 * Runs `sql` and hands each result chunk to `fn` as it arrives: rows are consumed from DuckDB's vectors (blobs as
 * views, via getItemBytes) instead of being converted to value objects first, which cost ~1 µs a blob.
 */
export async function forEachChunk(
  conn: DuckDBConnection,
  sql: string,
  values: readonly string[],
  fn: (chunk: DuckDBDataChunk) => void,
): Promise<void> {
  const result = await conn.run(sql, values.length > 0 ? [...values] : undefined);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    fn(chunk);
  }
}

/** `id IN (…)`, or nothing when every id matches. */
export function idFilter(column: string, ids: readonly number[] | null): string {
  if (ids === null) return '';
  if (ids.length === 0) return ' AND false';
  return ` AND ${column} IN (${ids.join(', ')})`;
}
