import type { TraceQuery } from '@clew/storage';
import type { TimeWindow } from '@clew/storage';
import type { TraceId, UnixNanos } from '@clew/model';
import { parseGoDuration } from './duration.js';
import { ClewError } from '../../errors.js';
import { GoParseError, parseGoBool, parseGoInt } from './go-strconv.js';
import { parseTagParams } from './tags-param.js';
import { parseJaegerPathTraceId, parseJaegerTraceId } from './trace-id.js';

/** Jaeger's defaults: 100 traces, a 2-day search window, 24 hours of dependencies. */
export const DEFAULT_LIMIT = 100;
const DEFAULT_SEARCH_LOOKBACK_NS = 2n * 24n * 3600n * 1_000_000_000n;
const DEFAULT_DEPENDENCIES_LOOKBACK_MS = 24n * 3600n * 1000n;

export interface V1TraceSearch {
  /** When given (repeated `traceID`), the search is these traces, fetched by id within the window. */
  readonly traceIds: readonly TraceId[];
  readonly query: TraceQuery & { readonly start: UnixNanos; readonly end: UnixNanos };
  readonly raw: boolean;
}

/**
 * `GET /api/traces` parameters, read and checked in the order Jaeger's parseTraceQueryParams does, with its
 * messages. `lookback` is accepted and ignored, as Jaeger ignores it (the UI always sends start and end too).
 * @example parseTraceSearch(new URLSearchParams('service=cart&minDuration=1.2s'), nowNanos())
 */
export function parseTraceSearch(q: URLSearchParams, now: UnixNanos): V1TraceSearch {
  const service = q.get('service') ?? '';
  const operation = q.get('operation') ?? '';
  const start = parseMicros(q, 'start') ?? ((now - DEFAULT_SEARCH_LOOKBACK_NS) as UnixNanos);
  const end = parseMicros(q, 'end') ?? now;
  const tags = parseTagParams(q.getAll('tag'), q.getAll('tags'));
  const limitText = q.get('limit') ?? '';
  let limit = DEFAULT_LIMIT;
  if (limitText !== '') limit = Number(goParse(() => parseGoInt(limitText, 32)));
  const minDuration = parseDurationParam(q, 'minDuration');
  const maxDuration = parseDurationParam(q, 'maxDuration');
  const traceIds = q.getAll('traceID').map((id) => goParse(() => parseJaegerTraceId(id), 'cannot parse traceID param: '));
  const raw = parseBoolParam(q, 'raw');

  if (traceIds.length === 0 && service === '') throw new ClewError('BAD_PARAMETER', "parameter 'service' is required");
  if (limit <= 0) throw new ClewError('BAD_PARAMETER', 'invalid parameter: limit must be greater than 0');
  if (start > end) throw new ClewError('BAD_PARAMETER', 'invalid parameter: start time must be before end time');
  if (minDuration !== 0n && maxDuration !== 0n && maxDuration < minDuration) {
    throw new ClewError('BAD_PARAMETER', "'maxDuration' should be greater than 'minDuration'");
  }
  const query: V1TraceSearch['query'] = {
    ...(service !== '' && { service }),
    ...(operation !== '' && { operation }),
    ...(tags.size > 0 && { attributes: [...tags] }),
    ...(minDuration !== 0n && { minDuration }),
    ...(maxDuration !== 0n && { maxDuration }),
    start,
    end,
    limit,
  };
  return { traceIds, query, raw };
}

export interface V1GetTrace {
  readonly traceId: TraceId;
  readonly window: Partial<TimeWindow>;
  readonly raw: boolean;
}

/** `GET /api/traces/{id}`: the id, the optional `start`/`end` hints (µs) narrowing where to look, and `raw`. */
export function parseGetTrace(idText: string, q: URLSearchParams): V1GetTrace {
  // Jaeger answers with the bare strconv error; naming the parameter tells the user what to fix.
  const traceId = goParse(() => parseJaegerPathTraceId(idText), 'invalid trace ID (expected up to 32 hex digits, or base64 of 16 or 8 bytes): ');
  const start = parseMicros(q, 'start');
  const end = parseMicros(q, 'end');
  const raw = parseBoolParam(q, 'raw');
  return { traceId, window: { ...(start !== undefined && { start }), ...(end !== undefined && { end }) }, raw };
}

/**
 * `GET /api/dependencies`: `endTs` (ms since the epoch, default now) and `lookback` (ms, default 24h). A negative
 * lookback is refused; Jaeger would pass it on and answer nothing.
 */
export function parseDependencies(q: URLSearchParams, now: UnixNanos): TimeWindow {
  const endText = q.get('endTs') ?? '';
  const endMs = endText === '' ? now / 1_000_000n : paramInt(endText, 'endTs');
  const lookbackText = q.get('lookback') ?? '';
  const lookbackMs = lookbackText === '' ? DEFAULT_DEPENDENCIES_LOOKBACK_MS : paramInt(lookbackText, 'lookback');
  if (lookbackMs < 0n) throw new ClewError('BAD_PARAMETER', "invalid parameter: 'lookback' must not be negative");
  const end = (endMs * 1_000_000n) as UnixNanos;
  return { start: (end - lookbackMs * 1_000_000n) as UnixNanos, end };
}

function parseMicros(q: URLSearchParams, name: string): UnixNanos | undefined {
  const text = q.get(name) ?? '';
  if (text === '') return undefined;
  return (paramInt(text, name) * 1000n) as UnixNanos;
}

function paramInt(text: string, name: string): bigint {
  return goParse(() => parseGoInt(text, 64), `unable to parse param '${name}': `);
}

function parseDurationParam(q: URLSearchParams, name: string): bigint {
  const text = q.get(name) ?? '';
  return text === '' ? 0n : goParse(() => parseGoDuration(text), `unable to parse param '${name}': `);
}

function parseBoolParam(q: URLSearchParams, name: string): boolean {
  const text = q.get(name) ?? '';
  return text === '' ? false : goParse(() => parseGoBool(text), `unable to parse param '${name}': `);
}

/** Runs a Go-style parser, turning its failure into a 400 with Jaeger's message (and its prefix). */
export function goParse<T>(parse: () => T, prefix = ''): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof GoParseError) throw new ClewError('BAD_PARAMETER', prefix + e.message);
    throw e;
  }
}
