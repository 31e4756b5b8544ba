import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, stat, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DamagedRange, PayloadFormat, WalRecord } from './record.js';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { decodeSegment, encodeRecord } from './record.js';

export interface WalOptions {
  readonly dir: string;
  /** A new segment starts once the current one is this large. */
  readonly segmentBytes?: number;
}

interface Pending {
  readonly chunks: Buffer[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

interface Segment {
  readonly firstSeq: bigint;
  readonly path: string;
}

const SEGMENT = /^(\d{20})\.wal$/;
const segmentName = (firstSeq: bigint) => `${firstSeq.toString().padStart(20, '0')}.wal`;

/**
 * How many records of the log in `dir` follow `after`: accepted requests a store at that position does not hold yet
 * (a Clew stopped before it wrote them, killed say; the next Clew on the directory replays them). Read without
 * changing the log, as a command reading a stopped Clew's directory must (opening it cuts a torn tail off).
 */
export async function walRecordsAfter(dir: string, after: bigint): Promise<number> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => SEGMENT.test(n));
  let n = 0;
  for (const name of names) for (const r of decodeSegment(await readFile(join(dir, name))).records) if (r.seq > after) n++;
  return n;
}

/**
 * A write-ahead log of accepted requests. `append` resolves once the record is on disk (fdatasync), and many
 * concurrent appends share one sync (group commit), so durability costs one sync per burst, not per request.
 * Records carry a sequence number; once the store holds everything up to a number, `releaseThrough` deletes the
 * segments wholly before it.
 */
export class WriteAheadLog {
  private readonly dir: string;
  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  private file: FileHandle | undefined;
  private fileBytes = 0;
  private nextSeq = 1n;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  private constructor(opts: WalOptions) {
    this.dir = opts.dir;
    this.segmentBytes = opts.segmentBytes ?? 64 * 1024 * 1024;
  }

  /**
   * Opens the log in `dir` and returns it with the records that follow `after` (those the store does not hold yet),
   * in order. A torn record at the tail, left by a crash, is cut off: it was never acknowledged. A damaged record
   * before good ones is skipped and reported in `damaged` (the file is left as it is), so the records after it still
   * replay and their sequence numbers are never given again.
   */
  static async open(
    opts: WalOptions,
    after: bigint,
  ): Promise<{ wal: WriteAheadLog; replay: WalRecord[]; damaged: Array<DamagedRange & { readonly segment: string }> }> {
    const wal = new WriteAheadLog(opts);
    await mkdir(wal.dir, { recursive: true });
    const names = (await readdir(wal.dir)).filter((n) => SEGMENT.test(n)).sort();
    const replay: WalRecord[] = [];
    const damaged: Array<DamagedRange & { segment: string }> = [];
    let lastSeq = after;
    for (const name of names) {
      const path = join(wal.dir, name);
      const buf = await readFile(path);
      const decoded = decodeSegment(buf);
      const { records, validBytes } = decoded;
      for (const d of decoded.damaged) damaged.push({ segment: name, ...d });
      if (validBytes < buf.length) await truncate(path, validBytes);
      wal.segments.push({ firstSeq: BigInt(SEGMENT.exec(name)![1]!), path });
      for (const r of records) {
        if (r.seq > lastSeq) lastSeq = r.seq;
        if (r.seq > after) replay.push(r);
      }
    }
    wal.nextSeq = lastSeq + 1n;
    return { wal, replay, damaged };
  }

  /** Total bytes of the log's segments on disk. */
  async diskBytes(): Promise<number> {
    let total = 0;
    for (const s of this.segments) total += (await stat(s.path).catch(() => ({ size: 0 }))).size;
    return total;
  }

  /**
   * Appends one record and resolves with its sequence number once it is durable.
   * Sequence numbers are given in call order, so records are replayed in the order they were accepted, each with
   * the tenant it was accepted for (and whether a peer forwarded it).
   */
  append(format: PayloadFormat, payload: Uint8Array, tenant: Tenant = DEFAULT_TENANT, forwarded = false): Promise<bigint> {
    if (this.closed) return Promise.reject(new Error('write-ahead log is closed'));
    const seq = this.nextSeq++;
    const chunks = encodeRecord(seq, format, payload, tenant, forwarded);
    return new Promise<bigint>((resolve, reject) => {
      this.queue.push({ chunks, bytes: chunks.reduce((n, c) => n + c.length, 0), resolve: () => resolve(seq), reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /**
   * The durable records with sequence numbers from `from` through `through`, in order, read back from the disk: the
   * spans of a batch whose write failed after they were let go (the store writer's). A record not found there
   * (damaged on disk) is missing from the answer. It reads the segments holding the range whole: a path taken only
   * after a failure, so kept simple.
   */
  async read(from: bigint, through: bigint): Promise<WalRecord[]> {
    const out: WalRecord[] = [];
    for (const [i, s] of this.segments.entries()) {
      const next = this.segments[i + 1]?.firstSeq;
      if (s.firstSeq > through || (next !== undefined && next <= from)) continue;
      for (const r of decodeSegment(await readFile(s.path)).records) if (r.seq >= from && r.seq <= through) out.push(r);
    }
    return out;
  }

  /** Deletes segments whose records all have sequence numbers ≤ seq (the store holds them). */
  async releaseThrough(seq: bigint): Promise<void> {
    // A segment is wholly released when the next segment starts at or before seq + 1.
    while (this.segments.length > 1 && this.segments[1]!.firstSeq <= seq + 1n) {
      const old = this.segments.shift()!;
      await unlink(old.path).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    await this.file?.close();
    this.file = undefined;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.writeBatch(batch);
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err as Error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    if (!this.file || this.fileBytes >= this.segmentBytes) await this.rotate(batch[0]!);
    const chunks = batch.flatMap((p) => p.chunks);
    const bytes = batch.reduce((n, p) => n + p.bytes, 0);
    let written = 0;
    // writev may write less than asked; finish the rest before syncing.
    while (written < bytes) {
      const { bytesWritten } = await this.file!.writev(sliceFrom(chunks, written));
      written += bytesWritten;
    }
    await this.file!.datasync();
    this.fileBytes += bytes;
  }

  private async rotate(first: Pending): Promise<void> {
    await this.file?.close();
    const firstSeq = first.chunks[0]!.readBigUInt64LE(8);
    const path = join(this.dir, segmentName(firstSeq));
    this.file = await open(path, 'a');
    this.fileBytes = (await this.file.stat()).size;
    if (this.segments.at(-1)?.path !== path) this.segments.push({ firstSeq, path });
    // Make the new file's directory entry durable too, or a crash could lose the whole segment.
    const dirHandle = await open(this.dir, 'r');
    await dirHandle.sync().finally(() => dirHandle.close());
  }
}

function sliceFrom(chunks: Buffer[], skip: number): Buffer[] {
  if (skip === 0) return chunks;
  const out: Buffer[] = [];
  for (const c of chunks) {
    if (skip >= c.length) {
      skip -= c.length;
      continue;
    }
    out.push(skip > 0 ? c.subarray(skip) : c);
    skip = 0;
  }
  return out;
}
