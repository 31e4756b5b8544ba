import type { UnixNanos } from '@clew/model';
import { parseGoDuration } from '../jaeger/duration.js';
import { GoParseError, parseGoAtoi, parseGoInt } from '../jaeger/go-strconv.js';
import { ClewError } from '../../errors.js';
import { LogfmtSyntaxError, parseLogfmt } from './logfmt.js';

/** Tempo's default page size and spans per spanset. */
export const DEFAULT_LIMIT = 20;
export const DEFAULT_SPSS = 3;
/** Larger limits are cut to this, as Tempo cuts them to its configured max_limit. */
export const MAX_LIMIT = 1000;

const NANOS_PER_MILLI = 1_000_000n;

/** GET /api/search's parameters, checked. */
export interface TempoSearchRequest {
  /** TraceQL; when given, `tags` is not read (as in Tempo). */
  readonly q?: string;
  /** logfmt pairs of the legacy tag search. */
  readonly tags: ReadonlyArray<readonly [key: string, value: string]>;
  /** Bounds on trace duration in nanoseconds, whole milliseconds as Tempo keeps them. */
  readonly minDuration?: bigint;
  readonly maxDuration?: bigint;
  readonly limit: number;
  /** Unix seconds. */
  readonly start?: number;
  readonly end?: number;
  readonly spss: number;
}

/**
 * Reads /api/search's parameters as Tempo's ParseSearchRequest does: a parameter given empty counts as absent,
 * errors are 400s with Tempo's texts (e.g. `invalid limit: must be a positive number`).
 */
export function parseTempoSearch(params: URLSearchParams): TempoSearchRequest {
  const get = (name: string): string | undefined => {
    const v = params.get(name);
    return v === null || v === '' ? undefined : v;
  };
  const q = get('q');
  const tags = q === undefined ? parseTags(get('tags')) : [];
  const minDuration = duration('minDuration', get('minDuration'));
  const maxDuration = duration('maxDuration', get('maxDuration'));
  if (minDuration !== undefined && minDuration !== 0n && maxDuration !== undefined && minDuration > maxDuration) {
    throw new ClewError('BAD_PARAMETER', 'invalid maxDuration: must be greater than minDuration');
  }
  const limit = positive('limit', get('limit')) ?? DEFAULT_LIMIT;
  const { start, end } = parseUnixRange(params);
  const spss = positive('spss', get('spss')) ?? DEFAULT_SPSS;
  return {
    ...(q !== undefined && { q }),
    tags,
    ...(minDuration !== undefined && minDuration > 0n && { minDuration }),
    ...(maxDuration !== undefined && maxDuration > 0n && { maxDuration }),
    limit: Math.min(limit, MAX_LIMIT),
    ...(start !== undefined && { start }),
    ...(end !== undefined && { end }),
    spss,
  };
}

/** `start` and `end` in unix seconds, as Tempo reads them for searches and trace reads; 0 counts as absent. */
export function parseUnixRange(params: URLSearchParams): { start?: number; end?: number } {
  const read = (name: string) => {
    const v = params.get(name);
    const n = v === null || v === '' ? undefined : unixSeconds(name, v);
    return n === undefined || n === 0 ? undefined : n;
  };
  const start = read('start');
  const end = read('end');
  if (start !== undefined && end !== undefined && start > end) {
    throw new ClewError('BAD_PARAMETER', `http parameter start must be before end. received start=${start} end=${end}`);
  }
  return { ...(start !== undefined && { start }), ...(end !== undefined && { end }) };
}

/** A window in nanoseconds from unix seconds; `end` covers its whole second. */
export function windowNanos(range: { start?: number; end?: number }): { start?: UnixNanos; end?: UnixNanos } {
  return {
    ...(range.start !== undefined && { start: (BigInt(range.start) * 1_000_000_000n) as UnixNanos }),
    ...(range.end !== undefined && { end: ((BigInt(range.end) + 1n) * 1_000_000_000n - 1n) as UnixNanos }),
  };
}

/** `tags=` as logfmt; a key given twice is refused, as Tempo refuses it. */
function parseTags(text: string | undefined): Array<[string, string]> {
  if (text === undefined) return [];
  let pairs: Array<[string, string]>;
  try {
    pairs = parseLogfmt(text);
  } catch (e) {
    if (e instanceof LogfmtSyntaxError) throw new ClewError('BAD_PARAMETER', `invalid tags: ${e.msg} at pos ${e.pos}`);
    throw e;
  }
  const seen = new Set<string>();
  for (const [key] of pairs) {
    if (seen.has(key)) throw new ClewError('BAD_PARAMETER', `invalid tags: tag ${key} has been set twice`);
    seen.add(key);
  }
  return pairs;
}

function duration(name: string, text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  const ns = goParse(name, () => parseGoDuration(text));
  if (ns < 0n) throw new ClewError('BAD_PARAMETER', `invalid ${name}: must not be negative`);
  return (ns / NANOS_PER_MILLI) * NANOS_PER_MILLI;
}

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = goParse(name, () => parseGoAtoi(text));
  if (n <= 0) throw new ClewError('BAD_PARAMETER', `invalid ${name}: must be a positive number`);
  return n;
}

function unixSeconds(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return Number(goParse(name, () => parseGoInt(text, 64)));
}

function goParse<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof GoParseError) throw new ClewError('BAD_PARAMETER', `invalid ${name}: ${e.message}`);
    throw e;
  }
}
