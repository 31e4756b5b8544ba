import { ClewError } from '../../errors.js';
import { goParse } from './params-v1.js';
import { GoParseError, goQuote, parseGoBool, parseGoInt } from './go-strconv.js';

/** What a metrics query asks for, once its parameters are read. Milliseconds throughout, as the API takes them. */
export interface MetricsQuery {
  readonly services: readonly string[];
  readonly groupByOperation: boolean;
  /** OpenTelemetry's names, e.g. SPAN_KIND_SERVER (the default). */
  readonly spanKinds: readonly string[];
  readonly endMs: bigint;
  readonly lookbackMs: bigint;
  readonly stepMs: bigint;
  readonly ratePerMs: bigint;
}

/** default_params.go: one hour back, a point every 5 s, rates over 10 minutes, server spans. */
const DEFAULT_LOOKBACK_MS = 3_600_000n;
const DEFAULT_STEP_MS = 5_000n;
const DEFAULT_RATE_PER_MS = 600_000n;
const DEFAULT_SPAN_KINDS = ['SPAN_KIND_SERVER'];

/** jptrace.StringToProtoSpanKind: Jaeger's lowercase names, matched without regard to case. */
const OTEL_SPAN_KINDS: Readonly<Record<string, string>> = {
  unspecified: 'SPAN_KIND_UNSPECIFIED',
  internal: 'SPAN_KIND_INTERNAL',
  server: 'SPAN_KIND_SERVER',
  client: 'SPAN_KIND_CLIENT',
  producer: 'SPAN_KIND_PRODUCER',
  consumer: 'SPAN_KIND_CONSUMER',
};

/**
 * The parameters of `/api/metrics/{latencies,calls,errors}`, read and checked in the order Jaeger's
 * parseMetricsQueryParams (query_parser.go) does, with its messages: `service` (repeated; present, even empty),
 * `groupByOperation`, `spanKind` (repeated), `endTs` (ms, default now), `lookback`, `step`, `ratePer` (ms).
 * @example parseMetricsQuery(new URLSearchParams('service=cart&lookback=60000'), 1_700_000_000_000n).lookbackMs === 60_000n
 */
export function parseMetricsQuery(q: URLSearchParams, nowMs: bigint): MetricsQuery {
  if (!q.has('service')) {
    throw new ClewError('BAD_PARAMETER', "unable to parse param 'service': please provide at least one service name");
  }
  const services = q.getAll('service');
  const groupText = q.get('groupByOperation') ?? '';
  const groupByOperation = groupText === '' ? false : param('groupByOperation', () => parseGoBool(groupText));
  const spanKinds = q.has('spanKind') ? q.getAll('spanKind').map(otelSpanKind) : DEFAULT_SPAN_KINDS;
  return {
    services,
    groupByOperation,
    spanKinds,
    endMs: intParam(q, 'endTs', nowMs),
    lookbackMs: intParam(q, 'lookback', DEFAULT_LOOKBACK_MS),
    stepMs: intParam(q, 'step', DEFAULT_STEP_MS),
    ratePerMs: intParam(q, 'ratePer', DEFAULT_RATE_PER_MS),
  };
}

/** `quantile` of `/api/metrics/latencies`: required, read with strconv.ParseFloat before anything else. */
export function parseQuantile(q: URLSearchParams): number {
  const text = q.get('quantile') ?? '';
  return param('quantile', () => parseGoFloat(text));
}

function otelSpanKind(text: string): string {
  const kind = OTEL_SPAN_KINDS[text.toLowerCase()];
  if (kind === undefined) throw new ClewError('BAD_PARAMETER', `unable to parse param 'spanKind': unsupported span kind: '${text}'`);
  return kind;
}

function intParam(q: URLSearchParams, name: string, fallback: bigint): bigint {
  const text = q.get(name) ?? '';
  return text === '' ? fallback : param(name, () => parseGoInt(text, 64));
}

function param<T>(name: string, parse: () => T): T {
  return goParse(parse, `unable to parse param '${name}': `);
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const SPECIAL = /^(?:[+-]?(?:inf|infinity)|nan)$/i;

/**
 * strconv.ParseFloat(s, 64) for decimal notation and Go's special values (inf, infinity, nan), with its error
 * texts; a finite number too large for a float64 is "value out of range". Hexadecimal floats (0x1p-2), which
 * nobody sends as a quantile, are refused as invalid syntax.
 */
export function parseGoFloat(s: string): number {
  if (SPECIAL.test(s)) {
    const lower = s.toLowerCase();
    return lower === 'nan' ? NaN : lower.startsWith('-') ? -Infinity : Infinity;
  }
  // Go accepts underscores between digits only after a base prefix, so a decimal with one is invalid syntax too.
  if (!DECIMAL_FLOAT.test(s)) throw new GoParseError(`strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
  const v = Number(s);
  if (!Number.isFinite(v)) throw new GoParseError(`strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`);
  return v;
}
