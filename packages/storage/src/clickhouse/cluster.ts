import type { ClickHouseClient } from '@clickhouse/client';
import { str } from './sql.js';

/*
 * A named cluster: the span tables are local MergeTree tables on every shard (`spans_local`, `trace_index_local`,
 * `resources_local`), and `Distributed` tables under the single-server names (`spans`, `trace_index`, `resources`)
 * that every read goes through, so the readers' SQL is the same on one server and on a cluster. Writers do not
 * insert through the Distributed tables (such an INSERT is split across shards and is not atomic across them): each
 * collector splits a batch by shard itself and inserts into each shard's local tables (see ShardWriter).
 */

/** The local tables an append writes and migrations create, by their role. */
export interface Tables {
  readonly spans: string;
  readonly traceIndex: string;
  readonly resources: string;
}

/** One server: the tables are the ones reads name. */
export const SINGLE_TABLES: Tables = { spans: 'spans', traceIndex: 'trace_index', resources: 'resources' };
/** On each shard of a cluster; the single-server names are the Distributed tables over them. */
export const LOCAL_TABLES: Tables = { spans: 'spans_local', traceIndex: 'trace_index_local', resources: 'resources_local' };

/**
 * The sharding key of spans and trace_index: the last four bytes of the trace id, big-endian. W3C Trace Context
 * (level 2) makes the right-most bytes of a trace id the random ones (X-Ray ids, for one, start with a time), and
 * the key is plain enough to compute here exactly as ClickHouse does, so a Distributed INSERT by anyone else puts a
 * trace on the same shard as Clew's own inserts: one trace, all its spans and index rows, lives on one shard.
 */
export const TRACE_SHARDING_KEY = 'reinterpretAsUInt32(reverse(substring(trace_id, 13, 4)))';

/** A shard as Clew reaches it: the HTTP URL of its one server, and its place in the cluster. */
export interface Shard {
  readonly url: string;
  /** shard_num in system.clusters (1, 2, …). */
  readonly num: number;
  readonly weight: number;
}

/** A cluster's shards in shard_num order and, per slot of the sharding key modulo the total weight, its shard's index. */
export interface ClusterLayout {
  readonly name: string;
  readonly shards: readonly Shard[];
  readonly slots: readonly number[];
}

/**
 * The index in `layout.shards` of the shard that holds a trace: the key modulo the sum of the weights, then the
 * shard whose range of slots holds it, as ClickHouse's Distributed engine picks a shard.
 */
export function shardOf(layout: ClusterLayout, traceIdHex: string): number {
  if (layout.slots.length === 1) return 0;
  const key = Number.parseInt(traceIdHex.slice(24, 32), 16);
  return Number.isNaN(key) ? 0 : layout.slots[key % layout.slots.length]!;
}

/** A cluster name that is safe to write unquoted. */
export function checkClusterName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new RangeError(`not a ClickHouse cluster name for Clew: ${JSON.stringify(name)} (letters, digits and _)`);
  return name;
}

type ClusterRow = { shard_num: number; shard_weight: number; replica_num: number; host_name: string; port: number };

/**
 * Reads the cluster from `system.clusters` of the server at `url` (its `remote_servers` section) and checks that
 * `shardUrls` name each of its shards exactly once: each URL's server must find itself (`is_local`) in the cluster.
 * Throws an Error that names the cluster, the URL and what to fix.
 */
export async function resolveCluster(
  name: string,
  url: string,
  clientOf: (url: string) => ClickHouseClient,
  shardUrls: readonly string[],
): Promise<ClusterLayout> {
  checkClusterName(name);
  const rowsOf = async <T>(u: string, sql: string): Promise<T[]> => {
    const client = clientOf(u);
    try {
      return await (await client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
    } finally {
      await client.close();
    }
  };
  const rows = await rowsOf<ClusterRow>(
    url,
    `SELECT shard_num, shard_weight, replica_num, host_name, port FROM system.clusters WHERE cluster = ${str(name)} ORDER BY shard_num, replica_num`,
  );
  if (rows.length === 0) {
    throw new Error(`ClickHouse at ${url} has no cluster ${name} in system.clusters: name it in the server's remote_servers section, or fix storage.clickhouse.cluster`);
  }
  const replicated = rows.find((r) => Number(r.replica_num) > 1);
  if (replicated) {
    throw new Error(
      `cluster ${name}: shard ${replicated.shard_num} has more than one replica; Clew writes one server per shard (MergeTree, no ZooKeeper), so name one replica per shard in remote_servers`,
    );
  }
  const nums = rows.map((r) => Number(r.shard_num));
  if (shardUrls.length !== nums.length) {
    throw new Error(
      `cluster ${name} has ${nums.length} shards (${rows.map((r) => `${r.host_name}:${r.port}`).join(', ')}) but storage.clickhouse.shards names ${shardUrls.length}: give the HTTP URL of each shard's server, one each`,
    );
  }
  const byNum = new Map<number, string>();
  for (const u of shardUrls) {
    const own = await rowsOf<{ shard_num: number }>(u, `SELECT shard_num FROM system.clusters WHERE cluster = ${str(name)} AND is_local`);
    if (own.length !== 1) {
      throw new Error(`ClickHouse at ${u} is not one server of cluster ${name} (system.clusters there has ${own.length} local rows for it): fix storage.clickhouse.shards or its remote_servers`);
    }
    const num = Number(own[0]!.shard_num);
    const twice = byNum.get(num);
    if (twice !== undefined) throw new Error(`storage.clickhouse.shards names shard ${num} of cluster ${name} twice (${twice} and ${u})`);
    byNum.set(num, u);
  }
  const shards = rows.map((r) => ({ url: byNum.get(Number(r.shard_num))!, num: Number(r.shard_num), weight: Number(r.shard_weight) }));
  const slots = shards.flatMap((s, i) => new Array<number>(s.weight).fill(i));
  if (slots.length === 0) throw new Error(`cluster ${name}: every shard has weight 0, so no shard takes rows`);
  return { name, shards, slots };
}
