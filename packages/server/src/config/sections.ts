import { z } from 'zod';
import { parseConfigDuration } from './duration.js';

/*
 * The configuration's `storage` and `metrics` sections, in a module of their own: `clew import -d` counts into a data
 * directory's span metrics with their defaults (metricsSectionsDefaults) and loads these alone, not the whole schema
 * with the pipeline's, tail sampling's and SLOs' sections (60–85 ms more to load).
 */

export const duration = z.string().refine((s) => parseConfigDuration(s) !== null, {
  message: 'expected a duration such as 7d, 12h, 30m, 10s or 500ms',
});

/** `storage.memoryLimit` and `storage.metricsMemoryLimit`, as files written before the backend sections say them. */
function legacyDuckDBKeys(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const { memoryLimit, metricsMemoryLimit, ...rest } = v as Record<string, unknown>;
  if (memoryLimit === undefined && metricsMemoryLimit === undefined) return v;
  const duckdb = { ...((rest.duckdb as Record<string, unknown> | undefined) ?? {}) };
  if (memoryLimit !== undefined) duckdb.memoryLimit ??= memoryLimit;
  if (metricsMemoryLimit !== undefined) duckdb.metricsMemoryLimit ??= metricsMemoryLimit;
  return { ...rest, duckdb };
}

/** The `storage` section: where spans live (configSchema says more). */
export const storageConfigSchema = z.preprocess(
  legacyDuckDBKeys,
  z
    .object({
      backend: z.enum(['duckdb', 'clickhouse']).default('duckdb'),
      duckdb: z
        .object({
          /** DuckDB memory_limit of the span store. */
          memoryLimit: z.string().default('2GB'),
          /** DuckDB memory_limit of the metrics rollups' database. */
          metricsMemoryLimit: z.string().default('512MB'),
        })
        .strict()
        .prefault({}),
      clickhouse: z
        .object({
          /** The server's HTTP interface, e.g. http://clickhouse:8123. */
          url: z.url({ error: 'expected the ClickHouse HTTP URL, e.g. http://127.0.0.1:8123' }),
          /** Created at start when missing. */
          database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'letters, digits and _ only' }).default('clew'),
          username: z.string().optional(),
          password: z.string().optional(),
          /**
           * This process's name among the collectors writing to the database: its write-ahead log position is
           * kept under it, so a restarted collector replays exactly what ClickHouse lacks. The host name when absent.
           */
          source: z.string().min(1).optional(),
          /**
           * A cluster named in the servers' remote_servers: each span table becomes a local table on every shard
           * with a Distributed table over it that reads go through (docs/scale-out.md). Needs `shards`.
           */
          cluster: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'letters, digits and _ only' }).optional(),
          /** With `cluster`: the HTTP URL of one server of each shard, which Clew migrates and writes itself. */
          shards: z.array(z.url({ protocol: /^https?$/, error: 'expected the HTTP URL of a shard, e.g. http://ch-1:8123' })).min(1).optional(),
        })
        .strict()
        .refine((ch) => (ch.cluster === undefined) === (ch.shards === undefined), {
          message: 'storage.clickhouse.cluster and storage.clickhouse.shards go together: the cluster and the HTTP URL of each of its shards',
          path: ['shards'],
        })
        .optional(),
      /**
       * Most spans written to the store in one transaction. Unset: what the store writes best (Store.batchSpans):
       * DuckDB's row group, 122,880, which DuckDB writes into its file compressed at commit, where a smaller transaction
       * is logged row by row in DuckDB's own log first (without tail sampling or peers, which hold a batch's spans until
       * it is written); 50,000 otherwise.
       */
      batchSpans: z.number().int().positive().optional(),
      /** How long the writer waits to gather a larger batch when few spans are queued. */
      batchWait: duration.default('200ms'),
      /**
       * How long it waits on for a full batch while spans keep coming fast enough to fill one by then (at least
       * batchSpans per batchMaxWait); at lower rates it waits batchWait only. Set it to batchWait to never wait longer.
       * Only where the store encodes a batch as it gathers (DuckDB without tail sampling or peers).
       */
      batchMaxWait: duration.default('2s'),
    })
    .strict()
    .prefault({})
    .refine((st) => st.backend !== 'clickhouse' || st.clickhouse !== undefined, {
      message: 'storage.backend clickhouse needs storage.clickhouse.url (--clickhouse-url)',
      path: ['clickhouse'],
    }),
);

/** The `metrics` section: span metrics and the service graph (configSchema says more). */
export const metricsConfigSchema = z
  .object({
    /** Counting on (the Services page, the service map, SLOs, the Monitor tab and TraceQL-free metrics need it). */
    enabled: z.boolean().default(true),
    /** Distinct operations kept per service; past it, new ones count under one overflow operation. */
    maxOperationsPerService: z.number().int().positive().default(1000),
    /** How often counted minutes are written (with the log position they cover). */
    flushInterval: duration.default('10s'),
    /** How long a client or server span waits for its other half before its edge goes to a virtual node. */
    serviceGraphWait: duration.default('10s'),
    /** Unpaired spans held for the service graph at most; past it the oldest expire early. */
    serviceGraphMaxItems: z.number().int().positive().default(10_000),
  })
  .strict()
  .prefault({});
