import { stat } from 'node:fs/promises';
import { DEFAULT_TENANT } from '@clew/model';
import type { Span, Tenant } from '@clew/model';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Checkpoint, ImportCounts } from './import-checkpoint.js';
import { checkpointFor, fingerprintAt, fingerprintOffset, grownSince, loadCheckpoint, MAX_PROBLEMS, noCounts, resumeFrom, saveCheckpoint } from './import-checkpoint.js';
import type { ImportFormat } from './import-formats.js';
import { formatOf, IMPORT_FORMATS } from './import-formats.js';
import type { ImportRecord, Position } from './import-records.js';
import { readRecords, START } from './import-records.js';
import type { Compression } from './import-source.js';
import { compressionText } from './import-source.js';
import type { ImportBatch, ImportTarget, WriteOutcome } from './import-targets.js';
import { clewTarget, dataDirTarget, spanKey, WriteRefused } from './import-targets.js';
import { Progress } from './progress.js';
import { stopSignals } from './stop-signals.js';
import { CannotReach } from './reach.js';
import { urlError } from './range-source.js';
import { tenantArg } from './token.js';

/**
 * Spans per write: a store append or an OTLP request. Into a data directory, 20,000 rather than 50,000: batches wait
 * while those before them are written, and fewer decoded spans outliving the young generation's collections measured
 * faster (bench/export-import.js's `import -d` of protobuf, nine runs each, alternating: median 101,090 against 94,708
 * spans/s).
 */
const BATCH_SPANS = { url: 5000, dir: 20_000 };

export interface ImportOptions {
  readonly format?: ImportFormat;
  readonly batchSpans?: number;
  /** Where progress goes (stderr by default). */
  readonly out?: NodeJS.WriteStream;
  readonly signal?: AbortSignal;
}

export interface ImportSummary {
  readonly file: string;
  readonly format: ImportFormat;
  /** How the file is compressed, when it is. */
  readonly compression?: Compression;
  readonly counts: ImportCounts;
  /** False when interrupted: the checkpoint says where to go on. */
  readonly complete: boolean;
  readonly alreadyDone: boolean;
  /** Where its checkpoint is (see checkpointFor). */
  readonly checkpoint: string;
  /**
   * The record the file ends inside (see ImportRecord `unfinished`): everything before it was imported, and running
   * the import again goes on from it.
   */
  readonly unfinished?: { readonly where: string; readonly error: string; readonly damaged?: true };
}

/**
 * Imports one file into `target`, going on from its checkpoint when there is one. A batch in doubt (sent when the
 * last run stopped, its acknowledgement unknown) is read again, and only its spans the target does not hold are sent.
 */
export async function importFile(file: string, target: ImportTarget, opts: ImportOptions & { batchSpans: number }): Promise<ImportSummary> {
  const info = await stat(file);
  if (info.isDirectory()) throw new Error('is a directory: give the files in it (clew import DIR/*)');
  const size = info.size;
  const { format, compression } = await formatOf(file, size, opts.format);
  const kind = { format, ...(compression && { compression }) };
  const at = await checkpointFor(file);
  const resume = resumeFrom(at, await grownSince(file, await loadCheckpoint(at), target.name, size, format, compression), target.name, size, format, compression);
  if (resume.doneBefore) return { file, ...kind, counts: resume.doneBefore, complete: true, alreadyDone: true, checkpoint: at };
  let checkpoint = resume.checkpoint;
  const earlier = resume.earlier;
  const counts = checkpoint?.counts ?? noCounts();
  const byBytes = format === 'otlp-json' || format === 'otlp-proto';
  const save = async (c: Omit<Checkpoint, 'input' | 'target' | 'counts' | 'earlier' | 'fingerprint'>) => {
    const fingerprint = byBytes ? await fingerprintAt(file, fingerprintOffset(compression, size, c.done)) : undefined;
    await saveCheckpoint(at, (checkpoint = { input: { size, ...kind }, target: target.name, counts, ...c, ...(fingerprint && { fingerprint }), ...(earlier && { earlier }) }));
  };
  const progress = new Progress(`import ${file}`, opts.out);
  // Bytes of the file read, and of it written: progress shows the written, as the spans it counts are.
  let bytesRead = 0;
  let bytesDone = 0;
  const report = () => ({ spans: counts.read, bytesDone, bytesTotal: size });

  let from: Position = checkpoint?.done ?? START;
  if (checkpoint?.inDoubt) {
    const { to } = checkpoint.inDoubt;
    const batch = newBatch(format);
    for await (const r of readRecords(file, format, checkpoint.inDoubt.from, size, true, compression)) {
      take(r, batch);
      if (r.next.offset >= to.offset) break;
    }
    const present = await target.present(batch.spans);
    const missing = batch.spans.filter((s) => !present.has(spanKey(s)));
    merge(counts, batch.counts);
    counts.written += batch.spans.length - missing.length;
    if (missing.length > 0) tally(counts, await target.write({ spans: missing }));
    from = to;
    await save({ done: from });
  }

  // Writes go on while the next batch is read and decoded, up to the target's writesAtOnce at a time. The checkpoint's
  // counts are those up to its `done`; every batch after it that was sent is in doubt.
  const atOnce = target.writesAtOnce ?? 1;
  // What a write under way counts, not its batch: the target holds the spans for as long as it needs them, and a data
  // directory's store lets them go once encoded (see PreparedBatch in @clew/storage).
  const sent: { readonly counts: ImportCounts; readonly start: Position; readonly end: Position; readonly bytes: number; readonly outcome: Promise<WriteOutcome> }[] = [];
  const send = async (b: PendingBatch, start: Position, end: Position) => {
    const from = sent[0]?.start ?? start;
    await save({ done: from, inDoubt: { from, to: end } });
    const outcome = target.write(b);
    outcome.catch(() => undefined); // reported when it is settled (settleOldest)
    sent.push({ counts: b.counts, start, end, bytes: bytesRead, outcome });
  };
  const settleOldest = async () => {
    const w = sent.shift()!;
    const outcome = await w.outcome.catch(async (e: unknown) => {
      // Refused whole, and so was every write under way after it (all sent to the same wrong port, or with the same
      // token the target does not take): nothing is in doubt.
      if (nothingWritten(e) && (await Promise.all(sent.map((s) => s.outcome.then(() => false, nothingWritten)))).every(Boolean)) await save({ done: w.start });
      throw e;
    });
    merge(counts, w.counts);
    tally(counts, outcome);
    bytesDone = w.bytes;
    const next = sent[sent.length - 1];
    await save(next === undefined ? { done: w.end } : { done: w.end, inDoubt: { from: w.end, to: next.end } });
    progress.update(report());
  };
  let batch = newBatch(format);
  let batchFrom = from;
  let last = from;
  let interrupted = false;
  let unfinished: ImportRecord | undefined;
  await target.prepare?.();
  try {
    for await (const r of readRecords(file, format, from, size, target.sendsRaw !== true, compression)) {
      if (r.unfinished) {
        unfinished = r;
        break;
      }
      take(r, batch, target.add);
      bytesRead = r.bytesDone;
      last = r.next;
      if (batch.size >= opts.batchSpans) {
        if (sent.length >= atOnce) await settleOldest();
        await send(batch, batchFrom, last);
        batch = newBatch(format);
        batchFrom = last;
      }
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
    }
    while (sent.length > 0) await settleOldest();
    if (!interrupted) {
      if (batch.size > 0) {
        await send(batch, batchFrom, last);
        await settleOldest();
      } else {
        merge(counts, batch.counts);
        bytesDone = bytesRead;
      }
      // Not complete when the file ends inside a record: the next run goes on from it, once the file has grown.
      await save({ done: last, ...(!unfinished && { complete: true }), ...(unfinished?.damaged && counts.read > 0 && { damaged: unfinished.where }) });
    }
  } finally {
    // Left by a failure: the writes still under way end first (stored and counted, or not), so that none is cut off by
    // the target closing. Spans the target took for a batch never sent (interrupted, or a failure) are not written:
    // the checkpoint says where to go on from, and a next file starts a batch of its own.
    await Promise.allSettled(sent.map((s) => s.outcome));
    target.discard?.();
  }
  progress.done(report());
  return { file, ...kind, counts, complete: !interrupted, alreadyDone: false, checkpoint: at, ...(unfinished && !interrupted && { unfinished: { where: unfinished.where, error: unfinished.error!, ...(unfinished.damaged && { damaged: true as const }) } }) };
}

/** Whether a write failed with none of its spans kept: its connection refused, or the request refused whole. */
const nothingWritten = (e: unknown): boolean => (e instanceof CannotReach && e.refused) || e instanceof WriteRefused;

/** Spans read and not yet written, with what their records count. */
interface PendingBatch extends ImportBatch {
  readonly spans: Span[];
  raw?: { readonly bodies: Array<{ bytes: Buffer; spans: number }> };
  /** Its spans, decoded or only counted. */
  size: number;
  readonly counts: ImportCounts;
}

function newBatch(format: ImportFormat): PendingBatch {
  const raw = format === 'otlp-json' || format === 'otlp-proto' ? { bodies: [] } : undefined;
  return { spans: [], size: 0, counts: noCounts(), ...(raw && { raw }) };
}

/**
 * A record's spans into the batch, its problems into the batch's counts. With `add`, the target's (ImportTarget add),
 * the spans go to the target at once, and the batch only counts them.
 */
function take(r: ImportRecord, batch: PendingBatch, add?: (spans: Span[]) => void): void {
  const counts = batch.counts;
  if (r.error !== undefined) {
    counts.skippedRecords++;
    problem(counts, `${r.where}: skipped: ${r.error}`);
    return;
  }
  const { rejected, rejectMessage } = r.counted ?? r.decoded!;
  const accepted = r.counted ? r.counted.spans : r.decoded!.spans.length;
  counts.read += accepted + rejected;
  if (rejected > 0) {
    counts.refused += rejected;
    problem(counts, `${r.where}: ${rejected} span(s) refused: ${rejectMessage}`);
  }
  if (accepted === 0) return;
  batch.size += accepted;
  if (r.counted) {
    // Only counted: its protobuf is of the accepted spans alone (the decoding thread's), which the target sends.
    if (!batch.raw || !r.raw) throw new Error(`${r.where}: a record read undecoded has no protobuf to send`);
    batch.raw.bodies.push({ bytes: r.raw, spans: accepted });
    return;
  }
  if (add) {
    add(r.decoded!.spans);
    return;
  }
  for (const s of r.decoded!.spans) batch.spans.push(s);
  // A record with refused spans is sent decoded: its own bytes hold the refused spans too.
  if (batch.raw && rejected === 0 && r.raw) batch.raw.bodies.push({ bytes: r.raw, spans: accepted });
  else delete batch.raw;
}

function merge(into: ImportCounts, c: ImportCounts): void {
  into.read += c.read;
  into.written += c.written;
  into.refused += c.refused;
  into.skippedRecords += c.skippedRecords;
  for (const p of c.problems) problem(into, p);
}

function tally(counts: ImportCounts, o: { written: number; refused: number; message: string }): void {
  counts.written += o.written;
  counts.refused += o.refused;
  if (o.refused > 0) problem(counts, `${o.refused} span(s) refused by the target: ${o.message}`);
}

function problem(counts: ImportCounts, text: string): void {
  if (counts.problems.length < MAX_PROBLEMS) counts.problems.push(text);
}

/** The summary printed at the end. */
export function summaryText(s: ImportSummary): string {
  const c = s.counts;
  const n = (v: number) => v.toLocaleString('en-US');
  const head = s.alreadyDone
    ? `${s.file}: already imported (${s.checkpoint}; remove it to import again)`
    : `${s.file} (${s.format}${s.compression ? `, ${compressionText(s.compression)}` : ''}): ${!s.complete ? 'interrupted; run the same command again to go on' : s.unfinished ? `done up to ${s.unfinished.where}` : 'done'}`;
  const lines = [
    head,
    `  spans read ${n(c.read)}, written ${n(c.written)}, refused ${n(c.refused)}` + (c.skippedRecords > 0 ? `; ${n(c.skippedRecords)} unreadable record(s) skipped` : ''),
    ...c.problems.map((p) => `  ${p}`),
    ...(s.unfinished?.damaged
      ? [`  ${s.unfinished.where}: not read: ${s.unfinished.error}; what could be decompressed before it is imported, nothing from it on`]
      : s.unfinished
        ? [`  ${s.unfinished.where}: not read yet: the file ends inside it (${s.unfinished.error}): cut short, or still being written; run the same command again once it is whole to go on from there`]
        : []),
  ];
  if (c.problems.length === MAX_PROBLEMS) lines.push(`  (only the first ${MAX_PROBLEMS} problems are listed)`);
  return lines.join('\n') + '\n';
}

interface ImportFlags {
  url?: string;
  otlpUrl?: string;
  dataDir?: string;
  token?: string;
  readToken?: string;
  tenant?: string;
  format?: ImportFormat;
  batchSpans?: number;
  /** false with --no-metrics */
  metrics: boolean;
}

/** `clew import FILE... (--url URL | -d DIR)`. */
export function importCommand(): Command {
  return new Command('import')
    .description("import OTLP JSON lines or protobuf, Jaeger UI JSON, Zipkin v2 JSON or Tempo's trace JSON files into a running Clew or a data directory; resumable")
    .argument('<files...>', 'files to import, gzip or zstd compressed or not (the format and compression of each are told from its content)')
    .option('--url <url>', "a running Clew's query port, e.g. http://127.0.0.1:16686 (spans go to its OTLP/HTTP port)")
    .option('--otlp-url <url>', "the Clew's OTLP/HTTP endpoint (default: --url's host, port 4318, /v1/traces)")
    .option('-d, --data-dir <dir>', "a Clew's data directory, written directly (no Clew may be running on it)")
    .option('--token <token>', 'the token when auth is on (default $CLEW_TOKEN); a batch in doubt after an interruption is checked with it, so it must also read, or be given --read-token')
    .option('--read-token <token>', "a token of the same tenant that can read, to check a batch in doubt with when --token may only write (default $CLEW_READ_TOKEN)")
    .option('--tenant <name>', 'the tenant to write: with -d, or with an admin token (X-Scope-OrgID)', tenantArg)
    .addOption(new Option('--format <format>', 'the files\' format, instead of telling it from their content').choices(IMPORT_FORMATS))
    .option('--batch-spans <n>', 'spans per write (default 5000 to a Clew, 20000 to a data directory)', positive)
    .option('--no-metrics', "with -d: leave the spans out of the directory's span metrics and service map (a running Clew counts what it receives)")
    .action(async (files: string[], flags: ImportFlags) => {
      process.exitCode = await runImport(files, flags);
    });
}

async function runImport(files: string[], flags: ImportFlags): Promise<number> {
  if ((flags.url === undefined) === (flags.dataDir === undefined)) {
    process.stderr.write('give one of --url (a running Clew) or -d (a data directory)\n');
    return 2;
  }
  const badUrl = flags.url !== undefined ? urlError(flags.url) : undefined;
  if (badUrl) {
    process.stderr.write(`${badUrl}\n`);
    return 2;
  }
  let target: ImportTarget;
  try {
    target =
      flags.dataDir !== undefined
        ? await dataDirTarget(flags.dataDir, (flags.tenant ?? DEFAULT_TENANT) as Tenant, { metrics: flags.metrics })
        : clewTarget({
            query: flags.url!.replace(/\/+$/, ''),
            otlp: flags.otlpUrl ?? otlpUrlOf(flags.url!),
            token: flags.token ?? process.env.CLEW_TOKEN,
            readToken: flags.readToken ?? process.env.CLEW_READ_TOKEN,
            tenant: flags.tenant,
          });
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  // Stopped by a signal, the command exits as a shell reports one: 128 + its number.
  const stop = stopSignals();
  let failed = false;
  try {
    for (const file of files) {
      try {
        const summary = await importFile(file, target, {
          ...(flags.format && { format: flags.format }),
          batchSpans: flags.batchSpans ?? (flags.dataDir !== undefined ? BATCH_SPANS.dir : BATCH_SPANS.url),
          signal: stop.signal,
        });
        process.stdout.write(summaryText(summary));
        if (!summary.complete) return stop.exitCode;
        // Damaged: what came before the damage is in, the rest cannot be read. Scripts hear it.
        if (summary.unfinished?.damaged) {
          failed = true;
          process.stderr.write(`${file}: damaged at ${summary.unfinished.where}: ${summary.unfinished.error}\n`);
        }
        // Not one span in a file of records: wrong --format, or not a file of spans at all. Scripts hear it.
        if (summary.counts.read === 0 && !summary.unfinished?.damaged && (summary.counts.skippedRecords > 0 || summary.unfinished)) {
          failed = true;
          const why = summary.counts.skippedRecords > 0 ? 'every record skipped' : 'it ends inside its first record: still being written, or not in the format given';
          process.stderr.write(`${file}: not one span could be read from it (${why})\n`);
        }
      } catch (e) {
        failed = true;
        process.stderr.write(`${file}: ${fileError(file, e)}\n`);
      }
    }
  } finally {
    // Signals are still taken while the target closes: a data directory's span metrics are written then, and a Ctrl-C
    // that killed the command meanwhile lost them for a file its checkpoint already says is imported.
    await target.close();
    stop.release();
  }
  return failed ? 1 : 0;
}

/** A file's own access errors said plainly (the path is named once, before the colon, by the caller). */
function fileError(file: string, e: unknown): string {
  const { code, path } = e as NodeJS.ErrnoException;
  const resumes = 'an import goes back into its file to resume';
  if (code === 'EACCES') return 'cannot read it: permission denied';
  if (code === 'ENOENT' && path === file) return file === '-' ? `no such file (standard input is not read: ${resumes}, so give a file)` : 'no such file';
  if (code === 'ESPIPE') return `a pipe, not a file: ${resumes}, so save it to a file first`;
  return e instanceof Error ? e.message : String(e);
}

/** http://host:16686 → http://host:4318/v1/traces */
export function otlpUrlOf(queryUrl: string): string {
  const u = new URL(queryUrl);
  u.port = '4318';
  u.pathname = '/v1/traces';
  return u.toString();
}


function positive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`must be a whole number above 0, not "${v}"`);
  return n;
}
