import type { ClickHouseClient } from '@clickhouse/client';
import { clickHouseClient } from '../client.js';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type {
  EdgePoint,
  EdgeQuery,
  ErrorQuery,
  ErrorTotal,
  MetricsBatch,
  MetricsReader,
  MetricsStore,
  SpanMetricsPoint,
  SpanMetricsQuery,
  StoredDocument,
} from '../../metrics/metrics-store.js';
import { StoreError } from '../../store.js';
import { checkDatabase, checkTenant, str } from '../sql.js';
import type { MetricsDb } from './documents.js';
import type { AppendRows } from './metrics-rows.js';
import { appendRows } from './metrics-rows.js';
import { migrateMetrics, PARTITION_MINUTES, ROW_TABLES } from './metrics-schema.js';
import type { ClickHouseMetricsStoreOptions } from './options.js';
import { ClickHouseMetricsReader } from './tenant-reader.js';

export type { ClickHouseMetricsStoreOptions } from './options.js';

const MINUTE = 60_000;
/** How long a DELETE mutation (retention, or rows of an unfinished append) may run before the store gives up. */
const MUTATION_TIMEOUT_MS = 60_000;

/**
 * The metrics rollups in ClickHouse (tables in metrics-schema.ts), appended by any number of collectors, each under
 * its own `source`, and read by any number of query nodes. The store's own reads are DEFAULT_TENANT's.
 *
 * Exactly once across a crash. ClickHouse writes each INSERT (one block into one table) whole or not at all, but
 * an append inserts into up to three tables. So every row carries its append's source and position, and the
 * position is inserted into `metric_positions` last, after the rows: it is what lastPosition reports. A crash (or a
 * failed INSERT) between the first row INSERT and the position leaves rows above the source's recorded position.
 * Before the store's first append, and before the next one after a failure, those rows are deleted; the replay of
 * the write-ahead log from the recorded position writes them again. Appends of one store run one at a time, so rows
 * above the recorded position can only belong to the unfinished append. Readers on other nodes may see such rows
 * until the writer removes them (before that writer's next append).
 */
export class ClickHouseMetricsStore implements MetricsStore {
  private readonly db: MetricsDb;
  private readonly own: ClickHouseMetricsReader;
  private closed = false;
  /** This source's recorded position: read at open, moved by each append that completes. */
  private position = 0n;
  /** Appends and retention, one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Rows of an unfinished append may be there (since open, or an append failed): remove them before the next. */
  private unfinished = true;
  private lastVersion = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly source: string,
  ) {
    this.db = {
      db: database,
      select: async <T>(sql: string): Promise<T[]> => {
        this.assertOpen();
        return (await this.client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
      },
      insert: async (table, rows) => {
        this.assertOpen();
        await this.client.insert({ table: `${database}.${table}`, values: rows as Record<string, unknown>[], format: 'JSONEachRow' });
      },
      nextVersion: () => (this.lastVersion = Math.max(Date.now() * 1000, this.lastVersion + 1)),
    };
    this.own = new ClickHouseMetricsReader(DEFAULT_TENANT, this.db);
  }

  /** Reads the source's recorded position: positions only grow, so the highest recorded is the last. */
  async load(): Promise<void> {
    const [r] = await this.db.select<{ w: string }>(`SELECT max(wal_pos) AS w FROM ${this.database}.metric_positions WHERE source = ${str(this.source)}`);
    this.position = BigInt(r?.w ?? '0');
  }

  /**
   * Deletes the source's rows above its recorded position (an append that did not finish), re-reading the position
   * first (an INSERT reported as failed may have been written). Run before a store's first append rather than at
   * open, so that a node that only reads never deletes what a writer of the same source is appending.
   */
  private async recover(): Promise<void> {
    await this.load();
    const above = `source = ${str(this.source)} AND wal_pos > ${this.position.toString()}`;
    let deleted = false;
    for (const table of ROW_TABLES) {
      const [c] = await this.db.select<{ n: string }>(`SELECT count() AS n FROM ${this.database}.${table} WHERE ${above}`);
      if (Number(c?.n ?? 0) === 0) continue;
      await this.client.command({ query: `ALTER TABLE ${this.database}.${table} DELETE WHERE ${above}` });
      deleted = true;
    }
    if (deleted) await this.waitForMutations();
    this.unfinished = false;
  }

  append(batch: MetricsBatch, walPosition: bigint): Promise<void> {
    let rows: AppendRows;
    try {
      this.assertOpen();
      rows = appendRows(batch, this.source, walPosition);
    } catch (err) {
      return Promise.reject(err instanceof StoreError ? err : new StoreError(`ClickHouse metrics append refused: ${(err as Error).message}`, false, { cause: err }));
    }
    return this.enqueue(async () => {
      if (this.unfinished) await this.recover();
      try {
        if (rows.spans.length > 0) await this.db.insert('span_metrics', rows.spans);
        if (rows.edges.length > 0) await this.db.insert('metric_edges', rows.edges);
        if (rows.errors.length > 0) await this.db.insert('metric_errors', rows.errors);
        await this.db.insert('metric_positions', [{ source: this.source, wal_pos: BigInt.asUintN(64, walPosition).toString() }]);
      } catch (err) {
        this.unfinished = true;
        await this.recover().catch(() => undefined);
        throw new StoreError(`ClickHouse metrics append at position ${walPosition} failed: ${(err as Error).message}`, true, { cause: err });
      }
      if (walPosition > this.position) this.position = walPosition;
    });
  }

  async lastPosition(): Promise<bigint> {
    return this.position;
  }

  spanMetrics(q: SpanMetricsQuery): Promise<SpanMetricsPoint[]> {
    return this.own.spanMetrics(q);
  }

  edges(q: EdgeQuery): Promise<EdgePoint[]> {
    return this.own.edges(q);
  }

  topErrors(q: ErrorQuery): Promise<ErrorTotal[]> {
    return this.own.topErrors(q);
  }

  listDocuments(collection: string): Promise<StoredDocument[]> {
    return this.own.listDocuments(collection);
  }

  putDocument(collection: string, doc: StoredDocument): Promise<void> {
    return this.own.putDocument(collection, doc);
  }

  deleteDocument(collection: string, id: string): Promise<boolean> {
    return this.own.deleteDocument(collection, id);
  }

  /** The reads of one tenant; throws a RangeError for a name isValidTenant refuses. */
  forTenant(tenant: Tenant): MetricsReader {
    return tenant === DEFAULT_TENANT ? this.own : new ClickHouseMetricsReader(checkTenant(tenant), this.db);
  }

  /**
   * Rows of minutes before the cutoff: whole days dropped (ALTER TABLE … DROP PARTITION), the rest of the cutoff's
   * day, and a tenant's rows, deleted by a mutation, waited for (18.16 has no mutations_sync). Returns the rows that
   * went.
   */
  dropBefore(cutoff: number, tenant?: Tenant): Promise<number> {
    if (tenant !== undefined) checkTenant(tenant);
    const cutT = Math.max(0, Math.ceil(cutoff / MINUTE));
    return this.enqueue(async () => {
      const rows = `minute < ${cutT}${tenant === undefined ? '' : ` AND tenant = ${str(tenant)}`}`;
      let gone = 0;
      let mutated = false;
      for (const table of ROW_TABLES) {
        const [c] = await this.db.select<{ n: string }>(`SELECT count() AS n FROM ${this.database}.${table} WHERE ${rows}`);
        const n = Number(c?.n ?? 0);
        if (n === 0) continue;
        gone += n;
        if (tenant === undefined) {
          const days = await this.db.select<{ partition: string }>(
            `SELECT DISTINCT partition FROM system.parts WHERE database = ${str(this.database)} AND table = ${str(table)} AND active`,
          );
          for (const { partition } of days) {
            const day = Number(partition);
            if (Number.isInteger(day) && (day + 1) * PARTITION_MINUTES <= cutT) {
              await this.client.command({ query: `ALTER TABLE ${this.database}.${table} DROP PARTITION ${day}` });
            }
          }
          const [left] = await this.db.select<{ n: string }>(`SELECT count() AS n FROM ${this.database}.${table} WHERE ${rows}`);
          if (Number(left?.n ?? 0) === 0) continue;
        }
        await this.client.command({ query: `ALTER TABLE ${this.database}.${table} DELETE WHERE ${rows}` });
        mutated = true;
      }
      if (mutated) await this.waitForMutations();
      return gone;
    });
  }

  /** Merges every table's parts now (ClickHouse merges on its own; this is for tests that compare before and after). */
  async maintain(): Promise<void> {
    for (const table of [...ROW_TABLES, 'metric_positions', 'metric_documents']) {
      await this.client.command({ query: `OPTIMIZE TABLE ${this.database}.${table} FINAL` });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.catch(() => undefined);
    this.closed = true;
    await this.client.close();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Polls system.mutations until this store's tables have none running. */
  private async waitForMutations(): Promise<void> {
    const tables = ROW_TABLES.map((t) => str(t)).join(', ');
    const deadline = Date.now() + MUTATION_TIMEOUT_MS;
    for (;;) {
      const [r] = await this.db.select<{ n: string }>(
        `SELECT count() AS n FROM system.mutations WHERE database = ${str(this.database)} AND table IN (${tables}) AND is_done = 0`,
      );
      if (Number(r?.n ?? 0) === 0) return;
      if (Date.now() > deadline) throw new StoreError(`ClickHouse mutations of the metrics tables in ${this.database} still running after ${MUTATION_TIMEOUT_MS} ms`, true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('the ClickHouse metrics store is closed', true);
  }
}

/**
 * Opens (or creates and migrates) the ClickHouse metrics store.
 * @example const metrics = await openClickHouseMetricsStore({ url: 'http://127.0.0.1:8123', database: 'clew', source: 'collector-1' })
 */
export async function openClickHouseMetricsStore(opts: ClickHouseMetricsStoreOptions): Promise<ClickHouseMetricsStore> {
  const db = checkDatabase(opts.database ?? 'clew');
  const client = clickHouseClient(opts);
  try {
    await migrateMetrics(client, db);
    const store = new ClickHouseMetricsStore(client, db, opts.source ?? 'default');
    await store.load();
    return store;
  } catch (err) {
    await client.close();
    throw err;
  }
}
