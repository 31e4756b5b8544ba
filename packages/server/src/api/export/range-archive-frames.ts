import type { RangeArchiveDay, RangeArchiveManifest } from '@clew/storage';
import { EXPORT_ROUTE } from './export-format.js';

/**
 * `GET /api/clew/v1/export/range-archive?start=&end=[&service=]`: a range archive of the request's tenant's spans
 * (what `clew archive -d` writes, see copyRangeArchive), written by the store where its spans are and sent as
 * the frames below: progress while each day's file is written, then the file, one day at a time.
 * `clew archive --url` writes the files it receives and the manifest. Only with a store that writes range archives
 * itself (DuckDB); elsewhere the route is absent and the command reads the export route instead.
 */
export const RANGE_ARCHIVE_ROUTE = `${EXPORT_ROUTE}/range-archive`;

/**
 * The range archive route's answer (see range-archive-route.ts): frames, each a type byte, its payload's length
 * (uint32, big-endian) and the payload.
 *
 * | type | payload |
 * |---|---|
 * | `P` | JSON `{"spans", "total"}`: spans written so far, of all (one at once, `total` 0 until the spans are counted; then every half second) |
 * | `F` | JSON RangeArchiveDay: the day file whose bytes follow, as the manifest lists it (name, bytes, sha256, counts) |
 * | `D` | the next bytes of that file (up to DATA_BYTES); as many as its `bytes` make |
 * | `M` | JSON RangeArchiveManifest: the archive is whole (the last frame) |
 * | `E` | JSON `{"message"}`: the archive failed after the answer began (the last frame) |
 *
 * An answer that ends without `M` or `E` was cut short.
 */
export type RangeArchiveFrame =
  | { readonly kind: 'progress'; readonly spans: number; readonly total: number }
  | { readonly kind: 'file'; readonly day: RangeArchiveDay }
  | { readonly kind: 'data'; readonly bytes: Buffer }
  | { readonly kind: 'manifest'; readonly manifest: RangeArchiveManifest }
  | { readonly kind: 'error'; readonly message: string };

export const RANGE_ARCHIVE_CONTENT_TYPE = 'application/x-clew-range-archive';

/** The largest `D` frame a Clew sends. */
export const DATA_BYTES = 1 << 20;
/** The largest frame a reader takes: a longer length is a damaged answer, not a frame to wait for. */
const MAX_FRAME = 16 << 20;
const HEAD = 5;

const KINDS = { P: 'progress', F: 'file', D: 'data', M: 'manifest', E: 'error' } as const;

/** A frame of `type` (a key of KINDS) holding `payload`, or the JSON of `value`. */
export function rangeArchiveFrame(type: keyof typeof KINDS, payload: Buffer | object): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
  const head = Buffer.allocUnsafe(HEAD);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Splits the answer into frames as it streams by; throws on a frame no Clew sends. */
export class RangeArchiveFrames {
  /** Bytes received and not yet framed, kept as chunks: joined once a frame is whole. */
  private chunks: Buffer[] = [];
  private bytes = 0;

  push(chunk: Buffer): RangeArchiveFrame[] {
    const frames: RangeArchiveFrame[] = [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
    while (this.bytes >= HEAD) {
      const head = this.chunks[0]!.length >= HEAD ? this.chunks[0]! : this.join();
      const type = String.fromCharCode(head[0]!);
      const length = head.readUInt32BE(1);
      if (!(type in KINDS)) throw new Error(`not a range archive answer: a frame of type 0x${head[0]!.toString(16)}`);
      if (length > MAX_FRAME) throw new Error(`not a range archive answer: a frame of ${length} bytes`);
      if (this.bytes < HEAD + length) break;
      const buf = this.join();
      frames.push(parse(KINDS[type as keyof typeof KINDS], buf.subarray(HEAD, HEAD + length)));
      const rest = buf.subarray(HEAD + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.bytes = rest.length;
    }
    return frames;
  }

  /** Bytes of a frame begun and not ended. */
  get partial(): number {
    return this.bytes;
  }

  private join(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.bytes)];
    return this.chunks[0]!;
  }
}

function parse(kind: RangeArchiveFrame['kind'], payload: Buffer): RangeArchiveFrame {
  if (kind === 'data') return { kind, bytes: payload };
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new Error(`not a range archive answer: a ${kind} frame that is not JSON`);
  }
  const o = (v ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'progress':
      return { kind, spans: Number(o.spans), total: Number(o.total) };
    case 'file':
      return { kind, day: o as unknown as RangeArchiveDay };
    case 'manifest':
      return { kind, manifest: o as unknown as RangeArchiveManifest };
    default:
      return { kind: 'error', message: String(o.message) };
  }
}
