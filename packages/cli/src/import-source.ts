import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

/**
 * How a file `clew import` reads is compressed: as a whole with gzip (`.gz`) or zstd (`.zst`, and the Collector's file
 * exporter with `compression: zstd` and its native compression), or each request on its own with zstd after its
 * 4-byte length (that exporter's older framing, `zstd-each`).
 */
export type Compression = 'gzip' | 'zstd' | 'zstd-each';

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** A zstd frame starts at `at`. */
export const zstdAt = (bytes: Uint8Array, at: number): boolean => bytes.length >= at + 4 && ZSTD_MAGIC.every((b, i) => bytes[at + i] === b);

/** The compression a file's first bytes say it has; null when none. */
export function compressionOf(head: Uint8Array): Compression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (zstdAt(head, 0)) return 'zstd';
  if (zstdAt(head, 4)) return 'zstd-each';
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
  /** Whether the compressed bytes read to their end were cut short (the end of a block or frame missing). */
  cutShort(): boolean;
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
    cutShort: () => false,
    close: () => file.close(),
  };
}

/** Everything a source holds, for the formats read as one document. */
export async function readWhole(source: ByteSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let at = 0; ; ) {
    const part = Buffer.allocUnsafe(1 << 20);
    const n = await source.read(part, 0, part.length, at);
    if (n === 0) return Buffer.concat(parts);
    parts.push(part.subarray(0, n));
    at += n;
  }
}

/** Bytes of the file decompressed at a time. */
const READ_BYTES = 1 << 20;

/**
 * A file compressed as a whole, decompressed as it is read. Its end cut short (a compressor still writing it, or a
 * copy cut off) ends the bytes where they stop, as a plain file's end does: the readers say what is unfinished. Bytes
 * that cannot be decompressed stop the import, naming where.
 */
class Decompressed implements ByteSource {
  private chunks: AsyncIterator<Buffer> | undefined;
  /** The decompressed bytes from `chunkAt` on that were decompressed last. */
  private chunk: Buffer = Buffer.alloc(0);
  private chunkAt = 0;
  private ended = false;
  /** Bytes of the file handed to the decompressor so far. */
  private consumed = 0;
  private cut = false;

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

  fileBytes(): number {
    return this.consumed;
  }

  cutShort(): boolean {
    return this.cut;
  }

  async close(): Promise<void> {
    await this.chunks?.return?.();
    await this.file.close();
  }

  private restart(): void {
    void this.chunks?.return?.();
    this.chunk = Buffer.alloc(0);
    this.chunkAt = 0;
    this.ended = false;
    this.consumed = 0;
    this.cut = false;
    this.chunks = (this.compression === 'gzip' ? this.gunzip() : this.unzstd())[Symbol.asyncIterator]();
  }

  /** The file's bytes from the start, READ_BYTES at a time, each read into a buffer of its own. */
  private async *fileChunks(): AsyncGenerator<Buffer> {
    for (let at = 0; ; ) {
      const bytes = Buffer.allocUnsafe(READ_BYTES);
      const { bytesRead } = await this.file.read(bytes, 0, bytes.length, at);
      if (bytesRead === 0) return;
      at += bytesRead;
      this.consumed = at;
      yield bytes.subarray(0, bytesRead);
    }
  }

  private async *gunzip(): AsyncGenerator<Buffer> {
    // Concatenated members (a gzip file appended to) are read on as one stream, as gunzip does.
    const gunzip = createGunzip({ chunkSize: READ_BYTES });
    const input = Readable.from(this.fileChunks());
    input.on('error', (e) => gunzip.destroy(e));
    input.pipe(gunzip);
    let out = 0;
    try {
      for await (const c of gunzip as AsyncIterable<Buffer>) {
        out += c.length;
        yield c;
      }
    } catch (e) {
      // Cut short: the bytes decompressed so far are the file's, and it ends there.
      if ((e as NodeJS.ErrnoException).code !== 'Z_BUF_ERROR') throw this.cannot(e, out);
      this.cut = true;
    } finally {
      input.destroy();
      gunzip.destroy();
    }
  }

  private async *unzstd(): AsyncGenerator<Buffer> {
    const out: Buffer[] = [];
    let total = 0;
    const zstd = new Decompress((block) => {
      // Each block is an array of its own (fzstd copies it into its window afterwards), viewed, not copied.
      out.push(Buffer.from(block.buffer, block.byteOffset, block.length));
    });
    const push = (bytes: Uint8Array, final: boolean): void => {
      try {
        zstd.push(bytes, final);
      } catch (e) {
        // Cut short (UnexpectedEOF): it ends where the last whole block does.
        if ((e as { code?: number }).code === 5 && final) {
          this.cut = true;
          return;
        }
        throw this.cannot(e, total);
      }
    };
    for await (const c of this.fileChunks()) {
      push(c, false);
      for (const b of out.splice(0)) {
        total += b.length;
        yield b;
      }
    }
    push(new Uint8Array(0), true);
    for (const b of out.splice(0)) yield b;
  }

  private cannot(e: unknown, at: number): Error {
    return new Error(`cannot decompress it (${this.compression}) past byte ${at} of its content: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
