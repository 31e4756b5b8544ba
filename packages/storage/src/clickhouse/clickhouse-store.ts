import type { ClickHouseClient } from '@clickhouse/client';
import type { Span, Tenant, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, nowNanos } from '@clew/model';
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
import type { ClickHouseStoreOptions } from './options.js';

export type { ClickHouseStoreOptions } from './options.js';
import { migrate } from './schema.js';
import { RowBinaryWriter } from './row-binary.js';
import type { StoredResource } from './resources.js';
import { BatchResources, ResourceCache, resourceRows } from './resources.js';
import { appendPart, appendRow, BatchScopes, INSERT_COLUMNS } from './span-rows.js';
import { checkDatabase, checkTenant, dayOf, NANOS_PER_DAY, str } from './sql.js';
import type { Select } from './tenant-reader.js';
import { ClickHouseTenantReader } from './tenant-reader.js';

/** The tables partitioned by ingest day, which retention drops together. */
const DAY_TABLES = ['spans', 'trace_index', 'resources'];

/** How long dropBefore waits for a tenant's DELETE mutation to finish before it gives up. */
const MUTATION_TIMEOUT_MS = 60_000;

/**
 * The scale-out store: spans in ClickHouse (see schema.ts), written by any number of collectors, each under its own
 * `source`, and read by any number of query nodes. The store's own reads are DEFAULT_TENANT's.
 */
export class ClickHouseStore extends DefaultTenantReads implements Store {
  private readonly select: Select = async <T>(sql: string): Promise<T[]> => {
    this.assertOpen();
    return (await this.client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  };
  private readonly own: ClickHouseTenantReader;
  private closed = false;
  /** This source's last walPosition, read once at open and kept as appends succeed. */
  private wal = 0n;
  /** The (tenant, resource id) pairs this store has written into the resources table for `resourcesDay`. */
  private readonly resourcesWritten = new Set<string>();
  private resourcesDay = -1;
  private readonly resources: ResourceCache;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
    private readonly source: string,
    private readonly now: () => UnixNanos,
    /** Where RowBinary INSERTs go, past the client. */
    private readonly http: { readonly url: string; readonly authorization: string },
  ) {
    super();
    this.resources = new ResourceCache(db, this.select);
    this.own = new ClickHouseTenantReader(DEFAULT_TENANT, db, this.select, this.resources);
  }

  /**
   * The highest walPosition this source recorded: on its span rows (written in the same INSERT as the spans, so
   * that a crash keeps both or neither) and in wal_positions (appends without spans, and the floor kept when
   * retention removes rows). Positions only grow, so the highest is the last.
   */
  async load(): Promise<void> {
    const s = str(this.source);
    const rows = await this.select<{ w: string }>(
      `SELECT max(wal_pos) AS w FROM ${this.db}.spans WHERE source = ${s}
       UNION ALL SELECT max(wal_pos) AS w FROM ${this.db}.wal_positions WHERE source = ${s}`,
    );
    for (const r of rows) if (BigInt(r.w) > this.wal) this.wal = BigInt(r.w);
  }

  /**
   * Up to three INSERTs: the batch's resources this store has not written that day, the trace index, then the
   * spans with their walPosition. A crash between them leaves resource or index rows that no span names (harmless:
   * a read finds nothing there, and the replay of the batch writes them again), never a span the index cannot find
   * or without its resource. The spans' INSERT is one block into one day partition: ClickHouse
   * writes it as one part, whole or not at all.
   */
  async append(spans: readonly Span[], walPosition?: bigint, tenants?: readonly TenantRun[]): Promise<void> {
    this.assertOpen();
    if (spans.length === 0 && walPosition === undefined) return;
    const day = dayOf(this.now());
    const pos = walPosition ?? 0n;
    let rows: Buffer;
    let index: Buffer;
    if (day !== this.resourcesDay) {
      this.resourcesDay = day;
      this.resourcesWritten.clear();
    }
    const newResources = new Map<string, { tenant: Tenant; day: number; resource: StoredResource }>();
    try {
      const owners = tenantsOf(spans.length, tenants);
      const w = new RowBinaryWriter(Math.max(4096, spans.length * 320));
      const append = appendPart(this.source, pos, day);
      const resources = new BatchResources();
      const services = new Array<string>(spans.length);
      const scopes = new BatchScopes();
      for (let i = 0; i < spans.length; i++) {
        const s = spans[i]!;
        const tenant = owners[i]!;
        const resource = resources.of(s.resource);
        services[i] = resource.service;
        // Checked once per resource and tenant of the batch (most batches have one tenant).
        if (resource.checkedFor !== tenant) {
          resource.checkedFor = tenant;
          const key = `${tenant}\0${resource.id}`;
          if (!this.resourcesWritten.has(key) && !newResources.has(key)) newResources.set(key, { tenant, day, resource });
        }
        appendRow(w, s, tenant, resource.service, append, resource.id, scopes);
      }
      rows = w.view();
      index = indexRows(spans, owners, services, day);
    } catch (err) {
      throw new StoreError(`ClickHouse append of ${spans.length} spans refused: ${(err as Error).message}`, false, { cause: err });
    }
    try {
      if (spans.length === 0) {
        await this.client.insert({ table: `${this.db}.wal_positions`, values: [{ source: this.source, wal_pos: pos.toString() }], format: 'JSONEachRow' });
      } else {
        if (newResources.size > 0) {
          await this.insertRowBinary(`${this.db}.resources (tenant, day, id, res_keys, res_values, resource)`, resourceRows([...newResources.values()]));
          for (const key of newResources.keys()) this.resourcesWritten.add(key);
        }
        await this.insertRowBinary(`${this.db}.trace_index (tenant, trace_id, day, first, last, services, names)`, index);
        await this.insertRowBinary(`${this.db}.spans (${INSERT_COLUMNS})`, rows);
      }
    } catch (err) {
      throw new StoreError(`ClickHouse append of ${spans.length} spans failed: ${(err as Error).message}`, isRetryable(err), { cause: err });
    }
    if (pos > this.wal) this.wal = pos;
  }

  /**
   * One INSERT in RowBinary over the HTTP interface (@clickhouse/client sends only text formats): one block, so one
   * part. Throws ClickHouse's own message when it refuses.
   */
  private async insertRowBinary(into: string, data: Buffer): Promise<void> {
    const res = await fetch(`${this.http.url}/?query=${encodeURIComponent(`INSERT INTO ${into} FORMAT RowBinary`)}`, {
      method: 'POST',
      headers: { Authorization: this.http.authorization },
      body: data,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(text.trim() || `HTTP ${res.status}`);
  }

  async lastWalPosition(): Promise<bigint> {
    return this.wal;
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
   * Before rows go, each source's highest walPosition among them is kept in wal_positions.
   */
  async dropBefore(cutoff: UnixNanos, tenant?: Tenant): Promise<number> {
    this.assertOpen();
    if (tenant !== undefined) checkTenant(tenant);
    const days = await this.select<{ day: number; tenants: string[] }>(
      `SELECT day, groupUniqArray(tenant) AS tenants FROM ${this.db}.spans GROUP BY day ORDER BY day`,
    );
    let dropped = 0;
    for (const { day, tenants } of days) {
      if (BigInt(Number(day) + 1) * NANOS_PER_DAY > cutoff) continue;
      if (tenant !== undefined && !tenants.includes(tenant)) continue;
      const whole = tenant === undefined || tenants.length === 1;
      const rows = whole ? `day = ${Number(day)}` : `day = ${Number(day)} AND tenant = ${str(tenant!)}`;
      await this.client.command({
        query: `INSERT INTO ${this.db}.wal_positions SELECT source, max(wal_pos) FROM ${this.db}.spans WHERE ${rows} GROUP BY source`,
      });
      if (whole) {
        for (const table of DAY_TABLES) {
          await this.client.command({ query: `ALTER TABLE ${this.db}.${table} DROP PARTITION ${Number(day)}` });
        }
      } else {
        for (const table of DAY_TABLES) {
          await this.client.command({ query: `ALTER TABLE ${this.db}.${table} DELETE WHERE ${rows}` });
        }
        await this.waitForMutations();
      }
      dropped++;
    }
    // A dropped day's resources are written again if spans of that day come.
    if (dropped > 0) this.resourcesWritten.clear();
    return dropped;
  }

  /** DELETE mutations run in the background (18.16 has no mutations_sync): polls until this database has none left. */
  private async waitForMutations(): Promise<void> {
    const deadline = Date.now() + MUTATION_TIMEOUT_MS;
    for (;;) {
      const [r] = await this.select<{ n: string }>(`SELECT count() AS n FROM system.mutations WHERE database = ${str(this.db)} AND is_done = 0`);
      if (Number(r?.n ?? 0) === 0) return;
      if (Date.now() > deadline) throw new StoreError(`ClickHouse mutations in ${this.db} still running after ${MUTATION_TIMEOUT_MS} ms`, true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stats(): Promise<StoreStats> {
    const [r] = await this.select<{ bytes: string; partitions: string }>(
      `SELECT sum(bytes_on_disk) AS bytes, uniqExactIf(partition, table = 'spans') AS partitions
       FROM system.parts WHERE database = ${str(this.db)} AND active`,
    );
    return { diskBytes: Number(r?.bytes ?? 0), partitions: Number(r?.partitions ?? 0) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
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
 * Opens (or creates and migrates) the ClickHouse store.
 * @example const store = await openClickHouseStore({ url: 'http://127.0.0.1:8123', database: 'clew', source: 'collector-1' })
 */
export async function openClickHouseStore(opts: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  const db = checkDatabase(opts.database ?? 'clew');
  const client = clickHouseClient(opts);
  try {
    await migrate(client, db);
    const authorization = `Basic ${Buffer.from(`${opts.username ?? 'default'}:${opts.password ?? ''}`).toString('base64')}`;
    const http = { url: opts.url.replace(/\/+$/, ''), authorization };
    const store = new ClickHouseStore(client, db, opts.source ?? 'default', opts.now ?? nowNanos, http);
    await store.load();
    return store;
  } catch (err) {
    await client.close();
    throw err;
  }
}
