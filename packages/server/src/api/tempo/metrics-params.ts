import { parseGoDuration } from '../jaeger/duration.js';
import { GoParseError, goQuote, parseGoInt } from '../jaeger/go-strconv.js';
import { ClewError } from '../../errors.js';
import type { RangeRequest } from '../../query/traceql-metrics/index.js';
import { defaultStep } from '../../query/traceql-metrics/index.js';
import { formatGoDuration } from './go-duration.js';

const SECOND = 1_000_000_000n;
/** Tempo's defaults: `since` when no start is given, the frontend's max_exemplars, max_intervals and max_duration. */
const DEFAULT_SINCE = 3600n * SECOND;
export const MAX_EXEMPLARS = 100;
export const MAX_INTERVALS = 10_000n;
export const MAX_DURATION = 24n * 3600n * SECOND;

/** A metrics request's parameters, checked: the query text and the range in nanoseconds. */
export interface MetricsRequest extends RangeRequest {
  readonly query: string;
}

const get = (params: URLSearchParams, name: string): string | undefined => {
  const v = params.get(name);
  return v === null || v === '' ? undefined : v;
};

const bad = (message: string): ClewError => new ClewError('BAD_PARAMETER', message);

/**
 * GET /api/metrics/query_range's parameters, as Tempo's ParseQueryRangeRequest reads them and its query frontend
 * checks them (validateQueryRangeReq, normalizeRequestExemplars): `q` (or `query`), `start`/`end` (unix seconds,
 * nanoseconds, fractional seconds or RFC3339; by default the last `since`, 1h), `step` (seconds or a Go duration;
 * by default about 240 points), `exemplars` (by default and at most 100), `instant`.
 */
export function parseQueryRangeParams(params: URLSearchParams, now: bigint): MetricsRequest {
  const query = get(params, 'q') ?? get(params, 'query') ?? '';
  const { start, end } = bounds(params, now);
  const stepText = get(params, 'step');
  const step = stepText === undefined ? defaultStep(start, end) : parseStep(stepText);
  const instantText = get(params, 'instant');
  const instant = instantText === 'true' || instantText === '1' || instantText === 't' || instantText === 'T' || instantText === 'TRUE' || instantText === 'True';
  const req = { query, start, end, step, instant, exemplars: exemplarsOf(get(params, 'exemplars')) };
  validate(req);
  return instant ? { ...req, exemplars: 0 } : req;
}

/**
 * GET /api/metrics/query's parameters (Tempo's ParseQueryInstantRequest): the same query and range, rewritten as
 * a query_range request of one step covering the whole range, without exemplars.
 */
export function parseInstantParams(params: URLSearchParams, now: bigint): MetricsRequest {
  const query = get(params, 'q') ?? get(params, 'query') ?? '';
  const { start, end } = bounds(params, now);
  if (end <= start) throw bad('end must be greater than start');
  const req = { query, start, end, step: end - start, instant: true, exemplars: 0 };
  validate(req);
  return req;
}

function validate(req: MetricsRequest): void {
  if (req.start >= req.end) throw bad('end must be greater than start');
  if (req.end - req.start > MAX_DURATION) throw bad(`metrics query time range exceeds the maximum allowed duration of ${formatGoDuration(MAX_DURATION)}`);
  if (req.step === 0n || (req.end - req.start) / req.step > MAX_INTERVALS) {
    throw bad(`step of ${formatGoDuration(req.step)} is too small, minimum step for given range is ${formatGoDuration((req.end - req.start) / MAX_INTERVALS)}`);
  }
}

// strconv.ParseUint: anything else (absent, negative, words) leaves 0, which means the default.
function exemplarsOf(text: string | undefined): number {
  const n = text !== undefined && /^\d+$/.test(text) ? Number(text) : 0;
  return n === 0 || n > MAX_EXEMPLARS ? MAX_EXEMPLARS : n;
}

/** Tempo's determineBounds: `end` or now; `start`, or `since` (1h) before the end (or now, when it is later). */
function bounds(params: URLSearchParams, now: bigint): { start: bigint; end: bigint } {
  const sinceText = get(params, 'since');
  let since = DEFAULT_SINCE;
  if (sinceText !== undefined) {
    try {
      since = parsePrometheusDuration(sinceText);
    } catch (e) {
      throw bad(`could not parse 'since' parameter: ${(e as Error).message}`);
    }
  }
  const end = timestamp('end', get(params, 'end')) ?? now;
  const endOrNow = end > now ? now : end;
  const start = timestamp('start', get(params, 'start')) ?? endOrNow - since;
  return { start, end };
}

const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Tempo's parseTimestamp: fractional seconds (to the millisecond), unix seconds (10 digits or fewer), nanoseconds, RFC3339. */
export function timestamp(name: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (value.includes('.') && FLOAT.test(value)) {
    const t = Number(value);
    const s = Math.trunc(t);
    const frac = Math.round((t - s) * 1000) / 1000;
    return BigInt(s) * SECOND + BigInt(Math.trunc(frac * 1e9));
  }
  let n: bigint;
  try {
    n = parseGoInt(value, 64);
  } catch (e) {
    const m = RFC3339.exec(value);
    if (m) {
      const ms = Date.parse(`${m[1]}${m[3]}`);
      if (!Number.isNaN(ms)) return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
    }
    throw bad(`could not parse '${name}' parameter: ${(e as GoParseError).message}`);
  }
  return value.length <= 10 ? n * SECOND : n;
}

/** Tempo's parseSecondsOrDuration: a number of seconds, or a Go duration; never negative. */
function parseStep(value: string): bigint {
  let step: bigint;
  if (FLOAT.test(value)) {
    step = BigInt(Math.trunc(Number(value) * 1e9));
  } else {
    try {
      step = parseGoDuration(value);
    } catch {
      throw bad(`cannot parse ${goQuote(value)} to a valid duration`);
    }
  }
  if (step < 0n) throw bad(`cannot parse ${goQuote(value)}: step must be positive`);
  return step;
}

const PROM_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['y', 365n * 24n * 3600n * SECOND],
  ['w', 7n * 24n * 3600n * SECOND],
  ['d', 24n * 3600n * SECOND],
  ['h', 3600n * SECOND],
  ['m', 60n * SECOND],
  ['s', SECOND],
  ['ms', 1_000_000n],
];
const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Prometheus' model.ParseDuration, which Tempo reads `since` with: `1h30m`, `7d`, units y w d h m s ms. */
export function parsePrometheusDuration(text: string): bigint {
  if (text === '') throw new GoParseError('empty duration string');
  if (text === '0') return 0n;
  const m = PROM_DURATION.exec(text);
  if (!m) throw new GoParseError(`not a valid duration string: ${goQuote(text)}`);
  let total = 0n;
  PROM_UNITS.forEach(([, nanos], k) => {
    if (m[k + 1] !== undefined) total += BigInt(m[k + 1]!) * nanos;
  });
  return total;
}
