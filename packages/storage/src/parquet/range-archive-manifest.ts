import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

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

/** Reads and checks a directory's manifest; the message names the directory and what is wrong (or its cause does). */
export async function readManifest(dir: string): Promise<RangeArchiveManifest> {
  let m: RangeArchiveManifest;
  try {
    m = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as RangeArchiveManifest;
  } catch (e) {
    // Why is the cause's message: the log adds it after this one (not written here too, or it reads twice).
    throw new Error(`${dir} is not a range archive: cannot read ${MANIFEST_FILE}`, { cause: e });
  }
  if (m.format !== RANGE_ARCHIVE_FORMAT || !Array.isArray(m.files)) throw new Error(`${dir}/${MANIFEST_FILE} is not a range archive manifest`);
  if (m.version > RANGE_ARCHIVE_VERSION) {
    throw new Error(`${dir} is a range archive of version ${m.version}; this Clew reads version ${RANGE_ARCHIVE_VERSION} and older: upgrade Clew`);
  }
  return m;
}
