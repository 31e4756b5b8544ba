import type { SpanKind, TraceId, UnixNanos } from '@clew/model';
import type { TimeWindow, TraceQuery } from '@clew/storage';
import { parseGoDuration } from './duration.js';
import { ClewError } from '../../errors.js';
import { parseGoAtoi, parseGoBool } from './go-strconv.js';
import { DEFAULT_LIMIT, goParse } from './params-v1.js';
import { parseSpanKindParam } from './span-kind.js';
import { parseRfc3339Nano } from './rfc3339.js';
import { parseStringMap } from './tags-param.js';
import { parseJaegerPathTraceId } from './trace-id.js';

/**
 * api_v3 names its parameters in snake_case (query.service_name); newer Jaeger prefers the proto3 JSON names
 * (query.serviceName) and keeps snake_case as aliases. Both are read, the camelCase one first.
 */
function get(q: URLSearchParams, snake: string): { value: string; name: string } {
  const camel = snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  const v = q.get(camel);
  if (camel !== snake && v !== null && v !== '') return { value: v, name: camel };
  return { value: q.get(snake) ?? '', name: snake };
}

/** Runs a Go-style parser, reporting failure as api_v3 does: "malformed parameter <name>: <Go's error>". */
function malformed<T>(name: string, parse: () => T): T {
  return goParse(parse, `malformed parameter ${name}: `);
}

export interface V3GetTrace {
  readonly traceId: TraceId;
  readonly window: Partial<TimeWindow>;
}

/** `GET /api/v3/traces/{trace_id}?start_time=&end_time=` (RFC 3339). */
export function parseV3GetTrace(idText: string, q: URLSearchParams): V3GetTrace {
  const traceId = malformed('trace_id', () => parseJaegerPathTraceId(idText));
  const start = optionalTime(q, 'start_time');
  const end = optionalTime(q, 'end_time');
  const raw = get(q, 'raw_traces');
  if (raw.value !== '') malformed(raw.name, () => parseGoBool(raw.value));
  return { traceId, window: { ...(start !== undefined && { start }), ...(end !== undefined && { end }) } };
}

/**
 * `GET /api/v3/traces?query.*` and `/api/v3/trace-summaries` (query_parser.go parseFindTracesQuery): both start-time
 * bounds are required and the first must be before the second, as in Jaeger's HTTP gateway; without
 * `query.service_name` every service is searched; `query.attributes`
 * is a JSON object of strings; durations use Go's syntax; `query.search_depth` (alias `query.num_traces`) defaults
 * to 100. Bounds in the wrong order and a non-positive depth are refused rather than answered with nothing.
 */
export function parseV3FindTraces(q: URLSearchParams): TraceQuery & { start: UnixNanos; end: UnixNanos } {
  const service = get(q, 'query.service_name').value;
  const operation = get(q, 'query.operation_name').value;
  const attrs = get(q, 'query.attributes');
  let attributes: [string, string][] = [];
  if (attrs.value !== '') {
    const parsed = parseStringMap(attrs.value);
    if (typeof parsed === 'string') throw new ClewError('BAD_PARAMETER', `malformed parameter ${attrs.name}: ${parsed}`);
    attributes = [...parsed];
  }
  const min = get(q, 'query.start_time_min');
  const max = get(q, 'query.start_time_max');
  if (min.value === '' || max.value === '') {
    // Named as current Jaeger names them (query_parser.go: paramTimeMin, paramTimeMax), whichever form was sent.
    throw new ClewError('BAD_PARAMETER', 'query.startTimeMin and query.startTimeMax are required');
  }
  const start = malformed(min.name, () => parseRfc3339Nano(min.value));
  const end = malformed(max.name, () => parseRfc3339Nano(max.value));
  let depth = get(q, 'query.search_depth');
  if (depth.value === '') depth = { value: q.get('query.num_traces') ?? '', name: 'query.num_traces' };
  const limit = depth.value === '' ? DEFAULT_LIMIT : malformed(depth.name, () => parseGoAtoi(depth.value));
  const durMin = get(q, 'query.duration_min');
  const minDuration = durMin.value === '' ? 0n : malformed(durMin.name, () => parseGoDuration(durMin.value));
  const durMax = get(q, 'query.duration_max');
  const maxDuration = durMax.value === '' ? 0n : malformed(durMax.name, () => parseGoDuration(durMax.value));
  const raw = get(q, 'query.raw_traces');
  if (raw.value !== '') malformed(raw.name, () => parseGoBool(raw.value));

  if (start >= end) throw new ClewError('BAD_PARAMETER', 'query.startTimeMin must be before query.startTimeMax');
  if (limit <= 0) throw new ClewError('BAD_PARAMETER', 'search depth must be greater than 0 and less than max traces');
  if (minDuration !== 0n && maxDuration !== 0n && maxDuration < minDuration) {
    throw new ClewError('BAD_PARAMETER', 'query.duration_max must not be less than query.duration_min');
  }
  return {
    ...(service !== '' && { service }),
    ...(operation !== '' && { operation }),
    ...(attributes.length > 0 && { attributes }),
    ...(minDuration !== 0n && { minDuration }),
    ...(maxDuration !== 0n && { maxDuration }),
    start,
    end,
    limit,
  };
}

/** `GET /api/v3/operations?service=&span_kind=`. */
export function parseV3Operations(q: URLSearchParams): { service: string; spanKind: SpanKind | undefined } {
  const kind = get(q, 'span_kind');
  return { service: q.get('service') ?? '', spanKind: parseSpanKindParam(kind.value) };
}

function optionalTime(q: URLSearchParams, snake: string): UnixNanos | undefined {
  const p = get(q, snake);
  return p.value === '' ? undefined : malformed(p.name, () => parseRfc3339Nano(p.value));
}
