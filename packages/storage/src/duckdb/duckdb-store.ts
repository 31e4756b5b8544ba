import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { DuckDBInstance } from './node-api.js';
import { createInstance } from './instance.js';
import type { Span, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, isTraceId, nowNanos } from '@clew/model';
import type {
  EncodingBatch,
  SpanReader,
  Store,
  StoreStats,
  TenantRun,
} from '../store.js';
import { StoreError } from '../store.js';
import { DefaultTenantReads } from '../default-tenant-reads.js';
import { ConnectionPool } from './connection-pool.js';
import type { DuckDBStoreOptions } from './options.js';
import { listPartitionFiles, PartitionClock } from './partition-files.js';
import { attachPartition } from './partition-loader.js';
import type { Partition } from './partition.js';
import { deleteSpansWhere, deleteTenantSpans } from './tenant-retention.js';
import type { PartitionSource } from './tenant-reader.js';
import { TenantReader } from './tenant-reader.js';
import type { PreparedBatch } from './span-writer.js';
import { abandonBatch, BatchEncoder, commitBatch, prepareBatch, tenantsOf } from './span-writer.js';
import { checkTenant, traceIdLiteral } from './sql.js';
import { traceWords } from './trace-bloom.js';
import { attachArchiveDay } from '../parquet/archive-day-partition.js';
import type { RangeArchiveManifest } from '../parquet/range-archive-manifest.js';
import { readManifest, sharedSpans } from '../parquet/range-archive-manifest.js';
import type { ArchiveOptions, StoreArchiveRequest } from '../parquet/range-archive-copy.js';
import { copyRangeArchive, partitionsRead } from '../parquet/range-archive-copy.js';

const WAL_FLOOR = 'wal-floor.json';

/** A range archive attached to a store: its directory, its day files and, when its manifest says, its spans. */
export interface AttachedRangeArchive {
  readonly dir: string;
  readonly days: number;
  readonly spans?: number;
}

/**
 * The embedded store: one DuckDB file per ingest period, ATTACHed to one in-memory DuckDB instance. Every span row
 * names its tenant; the store's own reads are DEFAULT_TENANT's (see TenantReader).
 */
export class DuckDBStore extends DefaultTenantReads implements Store {
  /**
   * DuckDB's row group. A transaction of at least that many rows DuckDB writes into the file compressed at commit,
   * and logs only where; a smaller one it writes whole to its own log, then compresses at the checkpoint. A Clew pinned
   * to one core under `clew import --url`: a third fewer bytes written, for about the same CPU while checkpoints still
   * merged the partial row groups such batches leave (bench/README.md, 2026-12-07, late night; see openDuckDBStore).
   */
  readonly batchSpans = 122_880;
  private readonly partitions = new Map<number, Partition>();
  /**
   * Partitions that range archives being written read (partitionsRead), and how many: retention leaves them to its
   * next turn, as a DETACH under an archive's transaction would fail it half way (an archive of a running Clew can take
   * minutes).
   */
  private readonly archiving = new Map<Partition, number>();
  /**
   * Partitions retention dropped, still attached: a read that took the partitions before the drop (a scan of a
   * window, page by page; a search's several queries) goes on querying them, and failed with a catalog error when they
   * were detached at once. Their files are removed at the drop (DuckDB keeps reading the open file); they are
   * detached at retention's next turn, or when the store closes.
   */
  private dropped: Partition[] = [];
  /** Days of attached range archives: read with the partitions, out of reach of writes and retention. */
  private readonly archivedDays: Partition[] = [];
  /** The range archives attached, as their manifests describe them: what `clew serve` reports at start. */
  readonly rangeArchives: AttachedRangeArchive[] = [];
  private writes: Promise<unknown> = Promise.resolve();
  /** Appends called whose turn on the writer has not come yet. */
  private waitingAppends = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private attaching = false;
  private readonly checkpointSpans: number;
  /** What the tenants' readers see of the store: the partitions as they are at each read, and reader connections. */
  private readonly source: PartitionSource = {
    partitions: () => (this.archivedDays.length === 0 ? this.partitions.values() : [...this.partitions.values(), ...this.archivedDays]),
    read: (sql, values) => this.read(sql, values),
    readColumns: (sql) => this.readColumns(sql),
  };
  /** The store's own reads: DEFAULT_TENANT's. */
  private readonly own = new TenantReader(DEFAULT_TENANT, this.source);

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
    super();
    this.checkpointSpans = opts.checkpointSpans ?? 250_000;
  }

  async load(): Promise<void> {
    for (const file of await listPartitionFiles(this.opts.dir)) {
      // The name's period serves a file whose meta row never became durable (a crash right after it was created).
      const p = await attachPartition(this.writer, this.clock, file, this.clock.periodOfFile(file) ?? -1);
      this.partitions.set(p.period, p);
    }
    const attached = new Map<string, { readonly dir: string; readonly manifest: RangeArchiveManifest }>();
    for (const dir of this.opts.rangeArchives ?? []) {
      // Attached twice (another spelling, a symlink), each of its spans would be read twice.
      const real = await realpath(dir).catch(() => resolve(dir));
      const before = attached.get(real);
      if (before !== undefined) throw new Error(`${dir} is the range archive ${before.dir} again: give each archive directory once`);
      const manifest = await readManifest(dir);
      // So would the spans two archives share.
      for (const other of attached.values()) {
        const why = sharedSpans(other.manifest, manifest);
        if (why !== undefined) throw new Error(`the range archives ${other.dir} and ${dir} may hold the same spans (${why}), which would be read twice: attach one of them`);
      }
      attached.set(real, { dir, manifest });
      for (const day of manifest.files) {
        const p = await attachArchiveDay(this.writer, dir, day, this.archivedDays.length);
        p.liveFrom = this.opts.liveFrom ?? ((tenant) => this.liveFrom(tenant));
        this.archivedDays.push(p);
      }
      this.rangeArchives.push({ dir, days: manifest.files.length, ...(typeof manifest.spans === 'number' && { spans: manifest.spans }) });
    }
    const every = this.opts.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS;
    if (every > 0) {
      this.timer = setInterval(() => void this.checkpoint().catch(() => undefined), every);
      this.timer.unref();
    }
  }

  /** The earliest span start of the tenant's in the live partitions, undefined when they hold none. */
  private liveFrom(tenant: Tenant): bigint | undefined {
    let from: bigint | undefined;
    for (const p of this.partitions.values()) {
      const min = p.meta.minStart;
      if (min !== null && p.holds(tenant) && (from === undefined || min < from)) from = min;
    }
    return from;
  }

  /** Appends run one at a time on the writer connection: a DuckDB transaction belongs to its connection. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  append(spans: readonly Span[], walPosition?: bigint, tenants?: readonly TenantRun[]): Promise<void> {
    // Encoded now when it is the next write to run: no more than one batch waits encoded.
    const ahead = this.waitingAppends === 0 ? this.prepareAhead(spans, walPosition, tenants) : undefined;
    return this.appendEncoded(ahead, spans, spans.length, walPosition, tenants);
  }

  /**
   * A batch whose spans are encoded as they are added (see Store.openBatch). Undefined when the partition of now is
   * not attached yet (it is then attached, off the caller's path), or the store is closed: then gather the spans and
   * call `append`. Attached by the first append alone, a new Clew's first hundred thousand spans or so waited, as
   * spans, for that append: long enough that V8 took their allocation sites to be long-lived and made every span
   * after them in the old generation (`import --url` about a tenth slower, docs/export-import.md). One open at a
   * time: its rows go in the block where the partition's batches stood when it opened, and one encoded after it and
   * appended first may fill that block, which fails this one's append (BatchNoLongerFits, nothing written).
   */
  openBatch(): EncodingBatch | undefined {
    if (this.closed) return undefined;
    const p = this.partitions.get(this.clock.periodOf(this.now()));
    if (p === undefined) {
      this.attachNow();
      return undefined;
    }
    const encoder = new BatchEncoder(p);
    let count = 0;
    return {
      add: (spans, tenant) => {
        try {
          checkTenant(tenant);
          encoder.add(spans, new Array<Tenant>(spans.length).fill(tenant));
          count += spans.length;
        } catch (err) {
          encoder.abandon();
          throw new StoreError(`DuckDB encoding of ${spans.length} spans failed: ${(err as Error).message}`, false, { cause: err });
        }
      },
      append: (walPosition) => {
        const ahead = encoder.finish(walPosition);
        return this.appendEncoded(ahead, undefined, count, walPosition, undefined);
      },
      abandon: () => encoder.abandon(),
    };
  }

  /** Appends a batch of `count` spans: `ahead` when it was encoded already, else `spans`, encoded at its turn. */
  private appendEncoded(ahead: PreparedBatch | undefined, spans: readonly Span[] | undefined, count: number, walPosition: bigint | undefined, tenants: readonly TenantRun[] | undefined): Promise<void> {
    // Encoded, its spans are not held until its turn (see PreparedBatch): the caller may let them go.
    let waiting: readonly Span[] | undefined = ahead === undefined ? spans : undefined;
    this.waitingAppends++;
    return this.serial(async () => {
      this.waitingAppends--;
      try {
        this.assertOpen();
        // A batch encoded ahead goes into the partition it was encoded for, while it is attached: the hour or day may
        // have changed while it waited (its spans are a moment late there, not lost).
        const own = ahead !== undefined && this.partitions.get(ahead.partition.period) === ahead.partition;
        const p = own ? ahead.partition : await this.currentPartition();
        if (count === 0 && walPosition === undefined) return;
        try {
          const b = ahead ?? prepareBatch(p, waiting!, tenantsOf(count, tenants), walPosition);
          waiting = undefined;
          await commitBatch(this.writer, p, b);
        } catch (err) {
          throw new StoreError(`DuckDB append of ${count} spans failed: ${(err as Error).message}`, isRetryable(err), { cause: err });
        }
        // Queued behind this append, not awaited by it: a checkpoint holds DuckDB's commit lock for as long as it
        // runs (measured 2.2 s for 2M rows), so it runs often and short rather than rarely and long.
        if (p.unchecked >= this.checkpointSpans) void this.checkpoint().catch(() => undefined);
      } finally {
        // Let it go if it was not written (the store closed); a batch written, or refused as no longer fitting, is settled already.
        if (ahead !== undefined) abandonBatch(ahead);
      }
    });
  }

  /**
   * The batch encoded now, while the write before it runs, when its partition is attached already: a caller that
   * appends again before its last append is done (clew import) has one batch encoded while the other commits
   * (prepareBatch). Undefined when it is left to the append itself, which also reports what is wrong with it.
   */
  private prepareAhead(spans: readonly Span[], walPosition: bigint | undefined, tenants: readonly TenantRun[] | undefined): PreparedBatch | undefined {
    if (this.closed || spans.length === 0) return undefined;
    const p = this.partitions.get(this.clock.periodOf(this.now()));
    if (p === undefined) return undefined;
    try {
      return prepareBatch(p, spans, tenantsOf(spans.length, tenants), walPosition);
    } catch {
      return undefined;
    }
  }

  /** Attaches the partition of now behind the writes under way, one attach at a time; a failure is the next append's to report. */
  private attachNow(): void {
    if (this.attaching) return;
    this.attaching = true;
    void this.serial(async () => {
      this.assertOpen();
      await this.currentPartition();
    })
      .catch(() => undefined)
      .finally(() => (this.attaching = false));
  }

  private async currentPartition(): Promise<Partition> {
    const period = this.clock.periodOf(this.now());
    const known = this.partitions.get(period);
    if (known) return known;
    const file = join(this.opts.dir, this.clock.fileName(period));
    // A period whose partition retention dropped (a cutoff past now: a clock put back, a retention of nothing) is
    // attached afresh under the same name: the dropped one is detached first.
    const before = this.dropped.findIndex((d) => d.period === period);
    if (before >= 0) await this.detach(this.dropped.splice(before, 1)[0]!);
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

  protected defaultReads(): SpanReader {
    return this.own;
  }

  /** The reads of one tenant's spans; throws a RangeError for a name isValidTenant refuses. */
  forTenant(tenant: Tenant): SpanReader {
    return tenant === DEFAULT_TENANT ? this.own : new TenantReader(tenant, this.source);
  }

  dropBefore(cutoff: UnixNanos, tenant?: Tenant): Promise<number> {
    if (tenant !== undefined) checkTenant(tenant);
    return this.serial(async () => {
      await this.detachDropped();
      let dropped = 0;
      for (const p of [...this.partitions.values()]) {
        if (p.ingestEnd > cutoff || this.archiving.has(p)) continue;
        if (tenant === undefined || (p.tenantResources.size === 1 && p.holds(tenant))) await this.dropPartition(p);
        else if (p.holds(tenant)) await deleteTenantSpans(this.writer, p, tenant);
        else continue;
        dropped++;
      }
      return dropped;
    });
  }

  deleteTraces(traceIds: readonly TraceId[], tenant: Tenant = DEFAULT_TENANT): Promise<number> {
    checkTenant(tenant);
    const ids = [...new Set(traceIds)].filter(isTraceId).map((id) => ({ literal: traceIdLiteral(id), words: traceWords(id) }));
    if (ids.length === 0) return Promise.resolve(0);
    return this.serial(async () => {
      let deleted = 0;
      for (const p of [...this.partitions.values()]) {
        const own = p.tenantCondition(tenant);
        // Only files whose trace blooms may hold one of the traces are rewritten.
        const here = ids.filter(({ words }) => p.candidateBlocks(...words).length > 0).map((id) => id.literal);
        if (own !== null && here.length > 0) deleted += await deleteSpansWhere(this.writer, p, `trace_id IN (${here.join(', ')}) AND ${own}`);
      }
      return deleted;
    });
  }

  /** Takes a partition out of the reads and removes its file; it is detached later (see `dropped`). */
  private async dropPartition(p: Partition): Promise<void> {
    // Remember the partition's walPosition before it goes, or a restart would replay what it held.
    if (p.meta.wal > this.walFloor) await this.saveWalFloor(p.meta.wal);
    this.partitions.delete(p.period);
    this.dropped.push(p);
    await rm(p.file, { force: true });
    await rm(p.file + '.wal', { force: true });
  }

  /** Detaches the partitions dropped before (reads that began before their drop have had retention's interval). */
  private async detachDropped(): Promise<void> {
    const dropped = this.dropped;
    this.dropped = [];
    for (const p of dropped) await this.detach(p);
  }

  private async detach(p: Partition): Promise<void> {
    await this.writer.run(`DETACH ${p.alias}`);
    // Detaching may write the file's log again.
    await rm(p.file + '.wal', { force: true });
  }

  private async saveWalFloor(wal: bigint): Promise<void> {
    const file = join(this.opts.dir, WAL_FLOOR);
    await writeFile(file + '.tmp', JSON.stringify({ wal: wal.toString() }), { flush: true });
    await rename(file + '.tmp', file);
    this.walFloor = wal;
  }

  /**
   * Writes a range archive of a tenant's spans in a range (of a service's traces when given) from this store's live
   * partitions, in DuckDB (`clew archive -d`, and a Clew's range archive route for `--url`; see copyRangeArchive).
   */
  async writeRangeArchive(req: StoreArchiveRequest, opts: ArchiveOptions = {}): Promise<RangeArchiveManifest> {
    this.assertOpen();
    checkTenant(req.tenant);
    // Taken in the writer's turn, so that no drop is half done; held from retention until the archive is written.
    const parts = await this.serial(async () => {
      const read = partitionsRead([...this.partitions.values()], req);
      for (const p of read) this.archiving.set(p, (this.archiving.get(p) ?? 0) + 1);
      return read;
    });
    try {
      return await this.readers.use((c) => copyRangeArchive(c, parts, req, opts));
    } finally {
      for (const p of parts) {
        const n = this.archiving.get(p)! - 1;
        if (n === 0) this.archiving.delete(p);
        else this.archiving.set(p, n);
      }
    }
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
      await this.detachDropped();
      this.readers.close();
      this.writer.closeSync();
      this.instance.closeSync();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the DuckDB store is closed');
  }

  private async read(sql: string, values?: DuckDBValue[]): Promise<DuckDBValue[][]> {
    this.assertOpen();
    return this.readers.use(async (c) => (await c.runAndReadAll(sql, values)).getRows());
  }

  private async readColumns(sql: string): Promise<DuckDBValue[][]> {
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

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * The default of DuckDBStoreOptions.checkpointIntervalMs. Each checkpoint starts a new row group, never merged with
 * the last (see openDuckDBStore): at 10 spans/s a checkpoint a minute would make row groups of 600 spans, 1,440 a day.
 * 983,040 spans in batches of 1,000 with a checkpoint after every fifth (bench/store-batches.js) made 197 row groups, a
 * scan of the file 5.5 ms against 2.8 with merges, and 108.5 B a span against 90.4. Under a heavier load,
 * checkpointSpans comes first.
 */
const CHECKPOINT_INTERVAL_MS = 15 * 60_000;

/**
 * Opens (or creates) the embedded store in `opts.dir`.
 * @example const store = await openDuckDBStore({ dir: '.clew-data', memoryLimit: '2GB' })
 */
export async function openDuckDBStore(opts: DuckDBStoreOptions): Promise<DuckDBStore> {
  await mkdir(opts.dir, { recursive: true });
  const instance = await createInstance(':memory:', { memoryLimit: opts.memoryLimit ?? '1GB', threads: opts.threads });
  const writer = await instance.connect();
  // Automatic checkpoints stall ingest (DESIGN §6): the store checkpoints on its own schedule instead.
  //
  // And a checkpoint merges no row groups (DuckDB's vacuum). A batch of whole requests is seldom a whole number of row
  // groups (122,880 rows): DuckDB writes it into the file compressed at commit, its last row group partial, and a
  // checkpoint merging partial row groups read them back with the full ones between them, and compressed them all
  // again. Appending 983,040 spans in batches of 125,000 (bench/store-batches.js): 9.47 µs of CPU a span and 84.8 B
  // in the file with merges, 7.18 µs and 68.5 B without (batches of exactly 122,880: 6.5 µs, 67.7 B either way). The
  // price: a small row group beside each such batch, and one after each checkpoint (DuckDB starts a new row group
  // then), which the longer checkpoint timer keeps few under a light load (DuckDBStoreOptions.checkpointIntervalMs).
  // Row groups whose rows were all deleted still go. The space of other deleted rows is kept until the file goes: the
  // merges freed it for later appends to the same file, and a tenant's retention deletes from files of past periods,
  // which take none (DuckDB never shrinks a file).
  await writer.run(`SET checkpoint_threshold = '1000GB'; SET max_vacuum_tasks = 0`);
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
