import type { ClickHouseClient } from '@clickhouse/client';

/*
 * Versioned migrations, applied in order at open and recorded in `schema_version`. The SQL runs on Debian's
 * ClickHouse 18.16 and on current releases: nanoseconds are UInt64 (DateTime64 is newer), attributes are parallel
 * arrays (Map is newer), no per-column codecs, no skip indexes, no TTL (retention drops day partitions), no
 * LowCardinality.
 *
 * spans: one row per span, ordered for search (tenant, service, operation, start) and partitioned by the ingest day
 *   (days since the epoch of the store's clock at append), so that every append lands in one partition, which makes
 *   its INSERT one part, written whole or not at all, and retention drops whole days. Each row also carries:
 *   - `source` and `wal_pos`, the writer and walPosition of its append: the position travels in the same INSERT as
 *     the spans, so a crash never records one without the other (see lastWalPosition);
 *   - the resource's attributes as text (res_keys/res_values) and its encoded form (`resource`) per row rather than
 *     in a table of their own: rows are sorted by service, so a resource repeats in runs that compression reduces to
 *     almost nothing, and no read needs a join or a second lookup to rebuild a span;
 *   - span and event attributes as text (anyValueToString) in parallel arrays, for search and comparison; `body` is
 *     the lossless encoding (the DuckDB store's span codec) that getTrace decodes.
 * trace_index: (tenant, trace_id) → ingest day and extent, ordered by trace id as Jaeger's ClickHouse backend does,
 *   so that a trace by id reads only the days that hold it.
 * wal_positions: walPositions of appends without spans, and the last position of each source whose rows a
 *   retention drop removed.
 */
const MIGRATIONS: ReadonlyArray<(db: string) => string[]> = [
  (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.spans (
      tenant String, service String, name String, start UInt64, end UInt64,
      trace_id String, span_id String, parent_id String, kind UInt8, status UInt8,
      day UInt32, source String, wal_pos UInt64,
      attr_keys Array(String), attr_values Array(String),
      event_keys Array(String), event_values Array(String),
      res_keys Array(String), res_values Array(String),
      resource String, scope String, body String
    ) ENGINE = MergeTree PARTITION BY day ORDER BY (tenant, service, name, start)`,
    `CREATE TABLE IF NOT EXISTS ${db}.trace_index (
      tenant String, trace_id String, day UInt32, start UInt64, end UInt64
    ) ENGINE = MergeTree PARTITION BY day ORDER BY (tenant, trace_id)`,
    `CREATE TABLE IF NOT EXISTS ${db}.wal_positions (source String, wal_pos UInt64) ENGINE = MergeTree ORDER BY source`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Creates the database when missing and applies the migrations it lacks. */
export async function migrate(client: ClickHouseClient, db: string): Promise<void> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.schema_version (version UInt32) ENGINE = MergeTree ORDER BY version` });
  const rows = await (await client.query({ query: `SELECT max(version) AS v FROM ${db}.schema_version`, format: 'JSONEachRow' })).json<{ v: number }>();
  const current = Number(rows[0]?.v ?? 0);
  if (current > MIGRATIONS.length) {
    throw new Error(`database ${db} has schema version ${current}, newer than this Clew's ${MIGRATIONS.length}: upgrade Clew`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    for (const statement of MIGRATIONS[v]!(db)) await client.command({ query: statement });
    await client.insert({ table: `${db}.schema_version`, values: [{ version: v + 1 }], format: 'JSONEachRow' });
  }
}
