import { describe, expect, it } from 'vitest';
import { parseGoBool, parseGoHexUint64, parseGoInt } from './go-strconv.js';
import { jaegerTraceIdString, parseJaegerPathTraceId, parseJaegerTraceId } from './trace-id.js';
import type { TraceId } from '@clew/model';

describe('Go strconv', () => {
  it.each([
    ['42', 42n],
    ['+7', 7n],
    ['-7', -7n],
    ['2147483647', 2147483647n],
  ])('ParseInt(%s, 32)', (s, v) => expect(parseGoInt(s, 32)).toBe(v));

  it.each([
    ['abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ['1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    ['', 'strconv.ParseInt: parsing "": invalid syntax'],
    ['2147483648', 'strconv.ParseInt: parsing "2147483648": value out of range'],
  ])('ParseInt(%j, 32) fails', (s, m) => expect(() => parseGoInt(s, 32)).toThrow(m));

  it('ParseUint base 16', () => {
    expect(parseGoHexUint64('fF')).toBe(255n);
    expect(() => parseGoHexUint64('xyz')).toThrow('strconv.ParseUint: parsing "xyz": invalid syntax');
    expect(() => parseGoHexUint64('-1')).toThrow('invalid syntax');
  });

  it.each([
    ['1', true],
    ['t', true],
    ['True', true],
    ['FALSE', false],
    ['0', false],
  ])('ParseBool(%s)', (s, v) => expect(parseGoBool(s)).toBe(v));

  it('ParseBool refuses yes', () => {
    expect(() => parseGoBool('yes')).toThrow('strconv.ParseBool: parsing "yes": invalid syntax');
  });
});

describe('Jaeger trace ids (model.TraceIDFromString / TraceID.String)', () => {
  it.each([
    ['abc', '00000000000000000000000000000abc'],
    ['0123456789ABCDEF0123456789abcdef', '0123456789abcdef0123456789abcdef'],
    ['10000000000000000', '00000000000000010000000000000000'],
  ])('%s parses to %s', (s, id) => expect(parseJaegerTraceId(s)).toBe(id));

  it.each([
    ['0123456789abcdef0123456789abcdef0', 'TraceID cannot be longer than 32 hex characters: 0123456789abcdef0123456789abcdef0'],
    ['xyz', 'strconv.ParseUint: parsing "xyz": invalid syntax'],
    ['zz0000000000000000', 'strconv.ParseUint: parsing "zz": invalid syntax'],
  ])('%s is refused', (s, m) => expect(() => parseJaegerTraceId(s)).toThrow(m));

  it('prints 64-bit ids with 16 digits, others with 32', () => {
    expect(jaegerTraceIdString('0000000000000000000000000000abcd' as TraceId)).toBe('000000000000abcd');
    expect(jaegerTraceIdString('0000000000000001000000000000abcd' as TraceId)).toBe('0000000000000001000000000000abcd');
  });
});

describe('Jaeger trace ids in a URL path (apiv3.TraceIDFromString: hex, else base64)', () => {
  // Jaeger's own cases (http_gateway_test.go TestTraceIDFromString), and 8-byte, line-broken and odd ones.
  it.each([
    ['1', '00000000000000000000000000000001'],
    ['00000000000000010000000000000002', '00000000000000010000000000000002'],
    ['AAAAAAAAAAEAAAAAAAAAAQ==', '00000000000000010000000000000001'],
    ['AAAAAAAAAAEAAAAAAAAAAQ', '00000000000000010000000000000001'],
    ['AAAAAAAAAAAAAAAAAAAAAQ==', '00000000000000000000000000000001'],
    ['AAAAAAAAAP///////////w==', '00000000000000ffffffffffffffffff'],
    ['EjRWeJq83vD+3LqYdlQyEA==', '123456789abcdef0fedcba9876543210'],
    ['EjRWeJq83vD-3LqYdlQyEA==', '123456789abcdef0fedcba9876543210'],
    ['AAAAAAAAAP___________w==', '00000000000000ffffffffffffffffff'],
    ['wP/uNXezTaajzpKdDg5HNg', 'c0ffee3577b34da6a3ce929d0e0e4736'],
    ['EjRWeJq83vA=', '0000000000000000123456789abcdef0'],
    ['EjRWeJq8\n3vA=', '0000000000000000123456789abcdef0'],
  ])('%s parses to %s', (s, id) => expect(parseJaegerPathTraceId(s)).toBe(id));

  it.each([
    ['not-a-valid-id!', 'strconv.ParseUint: parsing "not-a-valid-id!": invalid syntax'],
    ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAlong', 'TraceID cannot be longer than 32 hex characters: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAlong'],
    // Base64, but of 2 and 12 bytes.
    ['xyz', 'invalid length for TraceID'],
    ['AAAAAAAAAAAAAAAg', 'invalid length for TraceID'],
    // Padding where the raw encodings take none, or too much of it.
    ['AB=', 'strconv.ParseUint: parsing "AB=": invalid syntax'],
    ['A===', 'strconv.ParseUint: parsing "A===": invalid syntax'],
    ['AAAAAAAAAAEAAAAAAAAAAQ=', 'strconv.ParseUint: parsing "AAAEAAAAAAAAAAQ=": invalid syntax'],
  ])('%s is refused', (s, m) => expect(() => parseJaegerPathTraceId(s)).toThrow(m));
});
