import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { Span, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, isTraceId, nowNanos } from '@clew/model';
import type {
  SpanReader,
  Store,
  StoreStats,
  TenantRun,
} from '../store.js';
import { StoreError } from '../store.js';
import { clickHouseClient } from './client.js';
import { DefaultTenantReads } from '../default-tenant-reads.js';
import { tenantsOf } from '../duckdb/span-writer.js';
import type { ClusterLayout } from './cluster.js';
import { LOCAL_TABLES, resolveCluster, shardOf, SINGLE_TABLES } from './cluster.js';
import { ShardWriter } from './shard-writer.js';
import type { ClickHouseStoreOptions } from './options.js';

export type { ClickHouseStoreOptions } from './options.js';
import { migrate } from './schema.js';
import { RowBinaryWriter } from './row-binary.js';
import type { StoredResource } from './resources.js';
import { BatchResources, ResourceCache, resourceRows } from './resources.js';
import { appendPart, appendRow, BatchScopes, INSERT_COLUMNS, ROW_BYTES } from './span-rows.js';
import { checkDatabase, checkTenant, dayOf } from './sql.js';
import type { ServerFeatures } from './server-features.js';
import type { Select } from './tenant-reader.js';
import { ClickHouseTenantReader } from './tenant-reader.js';

/** What one shard gets of an append: its rows, the index rows of its traces, the resources it lacks. */
interface ShardPart {
  readonly w: RowBinaryWriter;
  readonly spans: Span[];
  readonly owners: Tenant[];
  readonly services: string[];
  readonly newResources: Map<string, { tenant: Tenant; day: number; resource: StoredResource }>;
}

/**
 * The scale-out store: spans in ClickHouse (see schema.ts), on one server or over the shards of a named cluster
 * (cluster.ts), written by any number of collectors, each under its own `source`, and read by any number of query
 * nodes. The store's own reads are DEFAULT_TENANT's.
 */
export class ClickHouseStore extends DefaultTenantReads implements Store {
  private readonly select: Select = async <T>(sql: string, settings?: ClickHouseSettings): Promise<T[]> => {
    this.assertOpen();
    return (await this.client.query({ query: sql, format: 'JSONEachRow', ...(settings && { clickhouse_settings: settings }) })).json<T>();
  };
  private readonly own: ClickHouseTenantReader;
  private closed = false;
  private resourcesDay = -1;
  private readonly resources: ResourceCache;
  /** Spans an append that failed elsewhere did write to their shard: the retry of that batch skips them. */
  private partial = new WeakSet<Span>();
  /** The server's version and what the store made of it (set when opened; the first shard's on a cluster). */
  serverFeatures: ServerFeatures | undefined;

  constructor(
    /** Reads (through the Distributed tables on a cluster). */
    private readonly client: ClickHouseClient,
    private readonly db: string,
    private readonly source: string,
    private readonly now: () => UnixNanos,
    /** Where appends go: the one server, or each shard of the cluster in shard order. */
    private readonly shards: readonly ShardWriter[],
    private readonly layout: ClusterLayout,
  ) {
    super();
    this.resources = new ResourceCache(db, this.select);
    this.own = new ClickHouseTenantReader(DEFAULT_TENANT, db, this.select, this.resources);
  }

  /**
   * Reads each shard's position for this source; the store's is the lowest, and each shard ahead of it says which
   * spans past it it holds, so that the replay from there skips them on that shard (see ShardWriter).
   */
  async load(): Promise<void> {
    for (const shard of this.shards) await shard.loadPosition();
    const floor = await this.lastWalPosition();
    for (const shard of this.shards) await shard.loadHeld(floor);
  }

  /**
   * Per shard, up to three INSERTs: the batch's resources this store has not written there that day, the trace
   * index, then the spans with their walPosition. A crash between them leaves resource or index rows that no span
   * names (harmless: a read finds nothing there, and the replay of the batch writes them again), never a span the
   * index cannot find or without its resource. The spans' INSERT is one block into one day partition: ClickHouse
   * writes it as one part, whole or not at all. On a cluster the shards are written at once, each its own traces'
   * rows (by the sharding key), and a shard that gets no rows of a positioned append records the position alone.
   */
  async append(spans: readonly Span[], walPosition?: bigint, tenants?: readonly TenantRun[]): Promise<void> {
    this.assertOpen();
    if (spans.length === 0 && walPosition === undefined) return;
    const day = dayOf(this.now());
    if (day !== this.resourcesDay) {
      this.resourcesDay = day;
      for (const shard of this.shards) shard.resourcesWritten.clear();
    }
    // Per shard, the replayed spans it was found to hold (skipped): given back if its write fails.
    const skipped = this.shards.map(() => new Array<[Span, Tenant]>());
    let parts: Array<ShardPart | undefined>;
    try {
      parts = this.split(spans, tenants, walPosition ?? 0n, day, skipped);
    } catch (err) {
      skipped.forEach((list, k) => this.shards[k]!.giveBackHeld(list));
      throw new StoreError(`ClickHouse append of ${spans.length} spans refused: ${(err as Error).message}`, false, { cause: err });
    }
    const results = await Promise.allSettled(parts.map((part, k) => this.write(this.shards[k]!, part, walPosition, day)));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length === 0) return;
    // What a shard took (or held already) is skipped when this batch is tried again; a failed shard's held spans
    // count as held again.
    results.forEach((r, k) => {
      if (r.status === 'rejected') {
        this.shards[k]!.giveBackHeld(skipped[k]!);
      } else {
        for (const s of parts[k]?.spans ?? []) this.partial.add(s);
        for (const [s] of skipped[k]!) this.partial.add(s);
      }
    });
    const err = failed[0];
    const written = results.length - failed.length;
    throw new StoreError(
      `ClickHouse append of ${spans.length} spans failed${written > 0 ? ` on ${failed.length} of ${results.length} shards (the others' rows are kept, and a retry skips them)` : ''}: ${(err as Error).message}`,
      failed.every(isRetryable),
      { cause: err },
    );
  }

  /** The batch's rows, index rows and new resources per shard (undefined for a shard that gets none). */
  private split(
    spans: readonly Span[],
    tenants: readonly TenantRun[] | undefined,
    pos: bigint,
    day: number,
    skipped: ReadonlyArray<Array<[Span, Tenant]>>,
  ): Array<ShardPart | undefined> {
    const parts = new Array<ShardPart | undefined>(this.shards.length).fill(undefined);
    const owners = tenantsOf(spans.length, tenants);
    const append = appendPart(this.source, pos, day);
    const resources = new BatchResources();
    const scopes = new BatchScopes();
    const size = Math.max(4096, Math.ceil((spans.length * ROW_BYTES) / this.shards.length));
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      if (this.partial.has(s)) continue;
      const tenant = owners[i]!;
      const k = shardOf(this.layout, s.traceId);
      const shard = this.shards[k]!;
      if (shard.takeHeld(s, tenant)) {
        skipped[k]!.push([s, tenant]);
        continue;
      }
      let part = parts[k];
      if (part === undefined) parts[k] = part = { w: new RowBinaryWriter(size), spans: [], owners: [], services: [], newResources: new Map() };
      const resource = resources.of(s.resource);
      // Checked once per resource, tenant and shard of the batch (most batches have one tenant).
      if (resource.checkedFor[k] !== tenant) {
        resource.checkedFor[k] = tenant;
        const key = `${tenant}\0${resource.id}`;
        if (!shard.resourcesWritten.has(key) && !part.newResources.has(key)) part.newResources.set(key, { tenant, day, resource });
      }
      appendRow(part.w, s, tenant, resource.service, append, resource.id, scopes);
      part.spans.push(s);
      part.owners.push(tenant);
      part.services.push(resource.service);
    }
    return parts;
  }

  /** One shard's share of an append; without rows, its position alone when the append has a new one for it. */
  private async write(shard: ShardWriter, part: ShardPart | undefined, pos: bigint | undefined, day: number): Promise<void> {
    const t = shard.tables;
    if (part === undefined) {
      if (pos !== undefined && pos > shard.position) await shard.recordPosition(pos);
    } else {
      if (part.newResources.size > 0) {
        await shard.insertRowBinary(`${t.resources} (tenant, day, id, res_keys, res_values, resource)`, resourceRows([...part.newResources.values()]));
        for (const key of part.newResources.keys()) shard.resourcesWritten.add(key);
      }
      await shard.insertRowBinary(`${t.traceIndex} (tenant, trace_id, day, first, last, services, names)`, indexRows(part.spans, part.owners, part.services, day));
      await shard.insertRowBinary(`${t.spans} (${INSERT_COLUMNS})`, part.w.view());
    }
    shard.wrote(pos);
  }

  /** The lowest of the shards' positions: every shard holds every record up to it. */
  async lastWalPosition(): Promise<bigint> {
    let low = this.shards[0]!.position;
    for (const shard of this.shards) if (shard.position < low) low = shard.position;
    return low;
  }

  protected defaultReads(): SpanReader {
    return this.own;
  }

  /** The reads of one tenant's spans; throws a RangeError for a name isValidTenant refuses. */
  forTenant(tenant: Tenant): SpanReader {
    return tenant === DEFAULT_TENANT ? this.own : new ClickHouseTenantReader(tenant, this.db, this.select, this.resources);
  }

  /**
   * Day partitions that end at or before the cutoff: dropped whole (ALTER TABLE … DROP PARTITION), or, with a
   * tenant, its rows deleted by a mutation (waited for) unless the day holds that tenant alone, then dropped whole.
   * On a cluster, on every shard; the count is of days.
   */
  async dropBefore(cutoff: UnixNanos, tenant?: Tenant): Promise<number> {
    this.assertOpen();
    if (tenant !== undefined) checkTenant(tenant);
    const days = new Set<number>();
    for (const shard of this.shards) for (const day of await shard.dropBefore(cutoff, tenant)) days.add(day);
    return days.size;
  }

  async deleteTraces(traceIds: readonly TraceId[], tenant: Tenant = DEFAULT_TENANT): Promise<number> {
    this.assertOpen();
    checkTenant(tenant);
    const ids = [...new Set(traceIds)].filter(isTraceId);
    if (ids.length === 0) return 0;
    let deleted = 0;
    for (const shard of this.shards) deleted += await shard.deleteTraces(ids, tenant);
    return deleted;
  }

  /**
   * Each tenant's earliest span start (from the trace index: a trace's `first` is its earliest span's start), for
   * range archives attached beside this store (RangeArchiveUnionStore), which answer for what came before it.
   */
  async earliestStarts(): Promise<Map<Tenant, bigint>> {
    const rows = await this.select<{ tenant: string; first: string }>(`SELECT tenant, toString(min(first)) AS first FROM ${this.db}.trace_index GROUP BY tenant`);
    return new Map(rows.map((r) => [r.tenant as Tenant, BigInt(r.first)]));
  }

  async stats(): Promise<StoreStats> {
    this.assertOpen();
    let diskBytes = 0;
    const partitions = new Set<string>();
    for (const shard of this.shards) {
      const p = await shard.parts();
      diskBytes += p.bytes;
      for (const id of p.partitions) partitions.add(id);
    }
    return { diskBytes, partitions: partitions.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.client, ...this.shards.map((s) => s.client)].filter((c, i, all) => all.indexOf(c) === i).map((c) => c.close()));
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('the ClickHouse store is closed', true);
  }
}

/** One index row per (tenant, trace) of a batch: the range of its spans' starts there, its (service, operation) pairs. */
function indexRows(spans: readonly Span[], owners: readonly Tenant[], services: readonly string[], day: number): Buffer {
  type Extent = { tenant: Tenant; traceId: string; first: bigint; last: bigint; ops: Map<string, Set<string>> };
  const byTenant = new Map<Tenant, Map<string, Extent>>();
  let traces: Map<string, Extent> | undefined;
  let tenant: Tenant | undefined;
  let t: Extent | undefined;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (owners[i] !== tenant) {
      tenant = owners[i]!;
      traces = byTenant.get(tenant);
      if (!traces) byTenant.set(tenant, (traces = new Map()));
      t = undefined;
    }
    // A trace's spans mostly come together: the previous span's extent is checked before the map.
    if (t === undefined || t.traceId !== s.traceId) t = traces!.get(s.traceId);
    const start = s.startTimeUnixNano;
    if (t === undefined) traces!.set(s.traceId, (t = { tenant, traceId: s.traceId, first: start, last: start, ops: new Map() }));
    else if (start < t.first) t.first = start;
    else if (start > t.last) t.last = start;
    const names = t.ops.get(services[i]!);
    if (names === undefined) t.ops.set(services[i]!, new Set([s.name]));
    else names.add(s.name);
  }
  const w = new RowBinaryWriter(4096);
  for (const traces of byTenant.values()) {
    for (const t of traces.values()) {
      w.string(t.tenant);
      w.hex(t.traceId);
      w.u32(day);
      w.u64(t.first);
      w.u64(t.last);
      let n = 0;
      for (const names of t.ops.values()) n += names.size;
      w.count(n);
      for (const [service, names] of t.ops) for (let k = 0; k < names.size; k++) w.string(service);
      w.count(n);
      for (const names of t.ops.values()) for (const name of names) w.string(name);
    }
  }
  return w.view();
}

/**
 * Whether an append that failed with `err` may succeed later: not when ClickHouse refused the data itself (a value
 * it cannot parse or hold); yes for connection, memory, too-many-parts and everything else.
 */
function isRetryable(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return !/Cannot parse|CANNOT_PARSE|TYPE_MISMATCH|Type mismatch|too large|TOO_LARGE/i.test(message);
}

/**
 * Opens (or creates and migrates) the ClickHouse store: on one server, or, with `cluster` and `shards`, over the
 * cluster's shards (each migrated here, all at once; checked against the cluster's system.clusters first).
 * @example const store = await openClickHouseStore({ url: 'http://127.0.0.1:8123', database: 'clew', source: 'collector-1' })
 * @example const store = await openClickHouseStore({ url: 'http://ch1:8123', cluster: 'clew', shards: ['http://ch1:8123', 'http://ch2:8123'] })
 */
export async function openClickHouseStore(opts: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  const db = checkDatabase(opts.database ?? 'clew');
  const cluster = opts.cluster;
  if (cluster === undefined && opts.shards !== undefined && opts.shards.length > 0) {
    throw new Error('storage.clickhouse.shards is for a named cluster: name it in storage.clickhouse.cluster (--clickhouse-cluster)');
  }
  if (cluster !== undefined && (opts.shards === undefined || opts.shards.length === 0)) {
    throw new Error(`cluster ${cluster}: storage.clickhouse.shards must give the HTTP URL of each shard's server (Clew migrates and writes each shard itself)`);
  }
  const connect = (url: string) => clickHouseClient({ ...opts, url }, cluster !== undefined ? { distributed_product_mode: 'global' } : {});
  const authorization = `Basic ${Buffer.from(`${opts.username ?? 'default'}:${opts.password ?? ''}`).toString('base64')}`;
  const target = (url: string) => ({ url: url.replace(/\/+$/, ''), authorization });
  const source = opts.source ?? 'default';
  const client = connect(opts.url);
  const opened: ClickHouseClient[] = [client];
  try {
    let layout: ClusterLayout;
    let shards: ShardWriter[];
    let features: ServerFeatures;
    if (cluster === undefined) {
      layout = { name: '', shards: [{ url: opts.url, num: 1, weight: 1 }], slots: [0] };
      features = await migrate(client, db);
      shards = [new ShardWriter(client, target(opts.url), db, SINGLE_TABLES, source)];
    } else {
      layout = await resolveCluster(cluster, opts.url, connect, opts.shards!);
      const clients = layout.shards.map((shard) => connect(shard.url));
      opened.push(...clients);
      // Each shard is its own server: migrated at once.
      features = (await Promise.all(clients.map((c) => migrate(c, db, cluster))))[0]!;
      shards = layout.shards.map((shard, k) => new ShardWriter(clients[k]!, target(shard.url), db, LOCAL_TABLES, source));
    }
    const store = new ClickHouseStore(client, db, source, opts.now ?? nowNanos, shards, layout);
    store.serverFeatures = features;
    await store.load();
    return store;
  } catch (err) {
    await Promise.all(opened.map((c) => c.close()));
    throw err;
  }
}
