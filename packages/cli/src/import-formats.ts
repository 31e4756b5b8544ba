import type { ByteSource, Compression } from './import-source.js';
import { compressionOf, compressionText, openSource } from './import-source.js';
import { zstdStart } from './zstd-frames.js';

/** The files `clew import` reads. */
export const IMPORT_FORMATS = ['otlp-json', 'otlp-proto', 'jaeger-json', 'zipkin-json', 'tempo-json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * The format of a file, from its first bytes: OTLP JSON lines start with `{"resourceSpans"` (or `resource_spans`),
 * Jaeger UI JSON with `{"data"`, a trace as Tempo's API answers it with `{"batches"` (v1) or `{"trace"` (v2), Zipkin
 * v2 JSON is an array, and OTLP protobuf as the Collector's file exporter
 * writes it starts with a 4-byte length followed by field 1 of ExportTraceServiceRequest (tag 0x0a). Null when none
 * fits.
 */
export function detectFormat(head: Uint8Array, size: number): ImportFormat | null {
  const text = Buffer.from(head.subarray(0, 4096)).toString('utf8').replace(/^\uFEFF/, '');
  const key = /^\s*\{\s*"([A-Za-z_]+)"/.exec(text)?.[1];
  if (key === 'resourceSpans' || key === 'resource_spans') return 'otlp-json';
  if (key === 'data') return 'jaeger-json';
  if (key === 'batches' || key === 'trace') return 'tempo-json';
  if (/^\s*\[/.test(text)) return 'zipkin-json';
  if (head.length >= 5) {
    const length = Buffer.from(head.buffer, head.byteOffset, head.length).readUInt32BE(0);
    if (length + 4 <= size && (length === 0 || head[4] === 0x0a)) return 'otlp-proto';
  }
  return null;
}

/** The first bytes of a file (decompressed, when it is compressed as a whole), for detectFormat. */
export async function readHead(source: ByteSource): Promise<Buffer> {
  const buf = Buffer.alloc(4096);
  return buf.subarray(0, await source.read(buf, 0, buf.length, 0));
}

/**
 * The file's format and compression, from its first bytes (decompressed, when it is compressed), or the format given.
 * Compression is always told from the bytes, whatever format was given: read as it is, every record would be skipped.
 */
export async function formatOf(file: string, size: number, given: ImportFormat | undefined): Promise<{ format: ImportFormat; compression: Compression | null }> {
  // An empty file is an export of an empty range: no lines, no requests.
  if (size === 0) return { format: given ?? 'otlp-json', compression: null };
  const plain = await openSource(file, null);
  let compression: Compression | null;
  let head: Buffer;
  try {
    head = await readHead(plain);
    compression = compressionOf(head);
    if (compression === 'zstd-each') return { format: given ?? (await eachFormat(plain, size)), compression };
  } finally {
    await plain.close();
  }
  let cut = false;
  if (compression === 'gzip' || compression === 'zstd') {
    const whole = await openSource(file, compression);
    try {
      head = await readHead(whole);
      // Nothing decompresses: damaged from its start, or what clew import does not read (a zstd dictionary, a window
      // too large). Damage further on is the import's to report, after what comes before it.
      const failed = whole.failure();
      if (failed && head.length === 0) throw failed;
      cut = whole.cutShort();
    } finally {
      await whole.close();
    }
    // Compressed nothing: an empty file; cut short, a file that nothing can be read from yet, whatever its format.
    if (head.length === 0 && !cut) return { format: given ?? 'otlp-json', compression };
    if (head.length === 0) throw new Error(`${NOTHING_YET}: it ends before any of its content (${compression})`);
  }
  const format = given ?? detectFormat(head, compression ? Infinity : size);
  if (format !== null) return { format, compression };
  if (cut) throw new Error(`${NOTHING_YET}: it ends before enough of it can be decompressed to tell its format (${compression})`);
  const what = compression ? `its content once decompressed (${compressionText(compression)})` : 'its format';
  throw new Error(`cannot tell ${what} (OTLP JSON lines or protobuf, Jaeger UI JSON, Zipkin v2 JSON, a trace of Tempo's API); give --format`);
}

const NOTHING_YET = 'nothing can be read from it yet (cut short, or still being written; run the same command again once it has grown)';

/** Requests looked at to tell the format of a file whose requests are each compressed: a damaged one is passed over. */
const FORMAT_REQUESTS = 16;

/**
 * The format of a file whose requests are each compressed with zstd, from the first of its first requests that
 * decompresses (only the start of each is decompressed): protobuf starts with field 1 (or is empty), JSON with "{".
 */
async function eachFormat(source: ByteSource, size: number): Promise<'otlp-json' | 'otlp-proto'> {
  let first: unknown;
  for (let at = 0, n = 0; n < FORMAT_REQUESTS; n++) {
    const prefix = Buffer.alloc(4);
    if ((await source.read(prefix, 0, 4, at)) < 4) break;
    const length = prefix.readUInt32BE(0);
    const frame = Buffer.alloc(Math.min(length, size - at - 4));
    const whole = (await source.read(frame, 0, frame.length, at + 4)) === length;
    if (!whole && n === 0) throw new Error(`${NOTHING_YET}: its first request is not whole`);
    at += 4 + length;
    // Damaged or refused (a window, a dictionary, a size), it is skipped when read; the next may tell.
    const start = await zstdStart(frame, 4096).catch((e: unknown) => {
      first ??= e;
      return undefined;
    });
    if (start === undefined) continue;
    if (start.length === 0 || start[0] === 0x0a) return 'otlp-proto';
    if (detectFormat(start, Infinity) === 'otlp-json') return 'otlp-json';
    throw new Error("its requests are each compressed with zstd, as the Collector's file exporter writes OTLP JSON or protobuf, but they are neither");
  }
  const why = first instanceof Error ? `: ${first.message}` : '';
  throw new Error(`its first requests are not zstd that can be decompressed${why}; give --format to read the rest`);
}
