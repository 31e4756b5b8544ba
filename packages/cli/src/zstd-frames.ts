import { Decompress } from 'fzstd';
import xxhash from 'xxhash-wasm';

/*
 * zstd for `clew import`, by fzstd (JavaScript; node 20 has no zstd), with what fzstd leaves out checked here: each
 * frame's checksum (the low 32 bits of XXH64 of its content, which fzstd skips), dictionaries (fzstd ignores the id
 * and decodes garbage), the window (fzstd keeps all of it and shifts it for every block: a 1 GB window took 88 s for
 * 106 MB that the zstd command decompresses in 0.13 s, and 2 GB overflows), and how much a frame may decompress to.
 * The stream is walked frame by frame and block by block, each frame decoded by a fzstd decoder of its own, so that
 * its content is known to be its own when its checksum comes.
 */

/** Largest window taken: 128 MiB, zstd's `--long` default (27); `--ultra` levels reach 128 MiB at most too. */
export const MAX_WINDOW = 128 * 1024 * 1024;

/** zstd that cannot be read (damaged), or that is `refused` (read by design: the message says what to do). */
export class ZstdError extends Error {
  constructor(
    message: string,
    readonly refused = false,
  ) {
    super(message);
  }
}

const hasher = xxhash();

const ZSTD_MAGIC = 0xfd2fb528;
const isSkippable = (magic: number): boolean => (magic & 0xfffffff0) >>> 0 === 0x184d2a50;
/** The skippable frame pzstd writes before each frame it compresses: four bytes, the size of that frame. */
const PZSTD_MAGIC = 0x184d2a50;
/** The fewest bytes a frame can be: magic, frame header descriptor, window descriptor, one empty last block. */
const MIN_FRAME = 9;
/** The little-endian 32-bit word at `at` (bytes known to be there). */
const word = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** What starts at `at`: a zstd frame, a skippable frame (pzstd starts with one), or neither. */
export function zstdMagicAt(bytes: Uint8Array, at: number): 'frame' | 'skippable' | null {
  if (bytes.length < at + 4) return null;
  const magic = word(bytes, at);
  return magic === ZSTD_MAGIC ? 'frame' : isSkippable(magic) ? 'skippable' : null;
}
const MiB = (n: number): string => `${Math.round(n / 1024 / 1024)} MiB`;

interface Frame {
  readonly decoder: Decompress;
  readonly checksum: boolean;
  readonly hash: { update(b: Uint8Array): unknown; digest(): bigint };
  produced: number;
}

/**
 * Takes zstd bytes as they come (`push`) and gives their content (`onData`) block by block. `end()` says whether the
 * bytes stopped inside a frame (cut short). Throws ZstdError for bytes that are not zstd, a checksum that does not
 * match, a dictionary, a window past MAX_WINDOW, or content past `limit` bytes.
 */
export class ZstdStream {
  private rest: Uint8Array = new Uint8Array(0);
  /** Where in the compressed bytes `rest` starts, for messages. */
  private at = 0;
  private frame: Frame | undefined;
  /** Bytes of a skippable frame still to skip. */
  private skip = 0;
  /** pzstd's first skippable frame was read, and the frame it announces has not begun. */
  private promised = false;
  private total = 0;

  private constructor(
    private readonly onData: (content: Uint8Array) => void,
    private readonly limit: number,
    private readonly api: Awaited<typeof hasher>,
  ) {}

  static async create(onData: (content: Uint8Array) => void, limit = Infinity): Promise<ZstdStream> {
    return new ZstdStream(onData, limit, await hasher);
  }

  push(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.rest.length + bytes.length);
    joined.set(this.rest);
    joined.set(bytes, this.rest.length);
    let p = 0;
    for (;;) {
      const used = this.step(joined, p);
      if (used === 0) break;
      p += used;
    }
    this.rest = joined.subarray(p);
    this.at += p;
  }

  /** True when the bytes ended inside a frame (or a skippable frame): cut short. */
  end(): boolean {
    return this.frame !== undefined || this.skip > 0 || this.rest.length > 0;
  }

  /**
   * True when the bytes ended after pzstd's skippable frame at their start, which gives the size of the frame it comes
   * before, and before that frame: a file pzstd was still writing (or a copy of one cut there). Later skippable frames
   * of that shape are not taken as a promise: other writers end files with them.
   */
  endsBeforeFirstFrame(): boolean {
    return this.promised;
  }

  /** Consumes what it can at `p`: bytes used, 0 when more are needed. */
  private step(b: Uint8Array, p: number): number {
    const left = b.length - p;
    if (this.skip > 0) {
      const n = Math.min(this.skip, left);
      this.skip -= n;
      return n;
    }
    const frame = this.frame;
    if (frame === undefined) return this.header(b, p);
    if (left < 3) return 0;
    const h = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
    const type = (h >> 1) & 3;
    if (type === 3) throw new ZstdError(`not zstd it can read: a block of the reserved type at byte ${this.at + p} of the compressed bytes`);
    const size = type === 1 ? 1 : h >>> 3;
    if ((h & 1) === 0) {
      if (left < 3 + size) return 0;
      frame.decoder.push(b.subarray(p, p + 3 + size));
      return 3 + size;
    }
    // The last block, with the checksum after it, pushed as the end of the stream: fzstd keeps back a frame's first
    // 18 bytes until more come, and a frame of a few content bytes has no more.
    const whole = 3 + size + (frame.checksum ? 4 : 0);
    if (left < whole) return 0;
    frame.decoder.push(b.subarray(p, p + whole), true);
    const at = p + 3 + size;
    return this.endFrame(frame, frame.checksum ? word(b, at) : undefined, whole, this.at + p + whole);
  }

  private header(b: Uint8Array, p: number): number {
    const left = b.length - p;
    if (left < 4) return 0;
    const magic = word(b, p);
    if (isSkippable(magic)) {
      if (left < 8) return 0;
      const size = word(b, p + 4);
      if (magic === PZSTD_MAGIC && size === 4 && this.at + p === 0) {
        // What it announces is read with it: a frame of at least a header and an empty last block.
        if (left < 12) return 0;
        this.promised = word(b, p + 8) >= MIN_FRAME;
      }
      this.skip = size;
      return 8;
    }
    if (magic !== ZSTD_MAGIC) throw new ZstdError(`not zstd at byte ${this.at + p} of the compressed bytes (no frame starts there)`);
    if (left < 5) return 0;
    const fhd = b[p + 4]!;
    const single = (fhd >> 5) & 1;
    const dictBytes = [0, 1, 2, 4][fhd & 3]!;
    const fcsBytes = [single, 2, 4, 8][fhd >> 6]!;
    const size = 5 + (single ? 0 : 1) + dictBytes + fcsBytes;
    if (left < size) return 0;
    if (fhd & 0x08) throw new ZstdError(`not zstd it can read: a frame header with its reserved bit set at byte ${this.at + p} of the compressed bytes`);
    let q = p + 5 + (single ? 0 : 1);
    let dict = 0;
    for (let i = 0; i < dictBytes; i++) dict += b[q + i]! * 2 ** (8 * i);
    q += dictBytes;
    let content = -1;
    if (fcsBytes > 0) {
      content = 0;
      for (let i = 0; i < fcsBytes; i++) content += b[q + i]! * 2 ** (8 * i);
      if (fcsBytes === 2) content += 256;
    }
    if (dict !== 0) throw new ZstdError(`it is compressed with a zstd dictionary (id ${dict}), which clew import does not read: decompress it first (zstd -d -D DICTIONARY FILE)`, true);
    let window = content;
    if (!single) {
      const wd = b[p + 5]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    // A frame of one segment has its content as its window: within the limit it is given, it is taken.
    if (window > MAX_WINDOW && !(single && content <= this.limit)) {
      // A whole file can be decompressed by the zstd command; a request of the Collector's framing cannot.
      const advice = this.limit === Infinity ? ': decompress it first (zstd -d --long=31 FILE)' : '';
      throw new ZstdError(`its zstd window is ${MiB(window)} (compressed with --long or a high level), past the ${MiB(MAX_WINDOW)} clew import reads${advice}`, true);
    }
    if (content > this.limit - this.total) throw new ZstdError(`a frame says it holds ${content} bytes, past the ${this.limit} a request can be`);
    const api = this.api;
    const frame: Frame = { decoder: new Decompress(), checksum: ((fhd >> 2) & 1) === 1, hash: api.create64(0n), produced: 0 };
    frame.decoder.ondata = (block: Uint8Array) => {
      frame.produced += block.length;
      this.total += block.length;
      if (this.total > this.limit) throw new ZstdError(`it decompresses past the ${this.limit} bytes a request can be`);
      if (frame.checksum) frame.hash.update(block);
      if (block.length > 0) this.onData(block);
    };
    frame.decoder.push(b.subarray(p, p + size));
    this.frame = frame;
    this.promised = false;
    return size;
  }

  private endFrame(frame: Frame, checksum: number | undefined, used: number, end: number): number {
    // Its blocks are all pushed: fzstd has given their content. Ended so, the next frame starts afresh.
    if (checksum !== undefined && Number(frame.hash.digest() & 0xffffffffn) !== checksum) {
      // Known only once the frame's content is all out: records of it read before may be damaged too.
      throw new ZstdError(`the frame ending at byte ${end} of the compressed bytes does not match its checksum: it is damaged, and records read from it may be too`);
    }
    this.frame = undefined;
    return used;
  }
}

/** The content of zstd bytes held whole (a request of the Collector's file exporter), checked as ZstdStream checks it. */
export async function unzstd(bytes: Uint8Array, limit: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const stream = await ZstdStream.create((c) => parts.push(c), limit);
  stream.push(bytes);
  if (stream.end()) throw new ZstdError('it ends inside a zstd frame (cut short)');
  return Buffer.concat(parts);
}

/** Stops a decompression once it has given what was asked for. */
const ENOUGH = Symbol('enough');

/** Up to the first `n` bytes of zstd bytes' content (only as much is decompressed), checked as ZstdStream checks them. */
export async function zstdStart(frame: Uint8Array, n: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let got = 0;
  const stream = await ZstdStream.create((c) => {
    parts.push(c);
    got += c.length;
    if (got >= n) throw ENOUGH;
  });
  try {
    stream.push(frame);
  } catch (e) {
    if (e !== ENOUGH) throw e;
  }
  return Buffer.concat(parts).subarray(0, n);
}
