/**
 * One partition file's tables. `spans` keeps typed columns for what is searched and compact strings for the rest;
 * resources and scopes are stored once per partition and referenced by id. `meta` is a single row updated in the
 * same transaction as every append, which is what makes walPosition atomic with the spans.
 */
export const SPAN_COLUMNS = [
  'trace_id UHUGEINT NOT NULL',
  'span_id UBIGINT NOT NULL',
  'parent_id UBIGINT',
  'start_ns UBIGINT NOT NULL',
  // end - start, signed: an end before the start is kept as sent.
  'duration_ns BIGINT NOT NULL',
  'name VARCHAR NOT NULL',
  'kind UTINYINT NOT NULL',
  'status_code UTINYINT NOT NULL',
  'res_id UINTEGER NOT NULL',
  'scope_id UINTEGER NOT NULL',
  'blk UINTEGER NOT NULL',
  // Attributes, events and the rarely used fields (span-codec encodeBody). zstd, not FSST: measured 37 vs 131
  // B/span for realistic attributes, and contains() scans as fast.
  'attrs VARCHAR NOT NULL USING COMPRESSION zstd',
  'a_http_method VARCHAR',
  'a_http_route VARCHAR',
  'a_http_status_code VARCHAR',
  'a_http_response_status_code VARCHAR',
  // true when a typed attribute key occurs more than once on the span or in its events: search must then also
  // look at the attribute strings.
  'typed_spill BOOLEAN NOT NULL',
  // Whose span it is: an id in `tenants`, 0 for DEFAULT_TENANT. Last, so that the column a file written before
  // tenants gets from ALTER TABLE sits where a new file has it (the Appender writes columns by position). An integer,
  // not the name: a row group of one tenant is stored as a constant (0 B/span), and `tenant_id = n` measured 0.2 ms
  // on a 500k-span scan that took 2.4 ms without it, against 1.6 ms for `tenant = 'default'` on a VARCHAR column.
  'tenant_id UINTEGER NOT NULL',
] as const;

/** The busiest span attributes, copied into typed columns (as text) so that filtering on them is fast. */
export const TYPED_ATTRIBUTES: ReadonlyMap<string, string> = new Map([
  ['http.method', 'a_http_method'],
  ['http.route', 'a_http_route'],
  ['http.status_code', 'a_http_status_code'],
  ['http.response.status_code', 'a_http_response_status_code'],
]);

export function createPartitionSql(alias: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${alias}.spans (${SPAN_COLUMNS.join(', ')})`,
    // A file written before tenants: its spans are DEFAULT_TENANT's (a new column takes no NOT NULL in DuckDB).
    `ALTER TABLE ${alias}.spans ADD COLUMN IF NOT EXISTS tenant_id UINTEGER DEFAULT 0`,
    // The tenants of the partition's spans other than DEFAULT_TENANT (id 0, never stored).
    `CREATE TABLE IF NOT EXISTS ${alias}.tenants (id UINTEGER PRIMARY KEY, name VARCHAR NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${alias}.resources (id UINTEGER PRIMARY KEY, service VARCHAR NOT NULL, enc VARCHAR NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${alias}.scopes (id UINTEGER PRIMARY KEY, enc VARCHAR NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${alias}.attr_blooms (blk UINTEGER PRIMARY KEY, bits BLOB NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${alias}.meta (period BIGINT NOT NULL, wal UBIGINT NOT NULL, min_start UBIGINT,
       max_start UBIGINT, spans UBIGINT NOT NULL, blk UINTEGER NOT NULL, blk_spans UBIGINT NOT NULL)`,
  ];
}
