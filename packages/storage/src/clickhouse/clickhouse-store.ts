import type { ClickHouseClient } from '@clickhouse/client';
import { createClient } from '@clickhouse/client';
import type { Span, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, nowNanos } from '@clew/model';
import type {
  Operation,
  OperationQuery,
  SpanReader,
  Store,
  StoreStats,
  TenantRun,
  TimeWindow,
  TraceDigest,
  TracePoints,
  TraceQuery,
  TraceSearchResult,
} from '../store.js';
import { StoreError } from '../store.js';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from '../span-comparison.js';
import { tenantsOf } from '../duckdb/span-writer.js';
import type { ClickHouseStoreOptions } from './options.js';

export type { ClickHouseStoreOptions } from './options.js';
import { migrate } from './schema.js';
import { RowBinaryWriter } from './row-binary.js';
import { appendPart, appendRow, INSERT_COLUMNS, RepeatedParts } from './span-rows.js';
import { checkDatabase, checkTenant, dayOf, NANOS_PER_DAY, str } from './sql.js';
import type { Select } from './tenant-reader.js';
import { ClickHouseTenantReader } from './tenant-reader.js';

/** How long dropBefore waits for a tenant's DELETE mutation to finish before it gives up. */
const MUTATION_TIMEOUT_MS = 60_000;

/**
 * The scale-out store: spans in ClickHouse (see schema.ts), written by any number of collectors, each under its own
 * `source`, and read by any number of query nodes. The store's own reads are DEFAULT_TENANT's.
 */
export class ClickHouseStore implements Store {
  private readonly select: Select = async <T>(sql: string): Promise<T[]> => {
    this.assertOpen();
    return (await this.client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  };
  private readonly own: ClickHouseTenantReader;
  private closed = false;
  /** This source's last walPosition, read once at open and kept as appends succeed. */
  private wal = 0n;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
    private readonly source: string,
    private readonly now: () => UnixNanos,
    /** Where RowBinary INSERTs go, past the client. */
    private readonly http: { readonly url: string; readonly authorization: string },
  ) {
    this.own = new ClickHouseTenantReader(DEFAULT_TENANT, db, this.select);
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
   * Two INSERTs: the trace index first, then the spans with their walPosition. A crash between them leaves index
   * rows that point at no span (harmless: a read finds nothing there, and the replay of the batch writes them again)
   * and never a span the index cannot find. The spans' INSERT is one block into one day partition: ClickHouse
   * writes it as one part, whole or not at all.
   */
  async append(spans: readonly Span[], walPosition?: bigint, tenants?: readonly TenantRun[]): Promise<void> {
    this.assertOpen();
    if (spans.length === 0 && walPosition === undefined) return;
    const day = dayOf(this.now());
    const pos = walPosition ?? 0n;
    let rows: Buffer;
    let index: Buffer;
    try {
      const owners = tenantsOf(spans.length, tenants);
      const w = new RowBinaryWriter(Math.max(4096, spans.length * 400));
      const append = appendPart(this.source, pos, day);
      const repeated = new RepeatedParts();
      for (let i = 0; i < spans.length; i++) appendRow(w, spans[i]!, owners[i]!, append, repeated);
      rows = w.view();
      index = indexRows(spans, owners, day);
    } catch (err) {
      throw new StoreError(`ClickHouse append of ${spans.length} spans refused: ${(err as Error).message}`, false, { cause: err });
    }
    try {
      if (spans.length === 0) {
        await this.client.insert({ table: `${this.db}.wal_positions`, values: [{ source: this.source, wal_pos: pos.toString() }], format: 'JSONEachRow' });
      } else {
        await this.insertRowBinary(`${this.db}.trace_index (tenant, trace_id, day, first, last)`, index);
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

  getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    return this.own.getTrace(traceId, window);
  }

  getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    return this.own.getTraceOutline(traceId, window);
  }

  getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    return this.own.getTraces(traceIds);
  }

  findTraces(q: TraceQuery): Promise<TraceSearchResult> {
    return this.own.findTraces(q);
  }

  summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    return this.own.summarizeTraces(traceIds);
  }

  tracePoints(q: TraceQuery, max: number): Promise<TracePoints> {
    return this.own.tracePoints(q, max);
  }

  latencyHeatmap(q: HeatmapQuery): Promise<LatencyHeatmap> {
    return this.own.latencyHeatmap(q);
  }

  attributeCounts(q: AttributeCountsQuery): Promise<AttributeCounts> {
    return this.own.attributeCounts(q);
  }

  services(): Promise<string[]> {
    return this.own.services();
  }

  operations(q: OperationQuery): Promise<Operation[]> {
    return this.own.operations(q);
  }

  /** The reads of one tenant's spans; throws a RangeError for a name isValidTenant refuses. */
  forTenant(tenant: Tenant): SpanReader {
    return tenant === DEFAULT_TENANT ? this.own : new ClickHouseTenantReader(tenant, this.db, this.select);
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
        for (const table of ['spans', 'trace_index']) {
          await this.client.command({ query: `ALTER TABLE ${this.db}.${table} DROP PARTITION ${Number(day)}` });
        }
      } else {
        for (const table of ['spans', 'trace_index']) {
          await this.client.command({ query: `ALTER TABLE ${this.db}.${table} DELETE WHERE ${rows}` });
        }
        await this.waitForMutations();
      }
      dropped++;
    }
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

/** One index row per (tenant, trace) of a batch, with the range of its spans' starts there. */
function indexRows(spans: readonly Span[], owners: readonly Tenant[], day: number): Buffer {
  const byTrace = new Map<string, { tenant: Tenant; traceId: string; first: bigint; last: bigint }>();
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const id = `${owners[i]}\0${s.traceId}`;
    const start = BigInt.asUintN(64, s.startTimeUnixNano);
    const t = byTrace.get(id);
    if (!t) byTrace.set(id, { tenant: owners[i]!, traceId: s.traceId, first: start, last: start });
    else {
      if (start < t.first) t.first = start;
      if (start > t.last) t.last = start;
    }
  }
  const w = new RowBinaryWriter(byTrace.size * 48 + 64);
  for (const t of byTrace.values()) {
    w.string(t.tenant);
    w.hex(t.traceId);
    w.u32(day);
    w.u64(t.first);
    w.u64(t.last);
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
  const client = createClient({
    url: opts.url,
    username: opts.username ?? 'default',
    password: opts.password ?? '',
    // 64-bit integers arrive quoted (the default, said here because the rows are parsed as such).
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
  try {
    await migrate(client, db);
    const authorization = `Basic ${Buffer.from(`${opts.username ?? 'default'}:${opts.password ?? ''}`).toString('base64')}`;
    const store = new ClickHouseStore(client, db, opts.source ?? 'default', opts.now ?? nowNanos, { url: opts.url.replace(/\/+$/, ''), authorization });
    await store.load();
    return store;
  } catch (err) {
    await client.close();
    throw err;
  }
}
