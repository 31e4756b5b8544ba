import { describe, expect, it } from 'vitest';
import { ClewError } from '../../errors.js';
import { parseV3FindTraces, parseV3GetTrace, parseV3Operations } from './params-v3.js';
import { parseRfc3339Nano } from './rfc3339.js';

const q = (s: string): URLSearchParams => new URLSearchParams(s);
const T0 = 'query.start_time_min=2024-05-01T00:00:00Z&query.start_time_max=2024-05-01T01:00:00Z';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ClewError);
    expect((e as ClewError).code).toBe('BAD_PARAMETER');
    return (e as Error).message;
  }
  throw new Error('expected a 400');
}

describe('RFC 3339 times (Go time.RFC3339Nano)', () => {
  it.each([
    ['2024-05-01T12:00:00Z', 1_714_564_800_000_000_000n],
    ['2024-05-01T12:00:00.5Z', 1_714_564_800_500_000_000n],
    ['2024-05-01T12:00:00.123456789123Z', 1_714_564_800_123_456_789n],
    ['2024-05-01T14:00:00+02:00', 1_714_564_800_000_000_000n],
    ['2024-02-29T00:00:00-00:30', 1_709_166_600_000_000_000n],
  ])('%s', (s, ns) => expect(parseRfc3339Nano(s)).toBe(ns));

  it.each(['2024-05-01', '2024-05-01 12:00:00Z', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '1714564800'])(
    '%s is refused',
    (s) => expect(() => parseRfc3339Nano(s)).toThrow(`parsing time "${s}" as "2006-01-02T15:04:05.999999999Z07:00"`),
  );
});

describe('GET /api/v3/traces parameters', () => {
  it('reads every parameter', () => {
    const p = parseV3FindTraces(
      q(`${T0}&query.service_name=cart&query.operation_name=GET&query.attributes={"http.method":"GET"}&query.duration_min=10ms&query.duration_max=1s&query.search_depth=7`),
    );
    expect(p).toEqual({
      service: 'cart',
      operation: 'GET',
      attributes: [['http.method', 'GET']],
      minDuration: 10_000_000n,
      maxDuration: 1_000_000_000n,
      start: 1_714_521_600_000_000_000n,
      end: 1_714_525_200_000_000_000n,
      limit: 7,
    });
  });

  it('accepts the camelCase names and query.num_traces', () => {
    const p = parseV3FindTraces(q('query.startTimeMin=2024-05-01T00:00:00Z&query.startTimeMax=2024-05-01T00:00:01Z&query.serviceName=a&query.num_traces=3'));
    expect(p).toMatchObject({ service: 'a', limit: 3 });
  });

  it.each([
    ['query.service_name=a', 'query.startTimeMin and query.startTimeMax are required'],
    [`${T0}&query.search_depth=x`, 'malformed parameter query.search_depth: strconv.Atoi: parsing "x": invalid syntax'],
    [`${T0}&query.search_depth=0`, 'search depth must be greater than 0 and less than max traces'],
    [`${T0}&query.duration_min=5`, 'malformed parameter query.duration_min: time: missing unit in duration "5"'],
    [`${T0}&query.duration_min=2s&query.duration_max=1s`, 'query.duration_max must not be less than query.duration_min'],
    [`${T0}&query.attributes={"a":true}`, 'malformed parameter query.attributes: json: cannot unmarshal boolean into Go value of type string'],
    ['query.start_time_min=2024-05-01T02:00:00Z&query.start_time_max=2024-05-01T01:00:00Z', 'query.startTimeMin must be before query.startTimeMax'],
    ['query.startTimeMin=2024-05-01T01:00:00Z&query.startTimeMax=2024-05-01T01:00:00Z', 'query.startTimeMin must be before query.startTimeMax'],
    ['query.start_time_min=yesterday&query.start_time_max=2024-05-01T01:00:00Z', 'malformed parameter query.start_time_min: parsing time "yesterday"'],
  ])('%s → 400', (query, message) => {
    expect(refusal(() => parseV3FindTraces(q(query)))).toContain(message);
  });
});

describe('GET /api/v3/traces/{id} and /api/v3/operations parameters', () => {
  it('reads the id and window', () => {
    expect(parseV3GetTrace('ff', q('start_time=1970-01-01T00:00:01Z'))).toEqual({
      traceId: '000000000000000000000000000000ff',
      window: { start: 1_000_000_000n },
    });
  });

  it('refuses a malformed id as api_v3 does', () => {
    expect(refusal(() => parseV3GetTrace('z.z', q('')))).toBe('malformed parameter trace_id: strconv.ParseUint: parsing "z.z": invalid syntax');
    // Base64 of one byte.
    expect(refusal(() => parseV3GetTrace('zz', q('')))).toBe('malformed parameter trace_id: invalid length for TraceID');
    expect(parseV3GetTrace('AAAAAAAAAAEAAAAAAAAAAQ', q('')).traceId).toBe('00000000000000010000000000000001');
  });

  it('reads span_kind by name and refuses unknown kinds', () => {
    expect(parseV3Operations(q('service=a&span_kind=server'))).toEqual({ service: 'a', spanKind: 2 });
    expect(parseV3Operations(q('service=a'))).toEqual({ service: 'a', spanKind: undefined });
    expect(refusal(() => parseV3Operations(q('service=a&span_kind=srv')))).toContain("unsupported span kind: 'srv'");
  });
});
