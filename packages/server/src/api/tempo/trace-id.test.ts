import { describe, expect, it } from 'vitest';
import { ClewError } from '../../errors.js';
import type { TraceId } from '@clew/model';
import { parseTempoTraceId, tempoTraceIdHex } from './trace-id.js';

describe('parseTempoTraceId (Tempo HexStringToTraceID)', () => {
  it.each([
    ['0123456789abcdef0123456789abcdef', '0123456789abcdef0123456789abcdef'],
    ['0123456789ABCDEF0123456789ABCDEF', '0123456789abcdef0123456789abcdef'],
    ['a000000000000001', '0000000000000000a000000000000001'],
    ['abc', '00000000000000000000000000000abc'],
    ['00' + 'f'.repeat(32), null],
  ])('%s → %s', (text, id) => {
    if (id === null) expect(() => parseTempoTraceId(text)).toThrow("trace IDs can't be larger than 128 bits");
    else expect(parseTempoTraceId(text)).toBe(id);
  });

  it.each([
    ['f'.repeat(33), "trace IDs can't be larger than 128 bits"],
    ['abcg', "trace IDs can only contain hex characters: invalid character 'g' at position 4"],
    ['', "trace IDs can't be empty"],
  ])('refuses %j with a 400: %s', (text, message) => {
    let err: unknown;
    try {
      parseTempoTraceId(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClewError);
    expect((err as ClewError).code).toBe('BAD_PARAMETER');
    expect((err as ClewError).httpStatus).toBe(400);
    expect((err as ClewError).message).toBe(message);
  });
});

describe('tempoTraceIdHex (Tempo TraceIDToHexString)', () => {
  it.each([
    ['0123456789abcdef0123456789abcdef', '123456789abcdef0123456789abcdef'],
    ['0000000000000000a000000000000001', 'a000000000000001'],
    ['00000000000000000000000000000abc', 'abc'],
    ['a0000000000000000000000000000001', 'a0000000000000000000000000000001'],
  ])('%s → %s, which parseTempoTraceId reads back', (id, hex) => {
    expect(tempoTraceIdHex(id as TraceId)).toBe(hex);
    expect(parseTempoTraceId(hex)).toBe(id);
  });
});
