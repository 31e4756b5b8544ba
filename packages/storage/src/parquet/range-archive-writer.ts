import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDBInstance } from '../duckdb/node-api.js';
import { createInstance } from '../duckdb/instance.js';
import type { Span, Tenant, UnixNanos } from '@clew/model';
import { PartitionClock } from '../duckdb/partition-files.js';
import { attachPartition } from '../duckdb/partition-loader.js';
import type { Partition } from '../duckdb/partition.js';
import { BatchEncoder, commitBatch } from '../duckdb/span-writer.js';
import type { ArchiveDaySource } from './range-archive-sql.js';
import { ARCHIVE_MACROS, copyDaySql, partitionSource } from './range-archive-sql.js';
import type { RangeArchiveDay, RangeArchiveManifest } from './range-archive-manifest.js';
import { dayFileName, MANIFEST_FILE, RANGE_ARCHIVE_FORMAT, RANGE_ARCHIVE_VERSION } from './range-archive-manifest.js';

const DAYS = new PartitionClock(24);

/**
 * Spans a day's batch takes before it is committed: a staging transaction each. The spans are encoded as they are
 * added and let go, so a caller hands them over as it reads them (a page of a scan, a request) rather than gathering
 * a batch; gathered, they outlived the young generation's collections.
 */
const STAGE_SPANS = 50_000;

/**
 * Writes spans into a range archive directory: one Parquet file per UTC day of span start (see range-archive-sql.ts
 * for its columns) and a manifest. Spans are staged per day in a DuckDB file through the store's own writer (encoded
 * as they are added, committed STAGE_SPANS at a time), then each day is written sorted by trace id with DuckDB's COPY.
 * @example const w = await RangeArchiveWriter.create('./q3'); await w.add(spans, 'default'); await w.finish({ start, end });
 */
export class RangeArchiveWriter {
  private readonly days = new Map<number, Partition>();
  private readonly tenantSpans = new Map<number, Map<Tenant, number>>();
  /** Each day's batch being encoded, and how many spans it holds. */
  private readonly open = new Map<number, { readonly encoder: BatchEncoder; spans: number }>();

  private constructor(
    private readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** The first directory `create` made for the archive, undefined when it was there already. */
    private readonly made: string | undefined,
  ) {}

  /** Opens `dir` (created when missing) for a new archive; refused when it already holds one. */
  static async create(dir: string): Promise<RangeArchiveWriter> {
    const made = await newArchiveDir(dir);
    const instance = await createInstance(':memory:', { memoryLimit: '1GB' });
    const conn = await instance.connect();
    for (const sql of ARCHIVE_MACROS) await conn.run(sql);
    return new RangeArchiveWriter(dir, instance, conn, made);
  }

  /** Stages a batch of one tenant's spans, each under the UTC day it starts in. */
  async add(spans: readonly Span[], tenant: Tenant): Promise<void> {
    const byDay = new Map<number, Span[]>();
    for (const s of spans) {
      const day = DAYS.periodOf(s.startTimeUnixNano);
      const list = byDay.get(day);
      if (list) list.push(s);
      else byDay.set(day, [s]);
    }
    for (const [day, list] of byDay) {
      const p = await this.stage(day);
      let batch = this.open.get(day);
      if (batch === undefined) this.open.set(day, (batch = { encoder: new BatchEncoder(p), spans: 0 }));
      try {
        batch.encoder.add(list, new Array<Tenant>(list.length).fill(tenant));
      } catch (e) {
        this.open.delete(day);
        batch.encoder.abandon();
        throw e;
      }
      batch.spans += list.length;
      const counts = this.tenantSpans.get(day)!;
      counts.set(tenant, (counts.get(tenant) ?? 0) + list.length);
      if (batch.spans >= STAGE_SPANS) await this.commit(day);
    }
  }

  /** Commits the day's open batch into its staging file. */
  private async commit(day: number): Promise<void> {
    const batch = this.open.get(day);
    if (batch === undefined) return;
    this.open.delete(day);
    await commitBatch(this.conn, this.days.get(day)!, batch.encoder.finish(undefined));
  }

  private async stage(day: number): Promise<Partition> {
    let p = this.days.get(day);
    if (!p) {
      p = await attachPartition(this.conn, DAYS, join(this.dir, `.staging-${day}.duckdb`), day);
      this.days.set(day, p);
      this.tenantSpans.set(day, new Map());
    }
    return p;
  }

  /**
   * Writes each day's Parquet file and the manifest; the staging files are removed. An aborted `signal` interrupts the
   * COPY under way and rejects with its reason (the caller then discards the archive).
   */
  async finish(range: ArchiveRange, signal?: AbortSignal): Promise<RangeArchiveManifest> {
    const stopInterrupting = interruptOnAbort(this.conn, signal);
    try {
      for (const day of [...this.open.keys()]) await this.commit(day);
      const files: RangeArchiveDay[] = [];
      for (const day of [...this.days.keys()].sort((a, b) => a - b)) {
        signal?.throwIfAborted();
        files.push(await this.writeDay(day));
      }
      signal?.throwIfAborted();
      return await writeManifest(this.dir, range, files);
    } catch (e) {
      throw signal?.aborted ? signal.reason : e;
    } finally {
      stopInterrupting();
      await this.close();
    }
  }

  private async writeDay(day: number): Promise<RangeArchiveDay> {
    const p = this.days.get(day)!;
    const written = await writeDayFile(this.conn, partitionSource(p.alias), this.dir, day, {
      spans: Number(p.meta.spans),
      minStart: p.meta.minStart ?? 0n,
      maxStart: p.meta.maxStart ?? 0n,
      tenants: Object.fromEntries(this.tenantSpans.get(day)!),
    });
    await this.conn.run(`DETACH ${p.alias}`);
    await removeStaging(p.file);
    return written;
  }

  /**
   * Gives up an archive that failed: closes the writer and removes what it wrote (discardArchiveDir), so that a failed
   * `clew archive` leaves no empty or partial archive behind. A directory that was there before is left, with what
   * else it holds.
   */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await discardArchiveDir(this.dir, this.made);
  }

  /** Closes DuckDB and removes staging files left (an archive abandoned half way). */
  async close(): Promise<void> {
    // Batches never committed (an archive given up) let their rows go.
    for (const { encoder } of this.open.values()) encoder.abandon();
    this.open.clear();
    this.conn.closeSync();
    this.instance.closeSync();
    for (const p of this.days.values()) await removeStaging(p.file);
  }
}

/** How often an aborted archive interrupts its connection again (see interruptOnAbort). */
const INTERRUPT_MS = 20;

/**
 * Interrupts the statement under way on `conn` when `signal` aborts, and again every INTERRUPT_MS: DuckDB drops an
 * interrupt that comes while no statement runs, or before the one just begun has started. Between statements, the
 * caller checks the signal. Returns the function that stops it, to call before a ROLLBACK or cleanup, which an
 * interrupt would fail.
 */
export function interruptOnAbort(conn: DuckDBConnection, signal: AbortSignal | undefined): () => void {
  let again: NodeJS.Timeout | undefined;
  const interrupt = () => {
    conn.interrupt();
    again ??= setInterval(() => conn.interrupt(), INTERRUPT_MS);
  };
  signal?.addEventListener('abort', interrupt);
  return () => {
    signal?.removeEventListener('abort', interrupt);
    clearInterval(again);
  };
}

/** What an archive was asked for (the manifest's `range`). */
export interface ArchiveRange {
  readonly start: UnixNanos;
  readonly end: UnixNanos;
  readonly service?: string | undefined;
}

/**
 * Makes `dir` (created when missing) ready for a new archive, refused when it already holds one; resolves to the first
 * directory it made (see discardArchiveDir), undefined when `dir` was there.
 */
export async function newArchiveDir(dir: string): Promise<string | undefined> {
  if ((await stat(dir).catch(() => undefined))?.isDirectory() === false) throw new Error(`${dir} is a file: give the directory to write the archive into`);
  const made = await mkdir(dir, { recursive: true });
  const present = (await readdir(dir)).filter((f) => f === MANIFEST_FILE || f.endsWith('.parquet'));
  if (present.length > 0) throw new Error(`${dir} already holds an archive (${present[0]}): write each archive into a directory of its own`);
  return made;
}

/**
 * Removes what an archive given up wrote into `dir`: the directory newArchiveDir made, with all it holds; else, in a
 * directory that was there, the day files and the manifest being written (newArchiveDir refused one that held an
 * archive's files, so any there now are this archive's), leaving whatever else it holds.
 */
export async function discardArchiveDir(dir: string, made: string | undefined): Promise<void> {
  if (made !== undefined) {
    await rm(made, { recursive: true, force: true });
    return;
  }
  for (const f of await readdir(dir).catch(() => [])) {
    if (f.endsWith('.parquet') || f.endsWith('.parquet.tmp') || f === `${MANIFEST_FILE}.tmp`) await rm(join(dir, f), { force: true });
  }
}

/** The day's file written from `src` (copyDaySql), as the manifest lists it with the counts given. */
export async function writeDayFile(
  conn: DuckDBConnection,
  src: ArchiveDaySource,
  dir: string,
  day: number,
  counts: { readonly spans: number; readonly minStart: bigint; readonly maxStart: bigint; readonly tenants: Readonly<Record<string, number>> },
): Promise<RangeArchiveDay> {
  const name = dayFileName(day);
  const file = join(dir, name);
  await conn.run(copyDaySql(src, file + '.tmp'));
  await rename(file + '.tmp', file);
  const [start] = DAYS.bounds(day);
  return {
    file: name,
    day: new Date(Number(start / 1_000_000n)).toISOString().slice(0, 10),
    spans: counts.spans,
    minStart: String(counts.minStart),
    maxStart: String(counts.maxStart),
    tenants: counts.tenants,
    bytes: (await stat(file)).size,
    sha256: await sha256(file),
  };
}

/** Writes the manifest of the day files (durably, then renamed into place): the archive is then whole. */
export async function writeManifest(dir: string, range: ArchiveRange, files: RangeArchiveDay[]): Promise<RangeArchiveManifest> {
  const manifest: RangeArchiveManifest = {
    format: RANGE_ARCHIVE_FORMAT,
    version: RANGE_ARCHIVE_VERSION,
    createdAt: new Date().toISOString(),
    range: { start: range.start.toString(), end: range.end.toString(), ...(range.service !== undefined && { service: range.service }) },
    spans: files.reduce((n, f) => n + f.spans, 0),
    tenants: [...new Set(files.flatMap((f) => Object.keys(f.tenants)))].sort(),
    files,
  };
  const path = join(dir, MANIFEST_FILE);
  await writeFile(path + '.tmp', JSON.stringify(manifest, null, 2) + '\n', { flush: true });
  await rename(path + '.tmp', path);
  return manifest;
}

async function removeStaging(file: string): Promise<void> {
  await rm(file, { force: true });
  await rm(file + '.wal', { force: true });
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
