import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBStructValue } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Span, SpanId, SpanKind, SpanOutline, TraceId, UnixNanos } from '@clew/model';
import { nowNanos } from '@clew/model';
import type {
  Operation,
  OperationQuery,
  Store,
  StoreStats,
  TimeWindow,
  TraceDigest,
  TracePoints,
  TraceQuery,
  TraceSearchResult,
} from '../store.js';
import { StoreError } from '../store.js';
import { ConnectionPool } from './connection-pool.js';
import type { DuckDBStoreOptions } from './options.js';
import { listPartitionFiles, PartitionClock } from './partition-files.js';
import { attachPartition } from './partition-loader.js';
import type { Partition } from './partition.js';
import { operationsSql } from './catalog-sql.js';
import { digestSql, DIGEST_COLUMNS } from './digest-sql.js';
import { mergeDigests } from './merge-digests.js';
import { matchingSpansSql, pageSql, Params, pointsSql } from './search-sql.js';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from '../span-comparison.js';
import { readAttributeCounts, readHeatmap } from './span-comparison-read.js';
import { OUTLINE_COLUMNS, READ_COLUMNS, readOutlines, readSpan } from './span-reader.js';
import { writeBatch } from './span-writer.js';
import { hex16, hex32, traceIdLiteral, uint } from './sql.js';
import { traceWords } from './trace-bloom.js';

const WAL_FLOOR = 'wal-floor.json';

/** The embedded store: one DuckDB file per ingest period, ATTACHed to one in-memory DuckDB instance. */
export class DuckDBStore implements Store {
  private readonly partitions = new Map<number, Partition>();
  private writes: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly checkpointSpans: number;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly readers: ConnectionPool,
    private readonly opts: DuckDBStoreOptions,
    private readonly clock: PartitionClock,
    private readonly now: () => UnixNanos,
    /** Highest walPosition of partitions already dropped: positions only grow, so it is a floor. */
    private walFloor: bigint,
  ) {
    this.checkpointSpans = opts.checkpointSpans ?? 250_000;
  }

  async load(): Promise<void> {
    for (const file of await listPartitionFiles(this.opts.dir)) {
      // The name's period serves a file whose meta row never became durable (a crash right after it was created).
      const p = await attachPartition(this.writer, this.clock, file, this.clock.periodOfFile(file) ?? -1);
      this.partitions.set(p.period, p);
    }
    const every = this.opts.checkpointIntervalMs ?? 60_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.checkpoint().catch(() => undefined), every);
      this.timer.unref();
    }
  }

  /** Appends run one at a time on the writer connection: a DuckDB transaction belongs to its connection. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  append(spans: readonly Span[], walPosition?: bigint): Promise<void> {
    return this.serial(async () => {
      this.assertOpen();
      const p = await this.currentPartition();
      if (spans.length === 0 && walPosition === undefined) return;
      try {
        await writeBatch(this.writer, p, spans, walPosition);
      } catch (err) {
        throw new StoreError(`DuckDB append of ${spans.length} spans failed: ${(err as Error).message}`, isRetryable(err), { cause: err });
      }
      // Queued behind this append, not awaited by it: a checkpoint holds DuckDB's commit lock for as long as it
      // runs (measured 2.2 s for 2M rows), so it runs often and short rather than rarely and long.
      if (p.unchecked >= this.checkpointSpans) void this.checkpoint().catch(() => undefined);
    });
  }

  private async currentPartition(): Promise<Partition> {
    const period = this.clock.periodOf(this.now());
    const known = this.partitions.get(period);
    if (known) return known;
    const file = join(this.opts.dir, this.clock.fileName(period));
    const p = await attachPartition(this.writer, this.clock, file, period);
    this.partitions.set(p.period, p);
    return p;
  }

  async lastWalPosition(): Promise<bigint> {
    let max = this.walFloor;
    for (const p of this.partitions.values()) if (p.meta.wal > max) max = p.meta.wal;
    return max;
  }

  /** Checkpoints partitions written since the last checkpoint, so that DuckDB's WAL never grows unbounded. */
  checkpoint(): Promise<void> {
    return this.serial(async () => {
      for (const p of this.partitions.values()) {
        if (p.unchecked === 0) continue;
        await this.writer.run(`CHECKPOINT ${p.alias}`);
        p.unchecked = 0;
      }
    });
  }

  async getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    const found = this.traceSql([traceId], window, READ_COLUMNS);
    if (!found) return [];
    const rows = await this.read(`${found.sql} ORDER BY start_ns, span_id`);
    return rows.map((r) => readSpan(r.slice(1), found.parts[Number(r[0])]!));
  }

  async getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    const found = this.traceSql([traceId], window, OUTLINE_COLUMNS);
    if (!found) return [];
    // Names repeat: each travels to JavaScript once (on its first row), the rest of its rows carry its rank only.
    const columns = await this.readColumns(
      `SELECT * EXCLUDE (name), dense_rank() OVER (ORDER BY name) AS name_rank,
         CASE WHEN row_number() OVER (PARTITION BY name) = 1 THEN name END AS first_name
       FROM (${found.sql}) ORDER BY start_ns, span_id`,
    );
    return readOutlines(traceId, columns, found.parts);
  }

  async getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    const out = new Map<TraceId, Span[]>(traceIds.map((id) => [id, []]));
    const found = this.traceSql([...out.keys()], undefined, READ_COLUMNS);
    if (!found) return out;
    const rows = await this.read(`${found.sql} ORDER BY trace_id, start_ns, span_id`);
    for (const r of rows) {
      const span = readSpan(r.slice(1), found.parts[Number(r[0])]!);
      out.get(span.traceId)!.push(span);
    }
    return out;
  }

  /**
   * One SELECT of `columns` (after the partition's index, `part`) per block whose bloom may hold one of the traces,
   * with the ids it may hold, unioned. An equality on the clustered block number is what lets zone maps skip row
   * groups.
   */
  private traceSql(
    traceIds: readonly TraceId[],
    window: Partial<TimeWindow> | undefined,
    columns: string,
  ): { sql: string; parts: Partition[] } | null {
    const words = traceIds.map((id) => [traceIdLiteral(id), ...traceWords(id)] as const);
    const parts: Partition[] = [];
    const selects: string[] = [];
    for (const p of this.partitions.values()) {
      if (window && !p.overlaps(window.start, window.end)) continue;
      const byBlock = new Map<number, string[]>();
      for (const [literal, lo, hi] of words) {
        for (const blk of p.candidateBlocks(lo, hi)) {
          const ids = byBlock.get(blk);
          if (ids) ids.push(literal);
          else byBlock.set(blk, [literal]);
        }
      }
      if (byBlock.size === 0) continue;
      const i = parts.push(p) - 1;
      for (const [blk, ids] of byBlock) {
        const match = ids.length === 1 ? `= ${ids[0]}` : `IN (${ids.join(', ')})`;
        selects.push(`SELECT ${i} AS part, ${columns} FROM ${p.alias}.spans WHERE blk = ${uint(blk)} AND trace_id ${match}`);
      }
    }
    return selects.length === 0 ? null : { sql: selects.join(' UNION ALL '), parts };
  }

  async findTraces(q: TraceQuery): Promise<TraceSearchResult> {
    const found = this.matchesSql(q);
    if (!found) return { traces: [], total: 0, ...(q.anchor !== undefined && { newSinceAnchor: 0 }) };
    const rows = await this.read(pageSql(found.sql, q, found.spansOf), found.params.values);
    const [total, everything, newest] = [Number(rows[0]![0]), Number(rows[0]![1]), rows[0]![2] as DuckDBStructValue | null];
    const traces = rows
      .filter((r) => r[3] !== null)
      .map((r) => {
        const part = found.parts[Number(r[5])]!;
        const dur = r[9] as bigint;
        return {
          traceId: hex32(r[3] as bigint) as TraceId,
          startTimeUnixNano: r[4] as UnixNanos,
          matched: {
            spanId: hex16(r[6] as bigint) as SpanId,
            service: part.resources.get(Number(r[7]))?.service ?? '',
            name: r[8] as string,
            durationNanos: dur > 0n ? dur : 0n,
          },
        };
      });
    return {
      traces,
      total,
      ...(newest !== null && { newest: { startTimeUnixNano: newest.entries.s as UnixNanos, traceId: hex32(newest.entries.id as bigint) as TraceId } }),
      ...(q.anchor !== undefined && { newSinceAnchor: everything - total }),
    };
  }

  async tracePoints(q: TraceQuery, max: number): Promise<TracePoints> {
    const found = this.matchesSql(q);
    if (!found) return { points: [], total: 0, sampled: false };
    const rows = await this.read(pointsSql(found.sql, max, found.spansOf), found.params.values);
    const total = rows.length > 0 ? Number(rows[0]![5]) : 0;
    const points = rows.map((r) => ({
      traceId: hex32(r[0] as bigint) as TraceId,
      spanCount: Number(r[1]),
      startTimeUnixNano: r[2] as UnixNanos,
      endTimeUnixNano: BigInt(r[3] as bigint) as UnixNanos,
      errorCount: Number(r[4]),
    }));
    return { points, total, sampled: total > points.length };
  }

  /**
   * The union of every partition's spans matching `q` (see matchingSpansSql), and `spansOf(cte)`, every span of the
   * traces named in a CTE over the same partitions; null when no partition can hold a match.
   */
  private matchesSql(q: TraceQuery): { sql: string; params: Params; parts: Partition[]; spansOf: (cte: string) => string } | null {
    const params = new Params();
    const parts: Partition[] = [];
    const selects: string[] = [];
    for (const p of this.partitions.values()) {
      const sql = matchingSpansSql(p, parts.length, q, params);
      if (sql === null) continue;
      parts.push(p);
      selects.push(sql);
    }
    if (selects.length === 0) return null;
    const window = [...this.partitions.values()].filter((p) => p.overlaps(q.start, q.end));
    const spansOf = (cte: string): string =>
      window
        .map((p) => `SELECT trace_id, start_ns, duration_ns, status_code FROM ${p.alias}.spans WHERE trace_id IN (SELECT trace_id FROM ${cte})`)
        .join(' UNION ALL ');
    return { sql: selects.join(' UNION ALL '), params, parts, spansOf };
  }

  async summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    const found = this.traceSql(traceIds, undefined, DIGEST_COLUMNS);
    if (!found) return new Map();
    const rows = await this.read(digestSql(found.sql));
    return mergeDigests(rows, found.parts);
  }

  latencyHeatmap(q: HeatmapQuery): Promise<LatencyHeatmap> {
    return readHeatmap((sql, values) => this.read(sql, values), this.partitions.values(), q);
  }

  attributeCounts(q: AttributeCountsQuery): Promise<AttributeCounts> {
    return readAttributeCounts((sql, values) => this.read(sql, values), this.partitions.values(), q);
  }

  async services(): Promise<string[]> {
    const names = new Set<string>();
    for (const p of this.partitions.values()) for (const r of p.resources.values()) names.add(r.service);
    return [...names].sort(byCodeUnit);
  }

  async operations(q: OperationQuery): Promise<Operation[]> {
    const selects: string[] = [];
    for (const p of this.partitions.values()) {
      const sql = operationsSql(p, q);
      if (sql) selects.push(sql);
    }
    if (selects.length === 0) return [];
    const rows = await this.read(`SELECT DISTINCT name, kind FROM (${selects.join(' UNION ALL ')})`);
    return rows
      .map((r) => ({ name: r[0] as string, spanKind: Number(r[1]) as SpanKind }))
      .sort((a, b) => byCodeUnit(a.name, b.name) || a.spanKind - b.spanKind);
  }

  dropBefore(cutoff: UnixNanos): Promise<number> {
    return this.serial(async () => {
      let dropped = 0;
      for (const p of [...this.partitions.values()]) {
        if (p.ingestEnd > cutoff) continue;
        // Remember the partition's walPosition before it goes, or a restart would replay what it held.
        if (p.meta.wal > this.walFloor) await this.saveWalFloor(p.meta.wal);
        this.partitions.delete(p.period);
        await this.writer.run(`DETACH ${p.alias}`);
        await rm(p.file, { force: true });
        await rm(p.file + '.wal', { force: true });
        dropped++;
      }
      return dropped;
    });
  }

  private async saveWalFloor(wal: bigint): Promise<void> {
    const file = join(this.opts.dir, WAL_FLOOR);
    await writeFile(file + '.tmp', JSON.stringify({ wal: wal.toString() }), { flush: true });
    await rename(file + '.tmp', file);
    this.walFloor = wal;
  }

  async stats(): Promise<StoreStats> {
    let diskBytes = 0;
    for (const p of this.partitions.values()) diskBytes += (await sizeOf(p.file)) + (await sizeOf(p.file + '.wal'));
    return { diskBytes, partitions: this.partitions.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.checkpoint();
    this.closed = true;
    await this.serial(async () => {
      this.readers.close();
      this.writer.closeSync();
      this.instance.closeSync();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the DuckDB store is closed');
  }

  private async read(sql: string, values?: Params['values']) {
    this.assertOpen();
    return this.readers.use(async (c) => (await c.runAndReadAll(sql, values)).getRows());
  }

  private async readColumns(sql: string) {
    this.assertOpen();
    return this.readers.use(async (c) => (await c.runAndReadAll(sql)).getColumns());
  }
}

/**
 * Whether an append that failed with `err` may succeed later. DuckDB prefixes its messages with the error's type:
 * a value the table cannot hold (conversion, invalid input, constraint, out of range) fails again, as does an
 * exception thrown while encoding the spans (a span the model does not allow); I/O, memory and everything else may
 * pass on a later try.
 */
function isRetryable(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return false;
  const message = err instanceof Error ? err.message : String(err);
  return !/^(Conversion|Invalid Input|Constraint|Out of Range) Error\b/.test(message);
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * Opens (or creates) the embedded store in `opts.dir`.
 * @example const store = await openDuckDBStore({ dir: '.clew-data', memoryLimit: '2GB' })
 */
export async function openDuckDBStore(opts: DuckDBStoreOptions): Promise<DuckDBStore> {
  await mkdir(opts.dir, { recursive: true });
  const config: Record<string, string> = { memory_limit: opts.memoryLimit ?? '1GB' };
  if (opts.threads) config.threads = String(opts.threads);
  const instance = await DuckDBInstance.create(':memory:', config);
  const writer = await instance.connect();
  // Automatic checkpoints stall ingest (DESIGN §6): the store checkpoints on its own schedule instead.
  await writer.run(`SET checkpoint_threshold = '1000GB'`);
  const store = new DuckDBStore(
    instance,
    writer,
    new ConnectionPool(instance),
    opts,
    new PartitionClock(opts.partitionHours ?? 24),
    opts.now ?? nowNanos,
    await readWalFloor(opts.dir),
  );
  await store.load();
  return store;
}

async function readWalFloor(dir: string): Promise<bigint> {
  try {
    return BigInt((JSON.parse(await readFile(join(dir, WAL_FLOOR), 'utf8')) as { wal: string }).wal);
  } catch {
    return 0n;
  }
}
