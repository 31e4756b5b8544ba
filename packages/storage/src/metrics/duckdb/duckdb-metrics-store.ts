import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import type {
  EdgePoint,
  EdgeQuery,
  EpochMillis,
  ErrorQuery,
  ErrorTotal,
  MetricsBatch,
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
import type { SpanSource } from './span-metrics-reader.js';
import { readSpanMetrics } from './span-metrics-reader.js';
import { cellsOf } from './span-rows.js';
import { appendCells } from './span-writer.js';
import type { TierSegment } from './tier-plan.js';

/** The metrics rollups in one DuckDB file (see the storage README's "Metrics store"). */
export class DuckDBMetricsStore implements MetricsStore {
  private writes: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly readers: ConnectionPool,
    private readonly dict: SeriesDictionary,
    private meta: MetricsMeta,
    opts: DuckDBMetricsStoreOptions,
  ) {
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
      try {
        const cells = cellsOf(batch.spans, this.dict);
        await conn.run('BEGIN TRANSACTION');
        await this.dict.write(conn);
        await appendCells(conn, 'span_delta', cells);
        await appendEdges(conn, batch.edges);
        await appendErrors(conn, batch.errors);
        await conn.run(`UPDATE meta SET wal = ${ubigint(wal)}; COMMIT`);
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        this.dict.rollback();
        throw err;
      }
      this.dict.commit();
      this.meta = { ...this.meta, wal };
    });
  }

  async lastPosition(): Promise<bigint> {
    return this.meta.wal;
  }

  spanMetrics(query: SpanMetricsQuery): Promise<SpanMetricsPoint[]> {
    return this.read((c) => readSpanMetrics(c, query, this.dict, [], (seg, serviceLevel) => this.sourcesOf(seg, serviceLevel)));
  }

  private sourcesOf(_seg: TierSegment, _serviceLevel: boolean): SpanSource[] {
    return [{ table: 'span_delta', byService: false }];
  }

  edges(query: EdgeQuery): Promise<EdgePoint[]> {
    return this.read((c) => readEdges(c, query));
  }

  topErrors(query: ErrorQuery): Promise<ErrorTotal[]> {
    return this.read((c) => readTopErrors(c, query));
  }

  dropBefore(cutoff: EpochMillis): Promise<number> {
    return this.serial(async () => {
      this.assertOpen();
      const t = Math.ceil(cutoff / 60_000);
      let dropped = 0;
      await this.writer.run('BEGIN TRANSACTION');
      try {
        for (const table of ['span_delta', 'edge_min', 'error_min']) {
          dropped += Number((await this.writer.run(`DELETE FROM ${table} WHERE t < ${t}`)).rowsChanged);
        }
        const floorT = Math.max(this.meta.floorT, t);
        await this.writer.run(`UPDATE meta SET floor_t = ${floorT}; COMMIT`);
        this.meta = { ...this.meta, floorT };
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      return dropped;
    });
  }

  listDocuments(collection: string): Promise<StoredDocument[]> {
    return this.read((c) => listDocuments(c, collection));
  }

  putDocument(collection: string, doc: StoredDocument): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      await putDocument(this.writer, collection, doc);
    });
  }

  deleteDocument(collection: string, id: string): Promise<boolean> {
    return this.serial(async () => {
      this.assertOpen();
      return deleteDocument(this.writer, collection, id);
    });
  }

  /** Compaction, rollups and a checkpoint: run on a timer, off the append path. */
  maintain(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      await this.writer.run('CHECKPOINT');
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
    return this.readers.use(fn);
  }
}

/**
 * Opens (or creates) the metrics store in one DuckDB file.
 * @example const metrics = await openDuckDBMetricsStore({ path: join(dataDir, 'metrics', 'metrics.duckdb') })
 */
export async function openDuckDBMetricsStore(opts: DuckDBMetricsStoreOptions): Promise<DuckDBMetricsStore> {
  await mkdir(dirname(opts.path), { recursive: true });
  const config: Record<string, string> = { memory_limit: opts.memoryLimit ?? '512MB' };
  if (opts.threads) config.threads = String(opts.threads);
  const instance = await DuckDBInstance.create(opts.path, config);
  const writer = await instance.connect();
  try {
    // Automatic checkpoints stall appends (DESIGN §6): the store checkpoints from its maintenance instead.
    await writer.run(`SET checkpoint_threshold = '1000GB'`);
    const meta = await createSchema(writer);
    const dict = await SeriesDictionary.load(writer);
    return new DuckDBMetricsStore(instance, writer, new ConnectionPool(instance), dict, meta, opts);
  } catch (err) {
    writer.closeSync();
    instance.closeSync();
    throw err;
  }
}
