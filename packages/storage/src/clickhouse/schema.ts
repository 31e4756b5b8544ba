import type { ClickHouseClient } from '@clickhouse/client';
import type { Tables } from './cluster.js';
import { LOCAL_TABLES, SINGLE_TABLES, TRACE_SHARDING_KEY } from './cluster.js';
import type { ServerFeatures } from './server-features.js';
import { applyServerFeatures } from './server-features.js';
import { str } from './sql.js';

/*
 * Versioned migrations, applied in order at open and recorded in `schema_version`. The SQL runs on Debian's
 * ClickHouse 18.16 and on current releases: nanoseconds are UInt64 (DateTime64 is newer), attributes are parallel
 * arrays (Map is newer), no per-column codecs, no skip indexes, no TTL (retention drops day partitions), no
 * LowCardinality.
 *
 * Version 2 (the current one; version 1's tables are dropped, their spans not converted: the backend had no
 * release) — every byte counted, see README.md "Measured":
 * spans: one row per span, ordered for search (tenant, service, operation, start) and partitioned by the ingest day
 *   (days since the epoch of the store's clock at append), so that every append lands in one partition, which makes
 *   its INSERT one part, written whole or not at all, and retention drops whole days. Granules of 512 rows (not
 *   8192): a trace by id and a narrow search read 16× fewer rows for a primary index 16× larger (~20k marks a day at
 *   10M spans; +1.1 B/span of marks against 1024 rows, for trace by id reads ~7% faster, ~30% with the small
 *   compressed blocks docs/scale-out.md describes; databases made with 1024 keep them, which reads the same way).
 *   Each row also carries:
 *   - ids as bytes: trace_id FixedString(16), span_id FixedString(8), parent_id Nullable (a root has none); hex
 *     text took twice the bytes and LZ4 cannot win them back;
 *   - `dur` (end − start modulo 2^64) rather than `end`: small numbers compress, and end = start + dur exactly;
 *   - `source` and `wal_pos`, the writer and walPosition of its append: the position travels in the same INSERT as
 *     the spans, so a crash never records one without the other (see lastWalPosition);
 *   - `resource_id`, a hash of the encoded resource, which is stored once a day in `resources`: on the row it took
 *     ~600 bytes before compression (its attributes as text and its encoded form), most of what an INSERT carried
 *     and the server sorted and compressed, for ~3 B/span on disk;
 *   - span attributes once: keys and text (anyValueToString) in parallel arrays for search and comparison, and a
 *     type letter per attribute (`attr_types`) that makes the text lossless; arrays and kvlists, whose text is not,
 *     are also in `body`, which holds the rest (events, links, rare fields) in the DuckDB store's span codec;
 *   - event attributes as text (event_keys/event_values) for search, beside their lossless form in `body`.
 * trace_index: (tenant, trace_id) → ingest day, the range of the trace's span starts there and its distinct
 *   (service, operation) pairs (parallel arrays), ordered by trace id as Jaeger's ClickHouse backend does. With all
 *   three a trace by id names the spans' primary key prefix and start range, so ClickHouse reads a granule or two per
 *   pair and part instead of the day's trace_id column (52k rows read instead of 627k at 1M spans, one part).
 * resources: (tenant, id) → the resource's attributes as text (res_keys/res_values, for search and comparison) and
 *   its encoded form, per ingest day (so that retention drops them with their spans). Each store writes a resource
 *   once a day, in an INSERT before the spans that name it; several collectors may write the same one (Replacing
 *   merges them, and reads take any).
 * wal_positions: walPositions of appends without spans, and the last position of each source whose rows a
 *   retention drop (or the migration to version 2) removed.
 * On a cluster the three span tables take their local names on every shard (`t`, see cluster.ts) and the
 * migrations run on each shard; wal_positions and schema_version are each shard's own.
 */
/** The span tables as the newest version has them. */
const currentTables = (db: string, t: Tables): string[] => [
  `CREATE TABLE IF NOT EXISTS ${db}.${t.spans} (
    tenant String, service String, name String, start UInt64, dur UInt64,
    trace_id FixedString(16), span_id FixedString(8), parent_id Nullable(FixedString(8)), kind UInt8, status UInt8,
    day UInt32, source String, wal_pos UInt64,
    attr_keys Array(String), attr_values Array(String), attr_types String,
    event_keys Array(String), event_values Array(String),
    resource_id UInt64, scope String, body String
  ) ENGINE = MergeTree PARTITION BY day ORDER BY (tenant, service, name, start) SETTINGS index_granularity = 512`,
  `CREATE TABLE IF NOT EXISTS ${db}.${t.resources} (
    tenant String, day UInt32, id UInt64, res_keys Array(String), res_values Array(String), resource String
  ) ENGINE = ReplacingMergeTree PARTITION BY day ORDER BY (tenant, id)`,
  `CREATE TABLE IF NOT EXISTS ${db}.${t.traceIndex} (
    tenant String, trace_id FixedString(16), day UInt32, first UInt64, last UInt64,
    services Array(String), names Array(String)
  ) ENGINE = MergeTree PARTITION BY day ORDER BY (tenant, trace_id) SETTINGS index_granularity = 1024`,
];

/** A new database: the newest tables at once, every statement safe to run twice (processes that start together). */
const fresh = (db: string, t: Tables): string[] => [
  `CREATE TABLE IF NOT EXISTS ${db}.wal_positions (source String, wal_pos UInt64) ENGINE = MergeTree ORDER BY source`,
  ...currentTables(db, t),
];

const MIGRATIONS: ReadonlyArray<(db: string, t: Tables) => string[]> = [
  (db, t) => [
    `CREATE TABLE IF NOT EXISTS ${db}.${t.spans} (
      tenant String, service String, name String, start UInt64, end UInt64,
      trace_id String, span_id String, parent_id String, kind UInt8, status UInt8,
      day UInt32, source String, wal_pos UInt64,
      attr_keys Array(String), attr_values Array(String),
      event_keys Array(String), event_values Array(String),
      res_keys Array(String), res_values Array(String),
      resource String, scope String, body String
    ) ENGINE = MergeTree PARTITION BY day ORDER BY (tenant, service, name, start)`,
    `CREATE TABLE IF NOT EXISTS ${db}.${t.traceIndex} (
      tenant String, trace_id String, day UInt32, start UInt64, end UInt64
    ) ENGINE = MergeTree PARTITION BY day ORDER BY (tenant, trace_id)`,
    `CREATE TABLE IF NOT EXISTS ${db}.wal_positions (source String, wal_pos UInt64) ENGINE = MergeTree ORDER BY source`,
  ],
  (db, t) => [
    // Each source's position survives the old rows, so that a collector does not replay its whole log.
    `INSERT INTO ${db}.wal_positions SELECT source, max(wal_pos) FROM ${db}.${t.spans} GROUP BY source`,
    `DROP TABLE IF EXISTS ${db}.${t.spans}`,
    `DROP TABLE IF EXISTS ${db}.${t.traceIndex}`,
    `DROP TABLE IF EXISTS ${db}.${t.resources}`,
    ...currentTables(db, t),
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Creates the database when missing and applies the migrations it lacks, on one server: the only one, or one shard
 * of a cluster (`cluster` named: local tables, then the Distributed tables over them). Refuses a database laid out
 * for the other kind (a single server's tables where a cluster's are expected, or the reverse).
 */
export async function migrate(client: ClickHouseClient, db: string, cluster?: string): Promise<ServerFeatures> {
  const t = cluster === undefined ? SINGLE_TABLES : LOCAL_TABLES;
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.schema_version (version UInt32) ENGINE = MergeTree ORDER BY version` });
  await checkLayout(client, db, cluster);
  const rows = await (await client.query({ query: `SELECT max(version) AS v FROM ${db}.schema_version`, format: 'JSONEachRow' })).json<{ v: number }>();
  const current = Number(rows[0]?.v ?? 0);
  if (current > MIGRATIONS.length) {
    throw new Error(`database ${db} has schema version ${current}, newer than this Clew's ${MIGRATIONS.length}: upgrade Clew`);
  }
  if (current === 0) {
    // A new database gets the newest tables directly, not version 1's then version 2's drop and create: collectors
    // and query nodes started together each run this, and a drop by one under another's writes would lose spans.
    for (const statement of fresh(db, t)) await client.command({ query: statement });
    await client.insert({ table: `${db}.schema_version`, values: MIGRATIONS.map((_, v) => ({ version: v + 1 })), format: 'JSONEachRow' });
  } else {
    // An upgrade: one process should make it (start one Clew first when a migration drops tables, as version 2 does).
    for (let v = current; v < MIGRATIONS.length; v++) {
      for (const statement of MIGRATIONS[v]!(db, t)) await client.command({ query: statement });
      await client.insert({ table: `${db}.schema_version`, values: [{ version: v + 1 }], format: 'JSONEachRow' });
    }
  }
  if (cluster !== undefined) {
    // Each read goes through these; made after the local tables (AS copies their columns). A migration that changes
    // a local table's columns must change its Distributed table's too.
    const distributed: Array<[string, string, string]> = [
      ['spans', LOCAL_TABLES.spans, TRACE_SHARDING_KEY],
      ['trace_index', LOCAL_TABLES.traceIndex, TRACE_SHARDING_KEY],
      ['resources', LOCAL_TABLES.resources, 'id'],
    ];
    for (const [name, local, key] of distributed) {
      await client.command({
        query: `CREATE TABLE IF NOT EXISTS ${db}.${name} AS ${db}.${local} ENGINE = Distributed(${cluster}, ${db}, ${local}, ${key})`,
      });
    }
  }
  // What a newer server allows on top (codecs), applied to the tables that hold the data.
  return applyServerFeatures(client, db, t);
}

/** Whether the database's `spans` is what this store expects: a MergeTree on one server, a Distributed table on a cluster. */
async function checkLayout(client: ClickHouseClient, db: string, cluster: string | undefined): Promise<void> {
  const tables = await (
    await client.query({ query: `SELECT name, engine FROM system.tables WHERE database = ${str(db)} AND name IN ('spans', 'spans_local')`, format: 'JSONEachRow' })
  ).json<{ name: string; engine: string }>();
  const spans = tables.find((r) => r.name === 'spans');
  const local = tables.some((r) => r.name === 'spans_local');
  if (cluster === undefined && (local || spans?.engine === 'Distributed')) {
    throw new Error(`database ${db} was made for a ClickHouse cluster (its spans are Distributed over spans_local): name the cluster (storage.clickhouse.cluster and shards)`);
  }
  if (cluster !== undefined && spans !== undefined && spans.engine !== 'Distributed') {
    throw new Error(`database ${db} was made for a single ClickHouse server (its spans are a ${spans.engine} table): give the cluster a database of its own`);
  }
}
