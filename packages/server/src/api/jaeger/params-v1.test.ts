import type { UnixNanos } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { ClewError } from '../../errors.js';
import { parseDependencies, parseGetTrace, parseTraceSearch } from './params-v1.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const q = (s: string): URLSearchParams => new URLSearchParams(s);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ClewError);
    expect((e as ClewError).code).toBe('BAD_PARAMETER');
    expect((e as ClewError).httpStatus).toBe(400);
    return (e as Error).message;
  }
  throw new Error('expected a 400');
}

describe('GET /api/traces parameters', () => {
  it('reads every parameter with Jaeger’s units', () => {
    const p = parseTraceSearch(
      q('service=cart&operation=GET+%2F&start=1000&end=2000&limit=5&minDuration=1.2s&maxDuration=2s&tag=a:b:c&tags=%7B%22error%22%3A%22true%22%7D&lookback=1h'),
      NOW,
    );
    expect(p.query).toEqual({
      service: 'cart',
      operation: 'GET /',
      attributes: [
        ['a', 'b:c'],
        ['error', 'true'],
      ],
      minDuration: 1_200_000_000n,
      maxDuration: 2_000_000_000n,
      start: 1_000_000n,
      end: 2_000_000n,
      limit: 5,
    });
    expect(p.traceIds).toEqual([]);
    expect(p.raw).toBe(false);
  });

  it('defaults: limit 100, the last two days', () => {
    const p = parseTraceSearch(q('service=cart'), NOW);
    expect(p.query).toEqual({ service: 'cart', start: NOW - 172_800_000_000_000n, end: NOW, limit: 100 });
  });

  it('a JSON tag wins over a simple one with the same key', () => {
    const p = parseTraceSearch(q('service=s&tag=k:1&tags={"k":"2"}'), NOW);
    expect(p.query.attributes).toEqual([['k', '2']]);
  });

  it('traceID makes service optional', () => {
    const p = parseTraceSearch(q('traceID=abc&traceID=0123456789abcdef0123456789abcdef'), NOW);
    expect(p.traceIds).toEqual(['00000000000000000000000000000abc', '0123456789abcdef0123456789abcdef']);
  });

  it.each([
    ['', "parameter 'service' is required"],
    ['service=s&limit=abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ['service=s&limit=0', 'invalid parameter: limit must be greater than 0'],
    ['service=s&limit=-3', 'invalid parameter: limit must be greater than 0'],
    ['service=s&start=x', `unable to parse param 'start': strconv.ParseInt: parsing "x": invalid syntax`],
    ['service=s&end=1.5', `unable to parse param 'end': strconv.ParseInt: parsing "1.5": invalid syntax`],
    ['service=s&start=2000&end=1000', 'invalid parameter: start time must be before end time'],
    ['service=s&minDuration=1x', `unable to parse param 'minDuration': time: unknown unit "x" in duration "1x"`],
    ['service=s&maxDuration=10', `unable to parse param 'maxDuration': time: missing unit in duration "10"`],
    ['service=s&minDuration=2s&maxDuration=1s', "'maxDuration' should be greater than 'minDuration'"],
    ['service=s&tag=novalue', "malformed 'tag' parameter, expecting key:value, received: novalue"],
    ['service=s&tags={"a":1}', "malformed 'tags' parameter, cannot unmarshal JSON: json: cannot unmarshal number into Go value of type string"],
    ['service=s&tags=[1]', "malformed 'tags' parameter, cannot unmarshal JSON: json: cannot unmarshal array into Go value of type map[string]string"],
    ['service=s&tags={', "malformed 'tags' parameter, cannot unmarshal JSON: unexpected end of JSON input"],
    ['service=s&tags=x', "malformed 'tags' parameter, cannot unmarshal JSON: invalid character 'x' looking for beginning of value"],
    ['traceID=xyz', 'cannot parse traceID param: strconv.ParseUint: parsing "xyz": invalid syntax'],
    ['service=s&raw=maybe', `unable to parse param 'raw': strconv.ParseBool: parsing "maybe": invalid syntax`],
  ])('%j → 400 %j', (query, message) => {
    expect(refusal(() => parseTraceSearch(q(query), NOW))).toBe(message);
  });
});

describe('GET /api/traces/{id} parameters', () => {
  it('reads the id and the µs window hints', () => {
    expect(parseGetTrace('ABC', q('start=5&end=6&raw=true'))).toEqual({
      traceId: '00000000000000000000000000000abc',
      window: { start: 5000n, end: 6000n },
      raw: true,
    });
  });

  it.each([
    ['not.hex', '', 'invalid trace ID (expected up to 32 hex digits, or base64 of 16 or 8 bytes): strconv.ParseUint: parsing "not.hex": invalid syntax'],
    // Base64 of 4 bytes.
    ['nothex', '', 'invalid trace ID (expected up to 32 hex digits, or base64 of 16 or 8 bytes): invalid length for TraceID'],
    ['1'.repeat(33), '', `invalid trace ID (expected up to 32 hex digits, or base64 of 16 or 8 bytes): TraceID cannot be longer than 32 hex characters: ${'1'.repeat(33)}`],
    ['abc', 'start=soon', `unable to parse param 'start': strconv.ParseInt: parsing "soon": invalid syntax`],
  ])('%s?%s → 400', (id, query, message) => {
    expect(refusal(() => parseGetTrace(id, q(query)))).toBe(message);
  });
});

describe('GET /api/dependencies parameters', () => {
  it('endTs and lookback are milliseconds', () => {
    expect(parseDependencies(q('endTs=1700000000000&lookback=3600000'), NOW)).toEqual({
      start: 1_699_996_400_000_000_000n,
      end: 1_700_000_000_000_000_000n,
    });
  });

  it('defaults to the last 24 hours', () => {
    expect(parseDependencies(q(''), NOW)).toEqual({ start: NOW - 86_400_000_000_000n, end: NOW });
  });

  it.each([
    ['endTs=yesterday', `unable to parse param 'endTs': strconv.ParseInt: parsing "yesterday": invalid syntax`],
    ['lookback=1h', `unable to parse param 'lookback': strconv.ParseInt: parsing "1h": invalid syntax`],
    ['lookback=-5', "invalid parameter: 'lookback' must not be negative"],
  ])('%s → 400', (query, message) => {
    expect(refusal(() => parseDependencies(q(query), NOW))).toBe(message);
  });
});
