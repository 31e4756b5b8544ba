import type { DecodeResult } from '@clew/codecs';
import { decodeOtlpJson, decodeOtlpProto, decodeZipkinJson, otlpJsonToProto } from '@clew/codecs';
import type { ImportFormat } from './import-formats.js';
import { readHead } from './import-formats.js';
import { decodeJaegerJsonTrace, parseJaegerJson } from './import-jaeger-json.js';
import type { CountedSpans } from './import-json-lines.js';
import type { JobLine } from './import-json-lines.js';
import { errorText, JOB_BYTES, JsonLinesDecoder } from './import-json-lines.js';
import type { ByteSource, Compression } from './import-source.js';
import { openSource, readWhole, skipLine } from './import-source.js';
import { unzstd, ZstdError } from './zstd-frames.js';

/**
 * Where a read starts or stopped: `offset` is a byte offset in streamed files (JSON lines, protobuf) and an index in
 * documents read whole (the trace of a Jaeger document, the span of a Zipkin array); `record` counts the records
 * before it (lines, requests, traces, spans), so that messages name a line number after a resumption too.
 */
export interface Position {
  readonly offset: number;
  readonly record: number;
}

export const START: Position = { offset: 0, record: 0 };

/** One record of a file: decoded, or why it could not be (skipped, the rest is read). */
export interface ImportRecord {
  /** Where the next record starts. */
  readonly next: Position;
  /** For messages: "line 12", "byte 4096", "trace 3", "spans 1000–1999". */
  readonly where: string;
  readonly decoded?: DecodeResult;
  /** Instead of `decoded`, when the reader was asked not to decode (see readRecords): `raw` holds the spans. */
  readonly counted?: CountedSpans;
  /**
   * The record as an OTLP protobuf request that can be sent as it is: a protobuf file's own bytes, or what the worker
   * thread made of a JSON line (the same spans; a Clew decodes protobuf several times faster than JSON).
   */
  readonly raw?: Buffer;
  readonly error?: string;
  /**
   * With `error`: the file ends inside this record (a JSON line without its newline that is not JSON, a protobuf
   * request shorter than its length), which a collector still writing the file leaves as often as a cut file does.
   * Not skipped: the import stops before it (`next` is where it starts), to go on from there once the file has grown.
   */
  readonly unfinished?: true;
  /**
   * With `unfinished`: the file's compressed bytes cannot be decompressed from here on (damage). Everything before is
   * read; running the import again stops here again.
   */
  readonly damaged?: true;
  /** How far into the file's bytes the read is, for progress. */
  readonly bytesDone: number;
}

/** Longer than any request a collector or Clew writes (a Clew takes 16 MiB by default): a length past it is not one. */
export const MAX_REQUEST_BYTES = 256 * 1024 * 1024;

/** Spans of a Zipkin array decoded together. */
const ZIPKIN_SPANS_PER_RECORD = 1000;

/**
 * The records of a file from `from` on. With `decode` false, OTLP JSON lines come `counted` with their protobuf, not
 * decoded from it (the decoding thread made it of their accepted spans); other formats are decoded all the same.
 * A file compressed as a whole is read decompressed: positions are then of its decompressed bytes. One whose requests
 * are each compressed (`zstd-each`) is read as length-delimited requests of `format`, OTLP JSON or protobuf.
 */
export function readRecords(path: string, format: ImportFormat, from: Position, size: number, decode = true, compression: Compression | null = null): AsyncIterable<ImportRecord> {
  const input = { path, compression };
  if (compression === 'zstd-each') {
    if (format !== 'otlp-json' && format !== 'otlp-proto') throw new Error(`${format} is not written with each request compressed: only OTLP JSON and protobuf are`);
    return protoRequests(input, from, size, format);
  }
  switch (format) {
    case 'otlp-json':
      return otlpJson(input, from, size, decode);
    case 'otlp-proto':
      return protoRequests(input, from, size);
    case 'jaeger-json':
      return jaegerTraces(input, from, size);
    case 'zipkin-json':
      return zipkinSpans(input, from, size);
    case 'tempo-json':
      return tempoTrace(input, from, size);
  }
}

/** A file to read, and how it is compressed. */
interface Input {
  readonly path: string;
  readonly compression: Compression | null;
}

function decodeWith(decode: () => DecodeResult): Pick<ImportRecord, 'decoded' | 'error'> {
  try {
    return { decoded: decode() };
  } catch (e) {
    return { error: errorText(e) };
  }
}

/**
 * OTLP JSON: lines, or one request written over several lines (pretty-printed, as `jq .` or a browser's save writes
 * it), told by its first line: `{` alone is no line of OTLP JSON lines.
 */
async function* otlpJson(input: Input, from: Position, size: number, decode: boolean): AsyncIterable<ImportRecord> {
  const source = await openSource(input.path, input.compression);
  let head: Buffer;
  try {
    head = await readHead(source);
  } finally {
    await source.close();
  }
  if (/^\uFEFF?[ \t\r\n]*\{[ \t\r]*\n/.test(head.toString('utf8'))) yield* otlpDocument(input, from, size);
  else yield* jsonLines(input, from, decode);
}

/** One OTLP JSON request written over several lines: one record. */
async function* otlpDocument(input: Input, from: Position, size: number): AsyncIterable<ImportRecord> {
  if (from.offset > 0) return;
  // The text as it is, to the decoder (which says where it is not JSON): integers past 2^53 stay exact.
  const read = await document(input, size, (text) => text);
  if ('bad' in read) return yield read.bad;
  yield { next: { offset: 1, record: 1 }, where: 'byte 0', bytesDone: size, ...decodeWith(() => decodeOtlpJson(read.doc as string)) };
}

/**
 * OTLP JSON lines: one ExportTraceServiceRequest per line, blank lines skipped, a last line without "\n" read too
 * (unfinished when it is not JSON: see ImportRecord).
 * Lines are decoded on a worker thread (JsonLinesDecoder), a few ahead of the records handed out. The file is read
 * into buffers made for the worker: the whole lines of each read go to it as they are, and only the start of a line
 * the read cut is copied, into the next. (Read as a stream, each chunk was copied once more to join it to the line
 * before it and again into the worker's buffer: the main thread's garbage, and its collections, were mostly that.)
 */
async function* jsonLines({ path, compression }: Input, from: Position, decode: boolean): AsyncIterable<ImportRecord> {
  let line = from.record;
  /** `start` only for a last line without its newline: where it starts, should it be unfinished. */
  type Line = Pick<ImportRecord, 'next' | 'where' | 'bytesDone'> & { readonly start?: Position };
  const decoder = new JsonLinesDecoder<Line>();
  const taken = async (): Promise<ImportRecord[]> =>
    (await decoder.take(decode)).map(({ meta: { start, ...meta }, decoded, counted, proto, error }) => {
      if (decoded) return { ...meta, decoded, raw: proto! };
      if (counted) return { ...meta, counted, raw: proto! };
      // Not JSON (decodeOtlpJson's "invalid JSON: …", JSON.parse's error): cut short. A whole line, not OTLP, is skipped.
      return start && error!.startsWith('invalid JSON: ') ? { ...meta, next: start, bytesDone: file.fileBytes(start.offset), error: error!, unfinished: true } : { ...meta, error: error! };
    });
  const file = await openSource(path, compression);
  try {
    /** The file's offset of the next byte to read. */
    let position = from.offset;
    // Going on just past a last line that had no newline (read whole; the file has grown since): the newline that now
    // ends it is that line's, not another line, which would number every line after it one too high.
    const before = Buffer.alloc(1);
    let continuing = position > 0 && (await file.read(before, 0, 1, position - 1)) === 1 && before[0] !== 0x0a;
    /** A line the last read began and did not end. */
    let carry = Buffer.alloc(0);
    for (let done = false; !done; ) {
      if (carry.length > MAX_REQUEST_BYTES) {
        // Longer than any request: read past it rather than into memory (a line of gigabytes, or a small compressed
        // file that decompresses to one), and say so in order, after the lines before it.
        while (decoder.ready(true)) yield* await taken();
        if (continuing) continuing = false;
        else line++;
        position = await skipLine(file, position);
        carry = Buffer.alloc(0);
        yield { next: { offset: position, record: line }, where: `line ${line}`, error: LINE_TOO_LONG, bytesDone: file.fileBytes(position) };
        continue;
      }
      // Shared with the worker (sharedBytes). Up to one byte past the longest line taken, so that a longer one is known
      // as such without holding more of it.
      const bytes = decoder.bytesFor(Math.min(Math.max(JOB_BYTES, 2 * carry.length), MAX_REQUEST_BYTES + 1));
      carry.copy(bytes);
      const bytesRead = await file.read(bytes, carry.length, bytes.length - carry.length, position);
      /** The file's offset of bytes[0]. */
      const base = position - carry.length;
      position += bytesRead;
      const filled = carry.length + bytesRead;
      done = bytesRead === 0;
      // Whole lines; at the end of the file, what is left is the last line (unless what ended it is damage).
      const end = done && !file.failure() ? filled : filled === 0 ? 0 : bytes.lastIndexOf(0x0a, filled - 1) + 1;
      carry = Buffer.from(bytes.subarray(end, filled));
      const lines: JobLine<Line>[] = [];
      for (let at = 0; at < end; ) {
        const nl = bytes.indexOf(0x0a, at);
        const stop = nl >= 0 && nl < end ? nl + 1 : end;
        if (continuing) continuing = false;
        else line++;
        const ended = bytes[stop - 1] === 0x0a;
        const to = ended ? stop - 1 : stop;
        const start = ended ? undefined : { offset: base + at, record: line - 1 };
        if (!isBlank(bytes, at, to)) lines.push({ from: at, to, meta: { next: { offset: base + stop, record: line }, where: `line ${line}`, bytesDone: file.fileBytes(base + stop), ...(start && { start }) } });
        at = stop;
      }
      if (lines.length > 0) decoder.add(bytes, lines);
      while (decoder.ready()) yield* await taken();
    }
    while (decoder.ready(true)) yield* await taken();
    const failed = file.failure();
    // Damage after a whole line is after it; inside a line, in it.
    if (failed) yield damagedAt({ offset: position - carry.length, record: line }, carry.length === 0 ? `after line ${line}` : `line ${line + 1}`, failed, file);
  } finally {
    await Promise.all([file.close(), decoder.close()]);
  }
}

const LINE_TOO_LONG = `longer than ${MAX_REQUEST_BYTES / 1024 / 1024} MiB, more than any request a collector or Clew writes`;

/** The record where a compressed file could not be decompressed further: the import stops before it. */
function damagedAt(next: Position, where: string, failed: Error, file: ByteSource): ImportRecord {
  return { next, where, error: failed.message, unfinished: true, damaged: true, bytesDone: file.fileBytes(next.offset) };
}

/** Whether bytes[from, to) are only spaces, tabs and carriage returns. */
function isBlank(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x0d && b !== 0x09) return false;
  }
  return true;
}

/**
 * Length-delimited OTLP protobuf: a 4-byte big-endian length, then that many bytes of ExportTraceServiceRequest. Read
 * into buffers of their own, as JSON lines are: only a request a read cut is copied, into the next. With `each`, every
 * request is a zstd frame of an ExportTraceServiceRequest in that format (the Collector's file exporter with
 * `compression: zstd`, before its native compression).
 */
async function* protoRequests({ path, compression }: Input, from: Position, size: number, each?: 'otlp-json' | 'otlp-proto'): AsyncIterable<ImportRecord> {
  let n = from.record;
  const file = await openSource(path, each ? null : compression);
  try {
    /** The file's offset of the next byte to read. */
    let position = from.offset;
    /** A request the last read began and did not end. */
    let carry = Buffer.alloc(0);
    // Decompressed bytes have no size until they end (Infinity).
    let known = Math.max(size, await file.size());
    for (;;) {
      if (carry.length >= 4 && carry.readUInt32BE(0) > MAX_REQUEST_BYTES) {
        // No request is that long: not a length (another format, or damage), and no next request can be found after it.
        const offset = position - carry.length;
        const end = Math.max(known, await file.size());
        const rest = Number.isFinite(end) ? `the rest of the file (${end - offset} bytes) is not read` : 'the rest of the file is not read';
        const next = Number.isFinite(end) ? end : Number.MAX_SAFE_INTEGER;
        yield { next: { offset: next, record: n + 1 }, where: file.byteAt(offset), error: `not a request: its length says ${carry.readUInt32BE(0)} bytes; ${rest}`, bytesDone: file.fileBytes(next) };
        return;
      }
      // Room for the request begun, as far as the file goes: a length past its end is a truncated request, not an
      // allocation of whatever it says. The file may have grown since it was measured (a collector still writing it).
      const wants = carry.length >= 4 ? 4 + carry.readUInt32BE(0) : 0;
      if (wants > carry.length + known - position) known = await file.size();
      const need = Math.min(wants, carry.length + known - position);
      // Decoded spans may keep views of the bytes (bytes values): a new buffer each read, never one reused.
      const bytes = Buffer.allocUnsafeSlow(Math.max(JOB_BYTES, need));
      carry.copy(bytes);
      const bytesRead = await file.read(bytes, carry.length, bytes.length - carry.length, position);
      const base = position - carry.length;
      position += bytesRead;
      const filled = carry.length + bytesRead;
      let start = 0;
      while (filled - start >= 4) {
        const length = bytes.readUInt32BE(start);
        if (filled - start - 4 < length) break;
        const body = bytes.subarray(start + 4, start + 4 + length);
        const at = base + start;
        start += 4 + length;
        n++;
        const record = each ? await zstdRequest(body, each) : { raw: body, ...decodeWith(() => decodeOtlpProto(body)) };
        yield { next: { offset: base + start, record: n }, where: file.byteAt(at), bytesDone: file.fileBytes(base + start), ...record };
      }
      carry = Buffer.from(bytes.subarray(start, filled));
      if (bytesRead === 0) break;
    }
    const failed = file.failure();
    if (failed) yield damagedAt({ offset: position - carry.length, record: n }, file.byteAt(position - carry.length), failed, file);
    else if (carry.length > 0) {
      const offset = position - carry.length;
      const said = carry.length >= 4 ? `the request says ${carry.readUInt32BE(0)} bytes and ${carry.length - 4} remain` : `${carry.length} bytes remain, too few for a length`;
      yield { next: { offset, record: n }, where: file.byteAt(offset), error: `truncated: ${said}`, unfinished: true, bytesDone: file.fileBytes(offset) };
    }
  } finally {
    await file.close();
  }
}

/** A request compressed with zstd on its own, decompressed and decoded; `raw` is it as protobuf when it can be. */
async function zstdRequest(body: Buffer, format: 'otlp-json' | 'otlp-proto'): Promise<Pick<ImportRecord, 'decoded' | 'error' | 'raw'>> {
  let bytes: Buffer;
  try {
    // No request is larger than MAX_REQUEST_BYTES: a frame that says or makes more is not one (or a bomb).
    bytes = await unzstd(body, MAX_REQUEST_BYTES);
  } catch (e) {
    return { error: e instanceof ZstdError && e.refused ? e.message : `cannot decompress it (zstd): ${errorText(e)}` };
  }
  if (format === 'otlp-proto') return { raw: bytes, ...decodeWith(() => decodeOtlpProto(bytes)) };
  // JSON as the decoding thread of JSON lines reads it: straight to protobuf when it can be, else decoded in full.
  const fast = otlpJsonToProto(bytes);
  if (fast === undefined) return decodeWith(() => decodeOtlpJson(bytes));
  const proto = Buffer.from(fast.proto.buffer, fast.proto.byteOffset, fast.proto.length);
  return { raw: proto, ...decodeWith(() => decodeOtlpProto(proto)) };
}

/**
 * The most of a document read whole: its text must be one JavaScript string (V8 makes none longer than 2^29 - 24
 * characters), and a small compressed file must not decompress into all of memory first.
 */
export const MAX_DOCUMENT_BYTES = 500 * 1024 * 1024;

/** A document read whole: its JSON, or the record saying why it is not. */
async function document({ path, compression }: Input, size: number, parse: (text: string) => unknown = JSON.parse): Promise<{ doc: unknown } | { bad: ImportRecord }> {
  const source: ByteSource = await openSource(path, compression);
  let bytes: Buffer | undefined;
  let failed: Error | undefined;
  try {
    bytes = await readWhole(source, MAX_DOCUMENT_BYTES);
    failed = source.failure();
  } finally {
    await source.close();
  }
  if (bytes === undefined) {
    const error = `larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB, the most a document read whole can be: import its traces in smaller files, or as OTLP JSON lines (clew export writes them)`;
    return { bad: { next: { offset: Number.MAX_SAFE_INTEGER, record: 1 }, where: 'byte 0', error, bytesDone: size } };
  }
  // Damaged: not one record of it is read (run again once repaired, it is read afresh).
  if (failed) return { bad: { next: { offset: 0, record: 0 }, where: 'byte 0', error: failed.message, unfinished: true, damaged: true, bytesDone: 0 } };
  // A byte order mark (Windows editors save one) is not JSON, but told the format apart (detectFormat) it is skipped.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return { doc: parse(text) };
  } catch (e) {
    return { bad: { next: { offset: Number.MAX_SAFE_INTEGER, record: 1 }, where: 'byte 0', error: `not JSON: ${errorText(e)}`, bytesDone: size } };
  }
}

/** Jaeger UI JSON (`{"data":[trace, …]}`): one record per trace. */
async function* jaegerTraces(input: Input, from: Position, size: number): AsyncIterable<ImportRecord> {
  // Integers past 2^53 that older Jaeger wrote as numbers, read exactly.
  const read = await document(input, size, parseJaegerJson);
  if ('bad' in read) return yield read.bad;
  const data = (read.doc as { data?: unknown }).data;
  if (!Array.isArray(data)) return yield { next: { offset: Number.MAX_SAFE_INTEGER, record: 1 }, where: 'byte 0', error: 'not Jaeger UI JSON: no "data" array', bytesDone: size };
  for (let i = from.offset; i < data.length; i++) {
    const trace = data[i] as { traceID?: unknown };
    const id = typeof trace?.traceID === 'string' ? ` (${trace.traceID})` : '';
    yield { next: { offset: i + 1, record: i + 1 }, where: `trace ${i + 1}${id}`, bytesDone: Math.round((size * (i + 1)) / data.length), ...decodeWith(() => decodeJaegerJsonTrace(trace)) };
  }
}

/**
 * Zipkin v2 JSON: an array of spans (what `GET /api/v2/trace/{id}` answers), or an array of traces, each an array of
 * spans (what a search, `GET /api/v2/traces`, answers); records of ZIPKIN_SPANS_PER_RECORD spans.
 */
async function* zipkinSpans(input: Input, from: Position, size: number): AsyncIterable<ImportRecord> {
  const read = await document(input, size);
  if ('bad' in read) return yield read.bad;
  const doc = read.doc;
  const spans = Array.isArray(doc) && doc.length > 0 && doc.every(Array.isArray) ? (doc as unknown[][]).flat() : doc;
  if (!Array.isArray(spans)) return yield { next: { offset: Number.MAX_SAFE_INTEGER, record: 1 }, where: 'byte 0', error: 'not Zipkin v2 JSON: not an array', bytesDone: size };
  for (let i = from.offset; i < spans.length; i += ZIPKIN_SPANS_PER_RECORD) {
    const end = Math.min(spans.length, i + ZIPKIN_SPANS_PER_RECORD);
    const whole = decodeWith(() => decodeZipkinJson(JSON.stringify(spans.slice(i, end))));
    if (whole.decoded) {
      yield { next: { offset: end, record: end }, where: `spans ${i + 1}–${end}`, bytesDone: Math.round((size * end) / spans.length), ...whole };
      continue;
    }
    // One span is malformed: each is decoded alone, so that only it is skipped.
    for (let j = i; j < end; j++) {
      const one = decodeWith(() => decodeZipkinJson(JSON.stringify([spans[j]])));
      yield { next: { offset: j + 1, record: j + 1 }, where: `span ${j + 1}`, bytesDone: Math.round((size * (j + 1)) / spans.length), ...one };
    }
  }
}

/**
 * A trace as Tempo's API answers it, `GET /api/traces/{id}` (`{"batches": [ResourceSpans…]}`) or `/api/v2/traces/{id}`
 * (`{"trace": {"resourceSpans": […]}}`): OTLP in protobuf's JSON mapping (jsonpb), which OTLP JSON is but for ids,
 * written as base64 of their bytes instead of hex, and, from older Tempo, `instrumentationLibrarySpans`. One record.
 */
async function* tempoTrace(input: Input, from: Position, size: number): AsyncIterable<ImportRecord> {
  if (from.offset > 0) return;
  const read = await document(input, size);
  if ('bad' in read) return yield read.bad;
  const doc = read.doc as { batches?: unknown; trace?: { resourceSpans?: unknown } } | null;
  const resourceSpans = doc?.batches ?? doc?.trace?.resourceSpans;
  const at = { next: { offset: 1, record: 1 }, where: 'byte 0', bytesDone: size };
  if (!Array.isArray(resourceSpans)) return yield { ...at, error: 'not a trace of Tempo\'s API: no "batches" array, nor "trace" with "resourceSpans"' };
  yield { ...at, ...decodeWith(() => decodeOtlpJson(JSON.stringify({ resourceSpans: resourceSpans.map(otlpResourceSpans) }))) };
}

/** A jsonpb ResourceSpans as OTLP JSON: hex ids, scopeSpans. */
function otlpResourceSpans(rs: unknown): unknown {
  if (typeof rs !== 'object' || rs === null) return rs;
  const { instrumentationLibrarySpans, scopeSpans, ...rest } = rs as { instrumentationLibrarySpans?: unknown[]; scopeSpans?: unknown[] };
  const scopes = (scopeSpans ?? instrumentationLibrarySpans ?? []).map((ss) => {
    if (typeof ss !== 'object' || ss === null) return ss;
    const { instrumentationLibrary, scope, spans, ...r } = ss as { instrumentationLibrary?: unknown; scope?: unknown; spans?: unknown[] };
    return { ...r, scope: scope ?? instrumentationLibrary, spans: (spans ?? []).map(hexIds) };
  });
  return { ...rest, scopeSpans: scopes };
}

/** A span's (and its links') ids as hex: base64 of 16 or 8 bytes (24 or 12 characters, padded, or 22 or 11) converted. */
function hexIds(span: unknown): unknown {
  if (typeof span !== 'object' || span === null) return span;
  const s = span as Record<string, unknown> & { links?: unknown[] };
  const out: Record<string, unknown> = { ...s };
  for (const k of ['traceId', 'spanId', 'parentSpanId']) if (k in s) out[k] = hexOf(s[k]);
  if (Array.isArray(s.links)) out.links = s.links.map((l) => (typeof l === 'object' && l !== null ? { ...l, traceId: hexOf((l as Record<string, unknown>).traceId), spanId: hexOf((l as Record<string, unknown>).spanId) } : l));
  return out;
}

const BASE64_ID = /^(?:[A-Za-z0-9+/]{22}(?:==)?|[A-Za-z0-9+/]{11}=?)$/;

function hexOf(id: unknown): unknown {
  // Hex ids are 32 or 16 digits: never 24, 22, 12 or 11 characters, the lengths of base64 ids.
  return typeof id === 'string' && BASE64_ID.test(id) ? Buffer.from(id, 'base64').toString('hex') : id;
}
