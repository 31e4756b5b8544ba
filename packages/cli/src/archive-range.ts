import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Span, Tenant, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { decodeOtlpProto } from '@clew/codecs';
import { EXPORT_ROUTE, RANGE_ARCHIVE_CONTENT_TYPE, RANGE_ARCHIVE_ROUTE, RangeArchiveFrames } from '@clew/server/client';
import type { RangeArchiveDay, RangeArchiveManifest } from '@clew/storage';
import { Command } from 'commander';
import { openDataDirStore } from './data-dir-store.js';
import { ExportFrames } from './export-count.js';
import { spansHeader } from './export.js';
import { Progress } from './progress.js';
import { stopSignals } from './stop-signals.js';
import { answerOf, QUERY_PORT_HINT, reach } from './reach.js';
import { nothingFound, parseRangeSource, rangeSourceOptions, sourceHeaders } from './range-source.js';
import type { RangeSourceFlags } from './range-source.js';

export interface ArchiveRangeRequest {
  readonly start: UnixNanos;
  readonly end: UnixNanos;
  readonly service?: string | undefined;
  readonly out: string;
}

export interface ArchiveRangeOptions {
  readonly progress?: Progress | undefined;
  /** Stops the archive (Ctrl-C): what it wrote is removed, and it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

export interface ArchiveRangeSource {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly tenant?: string | undefined;
  readonly dataDir?: string | undefined;
}

/** The stores, loaded when an archive is written rather than with the command (DuckDB takes half a second to load). */
const storage = () => import('@clew/storage');

/**
 * Writes the selected spans as a range archive in `req.out`; resolves to its manifest. From a data directory, the store
 * writes it (DuckDBStore.writeRangeArchive: the spans never leave DuckDB); from a running Clew, its store writes it
 * the same way and sends the files (RANGE_ARCHIVE_ROUTE), or, from a Clew whose store does not (ClickHouse), the spans
 * of its export route go through a RangeArchiveWriter.
 */
export async function archiveRange(source: ArchiveRangeSource, req: ArchiveRangeRequest, opts: ArchiveRangeOptions = {}): Promise<RangeArchiveManifest> {
  const { progress, signal } = opts;
  if (source.dataDir !== undefined) return fromDir(source.dataDir, (source.tenant ?? DEFAULT_TENANT) as Tenant, req, opts);
  const sent = await fromClewStore(source, req, opts);
  if (sent !== undefined) return sent;
  const writer = await (await storage()).RangeArchiveWriter.create(req.out);
  try {
    const { tenant, total, batches } = await fromUrl(source, req, signal);
    let spans = 0;
    // Each request's spans as they come: the writer encodes them at once and commits a day's batch when it is large.
    for await (const batch of batches) {
      await writer.add(batch, tenant);
      spans += batch.length;
      progress?.update({ spans, bytesDone: 0, bytesTotal: 0, spansTotal: total });
    }
    return await writer.finish({ start: req.start, end: req.end, service: req.service }, signal);
  } catch (e) {
    await writer.discard().catch(() => undefined);
    throw signal?.aborted ? signal.reason : e;
  }
}

/**
 * The archive a running Clew's store writes (RANGE_ARCHIVE_ROUTE), each day's file written into `req.out` as it
 * arrives and checked against what the Clew says of it (size, SHA-256), then the manifest; undefined when the Clew has
 * no such route (a ClickHouse store, or a Clew from before it), having left `req.out` as it was.
 */
async function fromClewStore(source: ArchiveRangeSource, req: ArchiveRangeRequest, { progress, signal }: ArchiveRangeOptions): Promise<RangeArchiveManifest | undefined> {
  const base = source.url!.replace(/\/+$/, '');
  const params = new URLSearchParams({ start: String(req.start), end: String(req.end) });
  if (req.service !== undefined) params.set('service', req.service);
  const url = `${base}${RANGE_ARCHIVE_ROUTE}`;
  const { discardArchiveDir, newArchiveDir } = await storage();
  // Refused before the Clew is asked to do any work, when `out` holds an archive.
  const made = await newArchiveDir(req.out);
  try {
    const res = await reach(`${url}?${params}`, { headers: sourceHeaders(source), signal }, QUERY_PORT_HINT);
    if (res.status === 404) {
      await res.body?.cancel();
      await discardArchiveDir(req.out, made);
      return undefined;
    }
    if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}: ${await answerOf(res)}`);
    const type = res.headers.get('content-type');
    if (type !== RANGE_ARCHIVE_CONTENT_TYPE) throw new Error(`${url} answered ${type ?? 'no content type'}, not ${RANGE_ARCHIVE_CONTENT_TYPE}`);
    return await receiveArchive(res.body as AsyncIterable<Uint8Array>, url, req, progress);
  } catch (e) {
    await discardArchiveDir(req.out, made);
    throw signal?.aborted ? signal.reason : e;
  }
}

const DAY_FILE = /^spans-\d{4}-\d{2}-\d{2}\.parquet$/;

/** Writes the day files of the route's answer into `req.out`, then the manifest once the answer says it is whole. */
async function receiveArchive(body: AsyncIterable<Uint8Array>, url: string, req: ArchiveRangeRequest, progress?: Progress): Promise<RangeArchiveManifest> {
  const frames = new RangeArchiveFrames();
  const days: RangeArchiveDay[] = [];
  let file: { readonly day: RangeArchiveDay; readonly path: string; readonly out: FileHandle; readonly hash: ReturnType<typeof createHash>; got: number } | undefined;
  const wrong = (what: string) => new Error(`${url} sent a damaged archive: ${what}`);
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (e) {
        // The connection broke (the Clew stopped or died): said as that, not as undici's "terminated".
        throw new Error(`${url} broke off its answer: ${e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e)}`, { cause: e });
      }
      if (next.done) break;
      const chunk = next.value;
      for (const f of frames.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        if (f.kind === 'progress') progress?.update({ spans: f.spans, bytesDone: 0, bytesTotal: 0, spansTotal: f.total });
        else if (f.kind === 'error') throw new Error(`${url} could not write the archive: ${f.message}`);
        else if (f.kind === 'file') {
          const { day } = f;
          // The name is the Clew's, so it is held to a day file's in `out` before anything is written under it.
          if (file !== undefined || typeof day.file !== 'string' || !DAY_FILE.test(day.file) || days.some((d) => d.file === day.file)) throw wrong(`a file ${JSON.stringify(day.file)} out of place`);
          if (!Number.isSafeInteger(day.bytes) || day.bytes < 0) throw wrong(`${day.file} of ${String(day.bytes)} bytes`);
          const path = join(req.out, day.file);
          file = { day, path, out: await open(`${path}.tmp`, 'wx'), hash: createHash('sha256'), got: 0 };
        } else if (f.kind === 'data') {
          if (file === undefined) throw wrong('bytes outside a file');
          file.got += f.bytes.length;
          if (file.got > file.day.bytes) throw wrong(`${file.day.file} longer than its ${file.day.bytes} bytes`);
          file.hash.update(f.bytes);
          await file.out.write(f.bytes);
        } else {
          if (file !== undefined) throw wrong(`it ended in the middle of ${file.day.file}`);
          if (JSON.stringify(f.manifest.files) !== JSON.stringify(days)) throw wrong('its manifest lists other files than it sent');
          return await (await storage()).writeManifest(req.out, req, days);
        }
        if (file !== undefined && file.got === file.day.bytes) {
          const done = file;
          file = undefined;
          await done.out.sync();
          await done.out.close();
          if (done.hash.digest('hex') !== done.day.sha256) throw wrong(`${done.day.file} does not have the SHA-256 the Clew gave`);
          await rename(`${done.path}.tmp`, done.path);
          days.push(done.day);
        }
      }
    }
    const where = file === undefined ? (frames.partial > 0 ? ` (${frames.partial} bytes into a frame)` : '') : `, in ${file.day.file}`;
    throw new Error(`${url}: the answer ended before the archive was whole${where}`);
  } finally {
    await file?.out.close().catch(() => undefined);
  }
}

interface SpanSource {
  readonly tenant: Tenant;
  /** How many spans `batches` gives, when known before (see SelectedSpans). */
  readonly total: number | undefined;
  readonly batches: AsyncIterable<Span[]>;
}

async function fromDir(dir: string, tenant: Tenant, req: ArchiveRangeRequest, { progress, signal }: ArchiveRangeOptions): Promise<RangeArchiveManifest> {
  const store = await openDataDirStore(dir, { existing: true });
  try {
    return await store.writeRangeArchive({ ...req, tenant }, { progress: (spans, total) => progress?.update({ spans, bytesDone: 0, bytesTotal: 0, spansTotal: total }), signal });
  } finally {
    await store.close();
  }
}

/**
 * A running Clew's export route, as length-delimited OTLP protobuf; the spans are archived as the tenant the session
 * route names for the token (so that an archive never files one tenant's spans under another).
 */
async function fromUrl(source: ArchiveRangeSource, req: ArchiveRangeRequest, signal: AbortSignal | undefined): Promise<SpanSource> {
  const base = source.url!.replace(/\/+$/, '');
  const headers = sourceHeaders(source);
  const session = await reach(`${base}/api/clew/v1/session`, { headers, signal }, QUERY_PORT_HINT);
  if (!session.ok) throw new Error(`${base}/api/clew/v1/session answered ${session.status}: ${await answerOf(session)}`);
  const tenant = ((await session.json()) as { tenant: string }).tenant as Tenant;
  const params = new URLSearchParams({ start: String(req.start), end: String(req.end), format: 'protobuf' });
  if (req.service !== undefined) params.set('service', req.service);
  const url = `${base}${EXPORT_ROUTE}?${params}`;
  const res = await reach(url, { headers, signal });
  if (!res.ok || !res.body) throw new Error(`${url.split('?')[0]} answered ${res.status}: ${await answerOf(res)}`);
  return { tenant, total: spansHeader(res.headers), batches: protoRequests(res.body as AsyncIterable<Uint8Array>, url) };
}

/**
 * The spans of each length-delimited request of the export route's answer, with the ids the store held, not checked
 * again (see asJsonLine); a body cut short throws.
 */
async function* protoRequests(body: AsyncIterable<Uint8Array>, url: string): AsyncIterable<Span[]> {
  const frames = new ExportFrames();
  for await (const chunk of body) {
    for (const frame of frames.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) yield decodeOtlpProto(frame.subarray(4), { checkIds: false }).spans;
  }
  if (frames.partial > 0) throw new Error(`${url}: the answer ended in the middle of a request (${frames.partial} bytes left)`);
}

interface ArchiveFlags extends RangeSourceFlags {
  service?: string;
  out: string;
}

/** `clew archive (--url URL | -d DIR) --from … --to … [--service S] --out DIR`. */
export function archiveCommand(): Command {
  return rangeSourceOptions(
    new Command('archive').description(
      "archive a time range's spans as Parquet files, one per UTC day, with a manifest; `clew serve --archive-dir DIR` reads them back",
    ),
  )
    .requiredOption('--out <dir>', 'the archive directory (created; it must not hold an archive already)')
    .option('--service <name>', 'only the traces with a span of this service in the range (whole traces)')
    .action(async (flags: ArchiveFlags) => {
      process.exitCode = await runArchive(flags);
    });
}

async function runArchive(flags: ArchiveFlags): Promise<number> {
  const range = parseRangeSource(flags);
  if ('error' in range) {
    process.stderr.write(`${range.error}\n`);
    return 2;
  }
  const { start, end } = range;
  const progress = new Progress(`archive ${flags.out}`);
  const started = Date.now();
  // Stopped by a signal, the archive removes what it wrote and the command exits as a shell reports one: 128 + its number.
  const stop = stopSignals();
  try {
    const m = await archiveRange(
      { url: flags.url, dataDir: flags.dataDir, token: flags.token ?? process.env.CLEW_TOKEN, tenant: flags.tenant },
      { start, end, service: flags.service, out: flags.out },
      { progress, signal: stop.signal },
    );
    progress.done({ spans: m.spans, bytesDone: 0, bytesTotal: 0, spansTotal: m.spans });
    for (const f of m.files) {
      process.stdout.write(`${f.file}: ${f.spans.toLocaleString('en-US')} spans, ${f.bytes.toLocaleString('en-US')} bytes (${(f.bytes / f.spans).toFixed(1)} B/span)\n`);
    }
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`archived ${m.spans.toLocaleString('en-US')} spans in ${m.files.length} day file(s) in ${seconds.toFixed(1)} s to ${flags.out}\n`);
    if (m.spans === 0) process.stderr.write(nothingFound('archive', flags, flags));
    return 0;
  } catch (e) {
    if (stop.signal.aborted) {
      process.stderr.write(`\narchive ${(stop.signal.reason as Error).message}: nothing of it is left in ${flags.out}\n`);
      return stop.exitCode;
    }
    process.stderr.write(`archive failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    stop.release();
  }
}
