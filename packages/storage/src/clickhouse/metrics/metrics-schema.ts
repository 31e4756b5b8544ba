import type { ClickHouseClient } from '@clickhouse/client';

/*
 * The metrics store's migrations, recorded in `metrics_schema_version` (apart from the span store's
 * `schema_version`, so both stores may share one database). SQL for ClickHouse 18.16 and current releases: no Map,
 * no DateTime64, no codecs, skip indexes or TTL.
 *
 * Times are whole minutes since the epoch (UInt32). The three row tables hold deltas as appended (reads add them
 * up), partitioned by the UTC day of the minute so that retention drops whole days, and ordered by tenant first so
 * that a tenant's read touches its own ranges. Latency bins are the DuckDB metrics store's text encoding
 * (bins-codec.ts), so a read concatenates a group's bins in SQL and JavaScript merges one string per group.
 * Every row carries `source` and `wal_pos`, the writer and position of its append: see ClickHouseMetricsStore for
 * how those make an append of three tables exactly once.
 *
 * metric_positions: one row per append, written after its rows (ReplacingMergeTree keeps the highest per source).
 * metric_documents: SLO documents, every put and delete a new version (deleted = 1 for a delete); the row with the
 *   highest version per (tenant, collection, id) is the document (read with argMax, exact before merges).
 */
const MIGRATIONS: ReadonlyArray<(db: string) => string[]> = [
  (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.span_metrics (
      tenant String, minute UInt32, service String, operation String, kind UInt8,
      count Float64, errors Float64, dur Float64, bins String,
      source String, wal_pos UInt64
    ) ENGINE = MergeTree PARTITION BY intDiv(minute, 1440) ORDER BY (tenant, service, operation, kind, minute)`,
    `CREATE TABLE IF NOT EXISTS ${db}.metric_edges (
      tenant String, minute UInt32, client String, server String, conn String,
      count Float64, failed Float64, client_bins String, server_bins String,
      source String, wal_pos UInt64
    ) ENGINE = MergeTree PARTITION BY intDiv(minute, 1440) ORDER BY (tenant, minute, client, server)`,
    `CREATE TABLE IF NOT EXISTS ${db}.metric_errors (
      tenant String, minute UInt32, service String, operation String, kind UInt8,
      type String, message String, count Float64,
      source String, wal_pos UInt64
    ) ENGINE = MergeTree PARTITION BY intDiv(minute, 1440) ORDER BY (tenant, service, operation, minute)`,
    `CREATE TABLE IF NOT EXISTS ${db}.metric_positions (source String, wal_pos UInt64)
      ENGINE = ReplacingMergeTree(wal_pos) ORDER BY source`,
    `CREATE TABLE IF NOT EXISTS ${db}.metric_documents (
      tenant String, collection String, id String, body String, updated_at Int64, version UInt64, deleted UInt8
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (tenant, collection, id)`,
  ],
];

/** The tables of appended rows, each with `minute`, `tenant`, `source` and `wal_pos`. */
export const ROW_TABLES = ['span_metrics', 'metric_edges', 'metric_errors'] as const;

/** Minutes per partition (a UTC day). */
export const PARTITION_MINUTES = 1440;

/** Creates the database when missing and applies the migrations it lacks. */
export async function migrateMetrics(client: ClickHouseClient, db: string): Promise<void> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.metrics_schema_version (version UInt32) ENGINE = MergeTree ORDER BY version` });
  const rows = await (await client.query({ query: `SELECT max(version) AS v FROM ${db}.metrics_schema_version`, format: 'JSONEachRow' })).json<{ v: number }>();
  const current = Number(rows[0]?.v ?? 0);
  if (current > MIGRATIONS.length) {
    throw new Error(`database ${db} has metrics schema version ${current}, newer than this Clew's ${MIGRATIONS.length}: upgrade Clew`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    for (const statement of MIGRATIONS[v]!(db)) await client.command({ query: statement });
    await client.insert({ table: `${db}.metrics_schema_version`, values: [{ version: v + 1 }], format: 'JSONEachRow' });
  }
}
