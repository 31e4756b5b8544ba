import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { ZstdError, ZstdStream, zstdMagicAt } from './zstd-frames.js';

/**
 * How a file `clew import` reads is compressed: as a whole with gzip (`.gz`) or zstd (`.zst`, and the Collector's file
 * exporter with `compression: zstd` and its native compression), or each request on its own with zstd after its
 * 4-byte length (that exporter's older framing, `zstd-each`).
 */
export type Compression = 'gzip' | 'zstd' | 'zstd-each';

/** The compression a file's first bytes say it has; null when none. */
export function compressionOf(head: Uint8Array): Compression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (zstdMagicAt(head, 0) !== null) return 'zstd';
  // A request's own zstd after its length: a frame, or a skippable one before it (pzstd's).
  if (zstdMagicAt(head, 4) !== null) return 'zstd-each';
  return null;
}

/** Words for a summary: "gzip", "zstd", "each request zstd". */
export const compressionText = (c: Compression): string => (c === 'zstd-each' ? 'each request zstd' : c);

/**
 * The bytes an import reads, by position: a file's own, or, for a file compressed as a whole, what decompressing it
 * gives (positions are then of the decompressed bytes, read from the start once; reading before the last position
 * read decompresses again from the start).
 */
export interface ByteSource {
  /** Up to `length` bytes at `position` into `buffer` from `offset`; fewer only at the end, 0 past it. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** The size as now known: the file's (it may grow), Infinity for decompressed bytes until their end. */
  size(): Promise<number>;
  /** How far into the file itself reading up to `position` is, for progress. */
  fileBytes(position: number): number;
  /** `position` for messages: "byte 4096", or "byte 4096 (decompressed)" when it is not a position of the file itself. */
  byteAt(position: number): string;
  /** Whether the compressed bytes read to their end were cut short (the end of a block or frame missing). */
  cutShort(): boolean;
  /** Why the bytes ended where they did when they could not be decompressed further (damage): read after their end. */
  failure(): Error | undefined;
  close(): Promise<void>;
}

/** The source of a file's bytes, decompressed when it is compressed as a whole. */
export async function openSource(path: string, compression: Compression | null | undefined): Promise<ByteSource> {
  const file = await open(path);
  if (compression === 'gzip' || compression === 'zstd') return new Decompressed(file, compression);
  return {
    read: async (buffer, offset, length, position) => (await file.read(buffer, offset, length, position)).bytesRead,
    size: async () => (await file.stat()).size,
    fileBytes: (position) => position,
    byteAt: (position) => `byte ${position}`,
    cutShort: () => false,
    failure: () => undefined,
    close: () => file.close(),
  };
}

/** Everything a source holds, for the formats read as one document; undefined when that is more than `max` bytes. */
export async function readWhole(source: ByteSource): Promise<Buffer>;
export async function readWhole(source: ByteSource, max: number): Promise<Buffer | undefined>;
export async function readWhole(source: ByteSource, max = Infinity): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  for (let at = 0; ; ) {
    const part = Buffer.allocUnsafe(1 << 20);
    const n = await source.read(part, 0, part.length, at);
    if (n === 0) return Buffer.concat(parts);
    parts.push(part.subarray(0, n));
    at += n;
    if (at > max) return undefined;
  }
}

/** Where the line that `from` is inside ends: just past its newline, or at the end of the source. Read, not held. */
export async function skipLine(source: ByteSource, from: number): Promise<number> {
  const bytes = Buffer.allocUnsafe(1 << 20);
  for (let position = from; ; ) {
    const n = await source.read(bytes, 0, bytes.length, position);
    if (n === 0) return position;
    const nl = bytes.indexOf(0x0a);
    if (nl >= 0 && nl < n) return position + nl + 1;
    position += n;
  }
}

/** Bytes of the file decompressed at a time: what progress moves by, as the content comes out of them. */
const READ_BYTES = 128 * 1024;

/** Bytes of a gzip file written to zlib at a time: at most 1,032 times that comes out of one (gzip's bound). */
const GZIP_PIECE = 16 * 1024;

/**
 * A file compressed as a whole, decompressed as it is read. Its end cut short (a compressor still writing it, or a
 * copy cut off) ends the bytes where they stop, as a plain file's end does: the readers say what is unfinished. Bytes
 * that cannot be decompressed end them too, after everything decompressed before them, and `failure()` says why.
 */
class Decompressed implements ByteSource {
  private chunks: AsyncGenerator<Buffer> | undefined;
  /** The decompressed bytes from `chunkAt` on that were decompressed last. */
  private chunk: Buffer = Buffer.alloc(0);
  private chunkAt = 0;
  private ended = false;
  /** Bytes of the file handed to the decompressor so far. */
  private consumed = 0;
  private cut = false;
  private failed: Error | undefined;
  /** For progress: where each decompressed chunk ends, and how much of the file had been read by then (pairs). */
  private marks: number[] = [];
  private produced = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly compression: 'gzip' | 'zstd',
  ) {}

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (position < this.chunkAt || this.chunks === undefined) this.restart();
    let n = 0;
    while (n < length) {
      const at = position + n - this.chunkAt;
      if (at < this.chunk.length) {
        const k = Math.min(length - n, this.chunk.length - at);
        this.chunk.copy(buffer, offset + n, at, at + k);
        n += k;
        continue;
      }
      if (this.ended) break;
      const next = await this.chunks!.next();
      this.chunkAt += this.chunk.length;
      if (next.done) {
        this.chunk = Buffer.alloc(0);
        this.ended = true;
      } else this.chunk = next.value;
    }
    return n;
  }

  size(): Promise<number> {
    return Promise.resolve(this.ended ? this.chunkAt + this.chunk.length : Infinity);
  }

  fileBytes(position: number): number {
    // The first chunk that reaches the position: the file had been read that far when it came out.
    const m = this.marks;
    let lo = 0;
    let hi = m.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m[2 * mid]! < position) lo = mid + 1;
      else hi = mid;
    }
    return lo < m.length / 2 ? m[2 * lo + 1]! : this.consumed;
  }

  byteAt(position: number): string {
    return `byte ${position} (decompressed)`;
  }

  cutShort(): boolean {
    return this.cut;
  }

  failure(): Error | undefined {
    return this.failed;
  }

  async close(): Promise<void> {
    await this.chunks?.return(undefined);
    await this.file.close();
  }

  private restart(): void {
    void this.chunks?.return(undefined);
    this.chunk = Buffer.alloc(0);
    this.chunkAt = 0;
    this.ended = false;
    this.consumed = 0;
    this.cut = false;
    this.failed = undefined;
    this.marks = [];
    this.produced = 0;
    this.chunks = this.compression === 'gzip' ? this.gunzip() : this.unzstd();
  }

  /** A decompressed chunk, marked for progress. */
  private out(c: Buffer): Buffer {
    this.produced += c.length;
    this.marks.push(this.produced, this.consumed);
    return c;
  }

  /** The file's bytes from the start, `piece` at a time, each read into a buffer of its own. */
  private async *fileChunks(piece = READ_BYTES): AsyncGenerator<Buffer> {
    for (let at = 0; ; ) {
      const bytes = Buffer.allocUnsafe(piece);
      const { bytesRead } = await this.file.read(bytes, 0, bytes.length, at);
      if (bytesRead === 0) return;
      at += bytesRead;
      this.consumed = at;
      yield bytes.subarray(0, bytesRead);
    }
  }

  private async *gunzip(): AsyncGenerator<Buffer> {
    // Concatenated members (a gzip file appended to) are read on as one stream, as gunzip does. Fed a piece at a time,
    // each piece's content taken before the next is written: what was decompressed before damage is given, bar the
    // piece being decompressed when zlib met it (node's zlib gives nothing of that piece), and memory stays bounded.
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    const queue: Buffer[] = [];
    let error: NodeJS.ErrnoException | undefined;
    gunzip.on('data', (c: Buffer) => queue.push(c));
    gunzip.on('error', (e: NodeJS.ErrnoException) => (error ??= e));
    const settled = (act: (done: () => void) => void) =>
      new Promise<void>((resolve) => {
        const done = () => {
          gunzip.off('error', done);
          resolve();
        };
        gunzip.once('error', done);
        act(done);
      });
    try {
      for await (const c of this.fileChunks(GZIP_PIECE)) {
        await settled((done) => gunzip.write(c, () => done()));
        while (queue.length > 0) yield this.out(queue.shift()!);
        if (error) break;
      }
      // Ended, the stream closes after its last content or its error (a member cut short).
      if (!error) await new Promise<void>((resolve) => (gunzip.once('close', () => resolve()), gunzip.end()));
      while (queue.length > 0) yield this.out(queue.shift()!);
      // Cut short: the bytes decompressed so far are the file's, and it ends there.
      if (error?.code === 'Z_BUF_ERROR') this.cut = true;
      else if (error) this.failed = this.cannot(error, this.produced);
    } finally {
      gunzip.destroy();
    }
  }

  private async *unzstd(): AsyncGenerator<Buffer> {
    const out: Buffer[] = [];
    // Each block is an array of its own (fzstd copies it into its window afterwards), viewed, not copied.
    const zstd = await ZstdStream.create((block) => out.push(Buffer.from(block.buffer, block.byteOffset, block.length)));
    for await (const c of this.fileChunks()) {
      try {
        zstd.push(c);
      } catch (e) {
        this.failed = this.cannot(e, this.produced + out.reduce((n, b) => n + b.length, 0));
      }
      // What was decompressed before a failure is the file's all the same.
      for (const b of out.splice(0)) yield this.out(b);
      if (this.failed) return;
    }
    // Cut short: it ends where the last whole block does (or before its first frame, which pzstd announced).
    if (zstd.end() || zstd.endsBeforeFirstFrame()) this.cut = true;
  }

  private cannot(e: unknown, at: number): Error {
    // What clew import does not read (a dictionary, a window too large) is said as it is.
    if (e instanceof ZstdError && e.refused) return e;
    return new Error(`cannot decompress it (${this.compression}) past byte ${at} of its content: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
