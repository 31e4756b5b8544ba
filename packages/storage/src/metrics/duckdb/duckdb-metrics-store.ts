import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDBInstance } from '../../duckdb/node-api.js';
import { createInstance } from '../../duckdb/instance.js';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT, isValidTenant } from '@clew/model';
import type {
  EdgePoint,
  EdgeQuery,
  EpochMillis,
  ErrorQuery,
  ErrorTotal,
  MetricsBatch,
  MetricsReader,
  MetricsStore,
  SpanMetricsPoint,
  SpanMetricsQuery,
  StoredDocument,
} from '../metrics-store.js';
import { ConnectionPool } from '../../duckdb/connection-pool.js';
import { ubigint } from '../../duckdb/sql.js';
import { deleteDocument, listDocuments, putDocument } from './documents.js';
import { appendEdges, appendErrors, readEdges, readTopErrors } from './edges-and-errors.js';
import type { MetricsMeta } from './metrics-schema.js';
import { createSchema } from './metrics-schema.js';
import type { DuckDBMetricsStoreOptions } from './options.js';
import { SeriesDictionary } from './series-dictionary.js';
import { ClosedPeriodCache } from './closed-period-cache.js';
import { compactDeltas } from './compaction.js';
import { GroupingCache } from './query-grouping.js';
import { sortDay } from './day-sort.js';
import { ReadLock } from './read-lock.js';
import { rollUp } from './rollup.js';
import type { DeltaMinutes } from './delta-minutes.js';
import { deltaMinutes, widened } from './delta-minutes.js';
import { queryMinutes, readSpanMetrics, stepMinutes } from './span-metrics-reader.js';
import type { RolledTier, TierSegment } from './tier-plan.js';
import { planSegments } from './tier-plan.js';
import type { SpanCell } from './span-rows.js';
import { cellsOf } from './span-rows.js';
import { appendCells } from './span-writer.js';
import { dayTable, MINUTES_PER_DAY, PERIODS, SERVICE_PERIODS, serviceTable, TierTables } from './tier-tables.js';

/**
 * Minutes a period waits after it ends before compaction and rollups treat it as complete. Later deltas are still
 * counted exactly (they go into every tier); waiting only keeps them rare.
 */
const GRACE_MINUTES = 5;
/** A minute further ahead of the wall clock than this does not move the watermark (a skewed client clock). */
const MAX_AHEAD_MINUTES = 60;
/** The closed-period cache's default budget (`spanCacheBytes`). */
const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

/** The metrics rollups in one DuckDB file (see the storage README's "Metrics store"). */
export class DuckDBMetricsStore implements MetricsStore {
  private writes: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /**
   * Reads share it from planning their tables to their last row; creating, swapping or dropping a table (and the
   * checkpoint, which DuckDB refuses while reads run) takes it alone. See the README's "Reads and maintenance".
   */
  private readonly lock = new ReadLock();
  private readonly afterPlan: (() => Promise<void>) | undefined;
  /** Merged span metrics of closed periods; undefined when turned off. */
  private readonly cache: ClosedPeriodCache | undefined;
  private readonly groupings = new GroupingCache();

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly readers: ConnectionPool,
    private readonly dict: SeriesDictionary,
    private meta: MetricsMeta,
    private readonly tables: TierTables,
    /** The latest minute appended (capped near the wall clock): periods well before it are complete. */
    private watermark: number,
    /** Minutes the delta tables may hold rows of (see DeltaMinutes); null: none. */
    private deltas: DeltaMinutes | null,
    opts: DuckDBMetricsStoreOptions,
  ) {
    this.afterPlan = opts.afterPlan;
    const cacheBytes = opts.spanCacheBytes ?? DEFAULT_CACHE_BYTES;
    this.cache = cacheBytes > 0 ? new ClosedPeriodCache(cacheBytes) : undefined;
    const every = opts.maintenanceIntervalMs ?? 60_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.maintain().catch(() => undefined), every);
      this.timer.unref();
    }
  }

  /** Writes run one at a time on the writer connection: a DuckDB transaction belongs to its connection. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  append(batch: MetricsBatch, walPosition: bigint): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      const conn = this.writer;
      const wal = walPosition > this.meta.wal ? walPosition : this.meta.wal;
      let cells: ReturnType<typeof cellsOf>;
      try {
        cells = cellsOf(batch.spans, this.dict);
        await conn.run('BEGIN TRANSACTION');
        await this.dict.write(conn);
        await appendCells(conn, 'span_delta', cells.series, false);
        await appendCells(conn, 'svc_delta', cells.services, false);
        await appendEdges(conn, batch.edges);
        await appendErrors(conn, batch.errors);
        this.deltas = widened(this.deltas, cells.services);
        await conn.run(`UPDATE meta SET wal = ${ubigint(wal)}; COMMIT`);
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        this.dict.rollback();
        throw err;
      }
      this.dict.commit();
      this.meta = { ...this.meta, wal };
      // After the commit: a read that began before it either cached first (and its entries go now) or is refused.
      if (this.cache && cells.series.some((c) => c.t < this.cache!.closedHigh)) {
        for (const [tenant, minutes] of minutesByTenant(cells.series, this.dict)) this.cache.touched(tenant, minutes);
      }
      const ahead = Math.floor(Date.now() / 60_000) + MAX_AHEAD_MINUTES;
      for (const c of cells.services) if (c.t > this.watermark && c.t <= ahead) this.watermark = c.t;
    });
  }

  async lastPosition(): Promise<bigint> {
    return this.meta.wal;
  }

  /** DEFAULT_TENANT's span metrics; `forTenant` reads another's. */
  spanMetrics(query: SpanMetricsQuery): Promise<SpanMetricsPoint[]> {
    return this.spanMetricsOf(DEFAULT_TENANT, query);
  }

  /**
   * One tenant's reads. Views share the store's connections, dictionary and lock; the tenant picks the series ids
   * and is a filter on edges, errors and documents.
   */
  forTenant(tenant: Tenant): MetricsReader {
    assertTenant(tenant);
    return {
      spanMetrics: (query) => this.spanMetricsOf(tenant, query),
      edges: (query) => this.read((c) => readEdges(c, tenant, query)),
      topErrors: (query) => this.read((c) => readTopErrors(c, tenant, query)),
      listDocuments: (collection) => this.read((c) => listDocuments(c, tenant, collection)),
      putDocument: (collection, doc) => this.serial(async () => {
        this.assertOpen();
        await putDocument(this.writer, tenant, collection, doc);
      }),
      deleteDocument: (collection, id) => this.serial(async () => {
        this.assertOpen();
        return deleteDocument(this.writer, tenant, collection, id);
      }),
    };
  }

  private spanMetricsOf(tenant: Tenant, query: SpanMetricsQuery): Promise<SpanMetricsPoint[]> {
    // The tiers and tables are planned inside the read lock, from the state the last change left.
    return this.read((c) =>
      readSpanMetrics(
        c,
        tenant,
        query,
        this.dict,
        this.rolledTiers(tenant),
        (seg, serviceLevel) => this.tables.sourcesOf(seg, serviceLevel),
        this.deltas,
        this.afterPlan,
        // Minutes past the compaction grace are closed: appends rarely touch them (and invalidate when they do).
        { periods: this.cache, closedBefore: this.watermark - GRACE_MINUTES, groupings: this.groupings },
      ),
    );
  }

  /** The rolled tiers as one tenant reads them: from its own floor when its retention is shorter. */
  private rolledTiers(tenant: Tenant): RolledTier[] {
    const { rolled15, rolled60, rolled360 } = this.meta;
    const floorT = Math.max(this.meta.floorT, this.meta.tenantFloors.get(tenant) ?? 0);
    return [
      { period: 15, lo: floorT, hi: rolled15 },
      { period: 60, lo: floorT, hi: rolled60 },
      { period: 360, lo: floorT, hi: rolled360, serviceLevel: true },
    ];
  }

  /**
   * What the tiers hold now and how a query's window would be read from them, by operation or (`serviceLevel`) by
   * service (for tests and benchmarks).
   */
  tierState(query?: Pick<SpanMetricsQuery, 'from' | 'to' | 'step'>, tenant: Tenant = DEFAULT_TENANT, serviceLevel = false): {
    tiers: RolledTier[];
    sortedDay: number;
    days: number[];
    plan: TierSegment[];
    changeWaiting: boolean;
  } {
    const tiers = this.rolledTiers(tenant);
    const plan = query ? planSegments(...queryMinutes(query.from, query.to), stepMinutes(query.step), tiers.filter((t) => serviceLevel || !t.serviceLevel)) : [];
    return { tiers, sortedDay: this.meta.sortedDay, days: this.tables.allDays(), plan, changeWaiting: this.lock.changeWaiting };
  }

  /** How many closed periods the span-metrics cache holds and their estimated bytes (for benchmarks). */
  cacheSize(): { entries: number; bytes: number } {
    return this.cache?.size ?? { entries: 0, bytes: 0 };
  }

  edges(query: EdgeQuery): Promise<EdgePoint[]> {
    return this.read((c) => readEdges(c, DEFAULT_TENANT, query));
  }

  topErrors(query: ErrorQuery): Promise<ErrorTotal[]> {
    return this.read((c) => readTopErrors(c, DEFAULT_TENANT, query));
  }

  dropBefore(cutoff: EpochMillis, tenant?: Tenant): Promise<number> {
    if (tenant !== undefined) {
      assertTenant(tenant);
      return this.serial(() => this.dropTenantBefore(Math.ceil(cutoff / 60_000), tenant));
    }
    return this.serial(async () => {
      this.assertOpen();
      const t = Math.ceil(cutoff / 60_000);
      const whole = PERIODS.flatMap((p) => this.tables.daysOf(p).filter((d) => (d + 1) * MINUTES_PER_DAY <= t).map((d) => [p, d] as const));
      const partial = PERIODS.flatMap((p) => this.tables.daysIn(p, t - 1, t).filter((d) => (d + 1) * MINUTES_PER_DAY > t).map((d) => [p, d] as const));
      // Whole days go with their tables (DuckDB reuses a dropped table's blocks; a DELETE leaves holes until a
      // checkpoint).
      const conn = this.writer;
      let dropped = 0;
      await conn.run('BEGIN TRANSACTION');
      try {
        for (const [p, d] of whole) {
          // Minute rows at the series level are what dropBefore reports.
          if (p === 1) dropped += Number((await conn.runAndReadAll(`SELECT count(*) FROM ${dayTable(p, d)}`)).getRows()[0]![0]);
          await conn.run(`DROP TABLE ${dayTable(p, d)}`);
        }
        for (const table of ['span_delta', ...partial.filter(([p]) => p === 1).map(([p, d]) => dayTable(p, d)), 'edge_min', 'error_min']) {
          dropped += Number((await conn.run(`DELETE FROM ${table} WHERE t < ${t}`)).rowsChanged);
        }
        // A rolled period that starts before the cutoff goes whole; reads take its remaining minutes from the
        // minute tiers (the plan starts each tier at the first whole period after the floor).
        const rest = ['svc_delta', ...SERVICE_PERIODS.map(serviceTable), ...partial.filter(([p]) => p !== 1).map(([p, d]) => dayTable(p, d))];
        for (const table of rest) await conn.run(`DELETE FROM ${table} WHERE t < ${t}`);
        const floorT = Math.max(this.meta.floorT, t);
        await conn.run(`UPDATE meta SET floor_t = ${floorT}`);
        // The commit, the day list and the floor change together under the lock: a read planned with the dropped
        // tables, or with the old floor (which would read a period deleted whole), finishes first.
        await this.lock.exclusive(async () => {
          await conn.run('COMMIT');
          for (const [p, d] of whole) this.tables.removeDay(p, d);
          this.meta = { ...this.meta, floorT };
          this.cache?.dropped(t, undefined);
        });
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      return dropped;
    });
  }

  /**
   * One tenant's rows before minute `t`, from every table: its series' rows are found by id (the dictionary's
   * tables say whose an id is), its edges and errors by name. Day tables stay (other tenants' rows are in them).
   * The tenant's floor moves, not the store's: its reads take the rest of a rolled period cut here from the minute
   * tier, as the store's do after a dropBefore of all.
   */
  private async dropTenantBefore(t: number, tenant: Tenant): Promise<number> {
    this.assertOpen();
    const conn = this.writer;
    const bySeries = `t < ${t} AND id IN (SELECT sid FROM series WHERE tenant = $1)`;
    const byService = `t < ${t} AND id IN (SELECT vid FROM services WHERE tenant = $1)`;
    const before = (d: number): boolean => d * MINUTES_PER_DAY < t;
    let dropped = 0;
    await conn.run('BEGIN TRANSACTION');
    try {
      // Minute rows at the series level, edges and errors are what dropBefore reports.
      for (const table of ['span_delta', ...this.tables.daysOf(1).filter(before).map((d) => dayTable(1, d))]) {
        dropped += Number((await conn.run(`DELETE FROM ${table} WHERE ${bySeries}`, [tenant])).rowsChanged);
      }
      for (const table of ['edge_min', 'error_min']) {
        dropped += Number((await conn.run(`DELETE FROM ${table} WHERE t < ${t} AND tenant = $1`, [tenant])).rowsChanged);
      }
      for (const p of [15, 60] as const) {
        for (const d of this.tables.daysOf(p).filter(before)) await conn.run(`DELETE FROM ${dayTable(p, d)} WHERE ${bySeries}`, [tenant]);
      }
      for (const table of ['svc_delta', ...SERVICE_PERIODS.map(serviceTable)]) await conn.run(`DELETE FROM ${table} WHERE ${byService}`, [tenant]);
      const floorT = Math.max(this.meta.tenantFloors.get(tenant) ?? 0, t);
      await conn.run(`INSERT OR REPLACE INTO tenant_floor VALUES ($1, ${floorT})`, [tenant]);
      // As for a dropBefore of all: a read planned with the old floor finishes before the commit.
      await this.lock.exclusive(async () => {
        await conn.run('COMMIT');
        this.meta = { ...this.meta, tenantFloors: new Map(this.meta.tenantFloors).set(tenant, floorT) };
        this.cache?.dropped(t, tenant);
      });
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return dropped;
  }

  listDocuments(collection: string): Promise<StoredDocument[]> {
    return this.read((c) => listDocuments(c, DEFAULT_TENANT, collection));
  }

  putDocument(collection: string, doc: StoredDocument): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      await putDocument(this.writer, DEFAULT_TENANT, collection, doc);
    });
  }

  deleteDocument(collection: string, id: string): Promise<boolean> {
    return this.serial(async () => {
      this.assertOpen();
      return deleteDocument(this.writer, DEFAULT_TENANT, collection, id);
    });
  }

  /**
   * Compaction, rollups, sorting complete days, and a checkpoint: run on a timer, off the append path (each step
   * its own transaction, queued between appends).
   */
  maintain(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      const complete = this.watermark - GRACE_MINUTES;
      const conn = this.writer;
      await compactDeltas(conn, this.meta, this.tables, complete, this.lock);
      this.deltas = await deltaMinutes(conn);
      this.meta = await rollUp(conn, this.meta, this.tables, 15, complete, this.lock);
      this.meta = await rollUp(conn, this.meta, this.tables, 60, complete, this.lock);
      this.meta = await rollUp(conn, this.meta, this.tables, 360, complete, this.lock);
      const days = this.tables.allDays().filter((d) => d >= this.meta.sortedDay && (d + 1) * MINUTES_PER_DAY <= complete);
      for (const d of days) {
        await sortDay(conn, this.tables, d, this.lock);
        await conn.run(`UPDATE meta SET sorted_day = ${d + 1}`);
        this.meta = { ...this.meta, sortedDay: d + 1 };
      }
      await this.lock.exclusive(() => conn.run('CHECKPOINT'));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.maintain();
    this.closed = true;
    await this.serial(async () => {
      this.readers.close();
      this.writer.closeSync();
      this.instance.closeSync();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the DuckDB metrics store is closed');
  }

  private read<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.lock.shared(() => this.readers.use(fn));
  }
}

/** The minutes an append's series cells touched, per tenant (a batch holds a minute or two of each). */
function minutesByTenant(cells: readonly SpanCell[], dict: SeriesDictionary): Map<Tenant, Set<number>> {
  const out = new Map<Tenant, Set<number>>();
  for (const c of cells) {
    const tenant = dict.series[c.id]!.tenant;
    let set = out.get(tenant);
    if (!set) out.set(tenant, (set = new Set()));
    set.add(c.t);
  }
  return out;
}

/** A tenant name reaches SQL only as a parameter; one that breaks the naming rule is a caller's bug. */
function assertTenant(tenant: Tenant): void {
  if (!isValidTenant(tenant)) throw new RangeError(`metrics store: ${JSON.stringify(tenant)} is not a tenant name (letters, digits, '_', '.', '-'; 1 to 64)`);
}

/**
 * Opens (or creates) the metrics store in one DuckDB file.
 * @example const metrics = await openDuckDBMetricsStore({ path: join(dataDir, 'metrics', 'metrics.duckdb') })
 */
export async function openDuckDBMetricsStore(opts: DuckDBMetricsStoreOptions): Promise<DuckDBMetricsStore> {
  await mkdir(dirname(opts.path), { recursive: true });
  const instance = await createInstance(opts.path, { memoryLimit: opts.memoryLimit ?? '512MB', threads: opts.threads });
  const writer = await instance.connect();
  try {
    // Automatic checkpoints stall appends (DESIGN §6): the store checkpoints from its maintenance instead.
    await writer.run(`SET checkpoint_threshold = '1000GB'`);
    const meta = await createSchema(writer);
    const dict = await SeriesDictionary.load(writer);
    const tables = await TierTables.load(writer);
    const latest = (await writer.runAndReadAll('SELECT max(t) FROM (SELECT max(t) AS t FROM span_delta UNION ALL SELECT max(t) FROM svc_m1)')).getRows();
    const watermark = Number(latest[0]![0] ?? 0);
    const deltas = await deltaMinutes(writer);
    return new DuckDBMetricsStore(instance, writer, new ConnectionPool(instance), dict, meta, tables, watermark, deltas, opts);
  } catch (err) {
    writer.closeSync();
    instance.closeSync();
    throw err;
  }
}
