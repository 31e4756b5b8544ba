import type { Span, Tenant, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { decodeOtlpProto } from '@clew/codecs';
import { EXPORT_ROUTE } from '@clew/server';
import type { RangeArchiveManifest } from '@clew/storage';
import { RangeArchiveWriter } from '@clew/storage';
import { Command } from 'commander';
import { openDataDirStore } from './data-dir-store.js';
import { ExportFrames } from './export-count.js';
import { spansHeader } from './export.js';
import { Progress } from './progress.js';
import { answerOf, QUERY_PORT_HINT, reach } from './reach.js';
import { nothingFound, parseRangeSource, rangeSourceOptions, sourceHeaders } from './range-source.js';
import type { RangeSourceFlags } from './range-source.js';

export interface ArchiveRangeRequest {
  readonly start: UnixNanos;
  readonly end: UnixNanos;
  readonly service?: string | undefined;
  readonly out: string;
}

export interface ArchiveRangeSource {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly tenant?: string | undefined;
  readonly dataDir?: string | undefined;
}

/**
 * Writes the selected spans as a range archive in `req.out`; resolves to its manifest. From a data directory, the store
 * writes it (DuckDBStore.writeRangeArchive: the spans never leave DuckDB); from a running Clew, the spans of its export
 * route go through a RangeArchiveWriter.
 */
export async function archiveRange(source: ArchiveRangeSource, req: ArchiveRangeRequest, progress?: Progress): Promise<RangeArchiveManifest> {
  if (source.dataDir !== undefined) return fromDir(source.dataDir, (source.tenant ?? DEFAULT_TENANT) as Tenant, req, progress);
  const writer = await RangeArchiveWriter.create(req.out);
  try {
    const { tenant, total, batches } = await fromUrl(source, req);
    let spans = 0;
    // Each request's spans as they come: the writer encodes them at once and commits a day's batch when it is large.
    for await (const batch of batches) {
      await writer.add(batch, tenant);
      spans += batch.length;
      progress?.update({ spans, bytesDone: 0, bytesTotal: 0, spansTotal: total });
    }
    return await writer.finish({ start: req.start, end: req.end, service: req.service });
  } catch (e) {
    await writer.discard().catch(() => undefined);
    throw e;
  }
}

interface SpanSource {
  readonly tenant: Tenant;
  /** How many spans `batches` gives, when known before (see SelectedSpans). */
  readonly total: number | undefined;
  readonly batches: AsyncIterable<Span[]>;
}

async function fromDir(dir: string, tenant: Tenant, req: ArchiveRangeRequest, progress?: Progress): Promise<RangeArchiveManifest> {
  const store = await openDataDirStore(dir, { existing: true });
  try {
    return await store.writeRangeArchive({ ...req, tenant }, (spans, total) => progress?.update({ spans, bytesDone: 0, bytesTotal: 0, spansTotal: total }));
  } finally {
    await store.close();
  }
}

/**
 * A running Clew's export route, as length-delimited OTLP protobuf; the spans are archived as the tenant the session
 * route names for the token (so that an archive never files one tenant's spans under another).
 */
async function fromUrl(source: ArchiveRangeSource, req: ArchiveRangeRequest): Promise<SpanSource> {
  const base = source.url!.replace(/\/+$/, '');
  const headers = sourceHeaders(source);
  const session = await reach(`${base}/api/clew/v1/session`, { headers }, QUERY_PORT_HINT);
  if (!session.ok) throw new Error(`${base}/api/clew/v1/session answered ${session.status}: ${await answerOf(session)}`);
  const tenant = ((await session.json()) as { tenant: string }).tenant as Tenant;
  const params = new URLSearchParams({ start: String(req.start), end: String(req.end), format: 'protobuf' });
  if (req.service !== undefined) params.set('service', req.service);
  const url = `${base}${EXPORT_ROUTE}?${params}`;
  const res = await reach(url, { headers });
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
  try {
    const m = await archiveRange(
      { url: flags.url, dataDir: flags.dataDir, token: flags.token ?? process.env.CLEW_TOKEN, tenant: flags.tenant },
      { start, end, service: flags.service, out: flags.out },
      progress,
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
    process.stderr.write(`archive failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
