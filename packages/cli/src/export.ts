import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { decodeOtlpProto, encodeOtlpJsonText } from '@clew/codecs';
import { DEFAULT_TENANT } from '@clew/model';
import type { Tenant, UnixNanos } from '@clew/model';
import type { ExportFormat } from '@clew/server/client';
import type { ExportSelection } from '@clew/server/data-dir';
import { encodeExportRequests, EXPORT_ROUTE, EXPORT_SPANS_HEADER, parseTraceQL } from '@clew/server/client';
import { Command, Option } from 'commander';
import { duckdbThreadsBeside, openDataDirStore } from './data-dir-store.js';
import { ExportFrames } from './export-count.js';
import { Progress } from './progress.js';
import { answerOf, QUERY_PORT_HINT, reach } from './reach.js';
import { nothingFound, parseRangeSource, rangeSourceOptions, sourceHeaders } from './range-source.js';
import type { RangeSourceFlags } from './range-source.js';
import { stopSignals } from './stop-signals.js';

export interface ExportRequest {
  readonly start: UnixNanos;
  readonly end: UnixNanos;
  readonly service?: string | undefined;
  /** TraceQL. */
  readonly query?: string | undefined;
  readonly format: ExportFormat;
}

export interface ExportSource {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly tenant?: string | undefined;
  readonly dataDir?: string | undefined;
}

/**
 * Writes the selected spans to `out` as they are read; resolves to how many were written. An aborted `signal` stops
 * an export from a running Clew even while it waits for the Clew (one from a data directory stops at its next write,
 * once `out` is destroyed).
 */
export async function exportSpans(source: ExportSource, req: ExportRequest, out: Writable, progress?: Progress, signal?: AbortSignal): Promise<number> {
  return source.dataDir !== undefined
    ? exportFromDir(source.dataDir, (source.tenant ?? DEFAULT_TENANT) as Tenant, req, out, progress)
    : exportFromUrl(source, req, out, progress, signal);
}

/**
 * The export route is always asked for protobuf: for JSON lines this command turns each request into its line
 * (the same bytes the route's JSON would be), so the work of the JSON encoding falls on this process rather than on
 * the Clew it reads from, which goes on serving its users and ingesting meanwhile.
 */
async function exportFromUrl(source: ExportSource, req: ExportRequest, out: Writable, progress?: Progress, signal?: AbortSignal): Promise<number> {
  const params = new URLSearchParams({ start: String(req.start), end: String(req.end), format: 'protobuf' });
  if (req.service !== undefined) params.set('service', req.service);
  if (req.query !== undefined) params.set('q', req.query);
  const url = `${source.url!.replace(/\/+$/, '')}${EXPORT_ROUTE}?${params}`;
  const res = await reach(url, { headers: sourceHeaders(source), signal }, QUERY_PORT_HINT);
  if (!res.ok || !res.body) throw new Error(`${url.split('?')[0]} answered ${res.status}: ${await answerOf(res)}`);
  const frames = new ExportFrames();
  const spansTotal = spansHeader(res.headers);
  let bytes = 0;
  // A body cut short (the server failed half way) rejects here, so an export never ends as if complete.
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    for (const frame of frames.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
      const request = req.format === 'json' ? asJsonLine(frame) : frame;
      bytes += request.length;
      await write(out, request);
    }
    progress?.update({ spans: frames.spans, bytesDone: bytes, bytesTotal: 0, spansTotal });
  }
  if (frames.partial > 0) throw new Error(`${url.split('?')[0]} ended its answer inside a request (${frames.partial} bytes of it): the export is incomplete`);
  return frames.spans;
}

/**
 * A length-prefixed protobuf request of the export route as the JSON line the route would have sent for it. Its spans
 * are taken with the ids the store held, not checked again: what the store gives out is written, whatever the checks
 * of ingest were when it came in (OTLP ingest refused a link to an all-zero id until it followed the trace API, while
 * Zipkin and Jaeger ingest kept one).
 */
export function asJsonLine(frame: Buffer): Buffer {
  return encodeOtlpJsonText(decodeOtlpProto(frame.subarray(4), { checkIds: false }).spans, true);
}

/** How many spans the export route's answer holds, when it says (not for a TraceQL query, nor an older Clew). */
export function spansHeader(headers: Headers): number | undefined {
  const n = Number(headers.get(EXPORT_SPANS_HEADER) ?? NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

async function exportFromDir(dir: string, tenant: Tenant, req: ExportRequest, out: Writable, progress?: Progress): Promise<number> {
  const [store, { selectSpans }] = await Promise.all([openDataDirStore(dir, { existing: true, threads: duckdbThreadsBeside(1) }), import('@clew/server/data-dir')]);
  try {
    const reader = tenant === DEFAULT_TENANT ? store : store.forTenant(tenant);
    let spans = 0;
    let bytes = 0;
    const { total, batches } = await selectSpans(reader, selection(req));
    for await (const batch of batches) {
      for (const request of encodeExportRequests(batch, req.format)) {
        bytes += request.length;
        await write(out, request);
      }
      spans += batch.length;
      progress?.update({ spans, bytesDone: bytes, bytesTotal: 0, spansTotal: total });
    }
    return spans;
  } finally {
    await store.close();
  }
}

/** What a request selects: a window's spans, or the whole traces of a service or a TraceQL query in it. */
export function selection(req: Pick<ExportRequest, 'start' | 'end' | 'service' | 'query'>): ExportSelection {
  const window = { start: req.start, end: req.end };
  if (req.service !== undefined) return { kind: 'service', window, service: req.service };
  if (req.query !== undefined) {
    const parsed = parseTraceQL(req.query);
    if (!parsed.ok) throw new Error(`--query is not TraceQL: ${parsed.error.message}`);
    return { kind: 'traceql', window, query: parsed.query };
  }
  return { kind: 'window', window };
}

/** Writes `buf`, waiting while `out` is full; rejects when `out` fails or is destroyed (Ctrl-C), before or meanwhile. */
function write(out: Writable, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = () => reject(out.errored ?? new Error('the output was closed'));
    if (out.destroyed) return closed();
    if (out.write(buf, (err) => err && reject(err))) return resolve();
    const drained = () => {
      out.off('close', gone);
      resolve();
    };
    const gone = () => {
      out.off('drain', drained);
      closed();
    };
    out.once('drain', drained);
    out.once('close', gone);
  });
}

interface ExportFlags extends RangeSourceFlags {
  service?: string;
  query?: string;
  format: ExportFormat;
  output?: string;
}

/** `clew export (--url URL | -d DIR) --from … --to … [--service S | --query Q] [--format json|protobuf] [-o FILE]`. */
export function exportCommand(): Command {
  return rangeSourceOptions(
    new Command('export').description(
      "export a time range's spans (or a service's or a TraceQL query's traces) as OTLP JSON lines or OTLP protobuf, as the OpenTelemetry Collector's file exporter writes them",
    ),
  )
    .option('--service <name>', 'only the traces with a span of this service in the range (whole traces)')
    .option('--query <traceql>', 'only the traces with a span in the range matching this TraceQL query (whole traces)')
    .addOption(new Option('--format <format>', 'OTLP JSON lines, or length-delimited OTLP protobuf (4-byte big-endian length before each request)').choices(['json', 'protobuf']).default('json'))
    .option('-o, --output <file>', 'where to write (default standard output)')
    .action(async (flags: ExportFlags) => {
      process.exitCode = await runExport(flags);
    });
}

async function runExport(flags: ExportFlags): Promise<number> {
  const range = parseRangeSource(flags);
  if ('error' in range) {
    process.stderr.write(`${range.error}\n`);
    return 2;
  }
  if (flags.service !== undefined && flags.query !== undefined) {
    process.stderr.write('give --service or --query, not both (a TraceQL query can name the service: { resource.service.name = "…" })\n');
    return 2;
  }
  if (flags.output !== undefined && (await stat(flags.output).catch(() => undefined))?.isDirectory()) {
    process.stderr.write(`-o ${flags.output} is a directory: give the file to write\n`);
    return 2;
  }
  if (flags.output !== undefined && !(await stat(dirname(flags.output)).catch(() => undefined))?.isDirectory()) {
    process.stderr.write(`-o ${flags.output}: there is no directory ${dirname(flags.output)} to write it in\n`);
    return 2;
  }
  const { start, end } = range;
  // Into a file of its own, renamed over --output once complete: a failed export leaves a file that was there as it was.
  const partial = flags.output !== undefined ? `${flags.output}.clew-export-${process.pid}` : undefined;
  const out = partial !== undefined ? createWriteStream(partial) : process.stdout;
  const progress = new Progress(`export${flags.output !== undefined ? ` ${flags.output}` : ''}`);
  const started = Date.now();
  // Stopped by a signal while writing a file, the export removes it and exits as a shell reports a signal: 128 + its
  // number. (To standard output, the signal stops it as it stops any command.)
  // The output is destroyed without an error (its 'error' event would have no listener): a write under way or next
  // rejects (see write).
  const stop = partial !== undefined ? stopSignals(() => out.destroy()) : undefined;
  // The file's errors reach the export through its writes (their callbacks, `out.errored`); without a listener, one
  // that a write under way meets once Ctrl-C destroyed the file would end the process before the file is removed.
  if (partial !== undefined) out.on('error', () => undefined);
  // A reader that stops reading (`clew export … | head`) ends the export quietly, as SIGPIPE ends a command (141).
  else
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') process.stderr.write(`export failed: standard output: ${e.message}\n`);
      process.exit(e.code === 'EPIPE' ? 141 : 1);
    });
  try {
    // A file that cannot be made (no such directory, no permission) fails here, before anything is read.
    if (partial !== undefined) await once(out, 'open');
    const spans = await exportSpans(
      { url: flags.url, dataDir: flags.dataDir, token: flags.token ?? process.env.CLEW_TOKEN, tenant: flags.tenant },
      { start, end, service: flags.service, query: flags.query, format: flags.format },
      out,
      progress,
      stop?.signal,
    );
    if (partial !== undefined) {
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      await rename(partial, flags.output!);
    }
    progress.done({ spans, bytesDone: 0, bytesTotal: 0, spansTotal: spans });
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`exported ${spans.toLocaleString('en-US')} spans (${flags.format}) in ${seconds.toFixed(1)} s${flags.output !== undefined ? ` to ${flags.output}` : ''}\n`);
    if (spans === 0) process.stderr.write(nothingFound('export', flags, flags));
    return 0;
  } catch (e) {
    if (partial !== undefined) {
      out.destroy();
      await rm(partial, { force: true });
    }
    if (stop?.signal.aborted) {
      process.stderr.write(`\nexport ${(stop.signal.reason as Error).message}: ${flags.output} was not written\n`);
      return stop.exitCode;
    }
    // The file it writes before renaming it is not named: the one asked for is.
    const cannotWrite = partial !== undefined && (e as NodeJS.ErrnoException).path === partial;
    process.stderr.write(`export failed: ${cannotWrite ? `cannot write ${flags.output}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as NodeJS.ErrnoException).code}` : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    stop?.release();
  }
}

