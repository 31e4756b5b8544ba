import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';
export const RANGE_ARCHIVE_FORMAT = 'clew-range-archive';
export const RANGE_ARCHIVE_VERSION = 1;

/** One day's Parquet file of a range archive. Times are Unix nanoseconds as decimal strings. */
export interface RangeArchiveDay {
  readonly file: string;
  /** The UTC day its spans start in, YYYY-MM-DD. */
  readonly day: string;
  readonly spans: number;
  readonly minStart: string;
  readonly maxStart: string;
  /** Spans per tenant. */
  readonly tenants: Readonly<Record<string, number>>;
  readonly bytes: number;
  readonly sha256: string;
}

/** `manifest.json` of a range archive directory. */
export interface RangeArchiveManifest {
  readonly format: typeof RANGE_ARCHIVE_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  /** What was asked for: spans starting in [start, end), of one service's traces when `service` is given. */
  readonly range: { readonly start: string; readonly end: string; readonly service?: string };
  readonly spans: number;
  readonly tenants: readonly string[];
  readonly files: readonly RangeArchiveDay[];
}

/** e.g. spans-2026-12-02.parquet for the day `day` (days since the epoch). */
export function dayFileName(day: number): string {
  return `spans-${new Date(day * 86_400_000).toISOString().slice(0, 10)}.parquet`;
}

/**
 * Why two range archives cannot be attached together, or undefined when they can: a span in both would be read
 * twice (by id, in searches, in TraceQL metrics), the reads not telling archives apart. Archives of other tenants
 * share no span; a range's archive holds the spans starting in it, so archives of ranges that do not overlap share
 * none; a service's archive holds its traces whole, spans outside its range too, so it shares none only with an
 * archive that has none of its days.
 */
export function sharedSpans(a: RangeArchiveManifest, b: RangeArchiveManifest): string | undefined {
  const tenant = a.tenants.find((t) => b.tenants.includes(t));
  if (tenant === undefined) return undefined;
  if (BigInt(a.range.start) < BigInt(b.range.end) && BigInt(b.range.start) < BigInt(a.range.end)) return `both hold spans of tenant ${tenant} from overlapping ranges`;
  if (a.range.service === undefined && b.range.service === undefined) return undefined;
  const days = new Set(a.files.map((f) => f.day));
  const day = b.files.find((f) => days.has(f.day))?.day;
  return day === undefined ? undefined : `both hold spans of tenant ${tenant} on ${day}, and one keeps a service's traces whole`;
}

/**
 * Reads and checks a directory's manifest, and that each day file it lists is there at the size it lists (a file of
 * another archive or a damaged copy is seldom the same size; the files are not hashed here, being gigabytes: see
 * `sha256`). The message names the manifest, the file and what is wrong (or its cause does).
 */
export async function readManifest(dir: string): Promise<RangeArchiveManifest> {
  const path = join(dir, MANIFEST_FILE);
  let m: RangeArchiveManifest;
  try {
    m = JSON.parse(await readFile(path, 'utf8')) as RangeArchiveManifest;
  } catch (e) {
    // Why is the cause's message: the log adds it after this one (not written here too, or it reads twice).
    throw new Error(`${dir} is not a range archive: cannot read ${MANIFEST_FILE}`, { cause: e });
  }
  if (m === null || m.format !== RANGE_ARCHIVE_FORMAT || !Array.isArray(m.files)) throw new Error(`${path} is not a range archive manifest`);
  if (m.version > RANGE_ARCHIVE_VERSION) {
    throw new Error(`${dir} is a range archive of version ${m.version}; this Clew reads version ${RANGE_ARCHIVE_VERSION} and older: upgrade Clew`);
  }
  const wrong = rangeProblem(m);
  if (wrong !== undefined) throw new Error(`${path} is a manifest ${wrong}: ${REPAIR}`);
  const listed = new Set<string>();
  for (const [i, entry] of (m.files as unknown[]).entries()) {
    const name = isRecord(entry) && isFileName(entry.file) ? entry.file : `files[${i}]`;
    const problem = dayProblem(entry);
    if (problem !== undefined) throw new Error(`${path} lists ${name} ${problem}: ${REPAIR}`);
    if (listed.has(name)) throw new Error(`${path} lists ${name} twice, whose spans would each be read twice: ${REPAIR}`);
    listed.add(name);
    await checkDayFile(path, join(dir, name), entry as RangeArchiveDay);
  }
  return m;
}

const REPAIR = 'restore the archive from a copy, or write it again with clew archive';

/** The size of the day file on disk against the manifest's; the file is not read. */
async function checkDayFile(manifest: string, file: string, day: RangeArchiveDay): Promise<void> {
  let s: Stats;
  try {
    s = await stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${manifest} lists ${day.file}, which is missing: ${REPAIR}`, { cause: e });
    throw new Error(`${manifest} lists ${day.file}, which cannot be read`, { cause: e });
  }
  if (!s.isFile()) throw new Error(`${manifest} lists ${day.file}, which is not a file: ${REPAIR}`);
  if (s.size !== day.bytes) {
    throw new Error(
      `${manifest} lists ${day.file} at ${day.bytes} bytes, but it is ${s.size} bytes: it is not the file this archive wrote (another archive's, or damaged); ${REPAIR}`,
    );
  }
}

/** What is wrong with the manifest's range and tenants (which tell archives apart), or undefined. */
function rangeProblem(m: RangeArchiveManifest): string | undefined {
  const range: unknown = m.range;
  if (!isRecord(range)) return range === undefined ? 'with no range' : `with ${shown(range)} as range, not {start, end}`;
  return fieldProblem('range.start', range.start, isNanos, NANOS) ?? fieldProblem('range.end', range.end, isNanos, NANOS)
    ?? fieldProblem('tenants', m.tenants, (v) => Array.isArray(v) && v.every((t) => typeof t === 'string'), 'a list of tenant names');
}

/** What is wrong with a manifest's file entry, as the writer writes it, or undefined. */
function dayProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return `as ${shown(entry)}, not a file entry`;
  const wrong = fieldProblem('file', entry.file, isFileName, 'a file name in the archive directory')
    ?? fieldProblem('day', entry.day, isDay, 'a UTC day, YYYY-MM-DD')
    ?? fieldProblem('spans', entry.spans, isCount, 'a count of spans')
    ?? fieldProblem('minStart', entry.minStart, isNanos, NANOS)
    ?? fieldProblem('maxStart', entry.maxStart, isNanos, NANOS)
    ?? fieldProblem('tenants', entry.tenants, (v) => isRecord(v) && Object.values(v).every(isCount), 'spans per tenant, {tenant: count}')
    ?? fieldProblem('bytes', entry.bytes, isCount, "the file's size in bytes")
    ?? fieldProblem('sha256', entry.sha256, (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v), '64 lower-case hex digits');
  if (wrong !== undefined || entry.spans === 0) return wrong;
  // A day's partition is bounded by its day: spans outside it would be missed by reads of their time.
  const start = BigInt(Date.parse(`${entry.day as string}T00:00:00Z`)) * 1_000_000n;
  const [min, max] = [BigInt(entry.minStart as string), BigInt(entry.maxStart as string)];
  if (min > max) return `with minStart ${min} after its maxStart ${max}`;
  if (min < start || max >= start + 86_400_000_000_000n) return `with minStart ${min} and maxStart ${max}, not both in its day ${entry.day as string}`;
  return undefined;
}

const NANOS = 'Unix nanoseconds as a decimal string';

function fieldProblem(name: string, value: unknown, valid: (v: unknown) => boolean, expected: string): string | undefined {
  if (value === undefined) return `with no ${name} (${expected})`;
  return valid(value) ? undefined : `with ${shown(value)} as ${name}, not ${expected}`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A name of a file in the directory itself: a path elsewhere would read another archive's file. */
function isFileName(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v !== '.' && v !== '..' && basename(v) === v;
}

function isDay(v: unknown): boolean {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const ms = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(v); // not 2026-02-30
}

function isCount(v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function isNanos(v: unknown): boolean {
  return typeof v === 'string' && /^-?\d{1,20}$/.test(v);
}
