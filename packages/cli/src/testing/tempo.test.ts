import { describe, expect, it } from 'vitest';
import { searchTraceId } from './tempo.js';

describe('searchTraceId', () => {
  it("reads Tempo's hex without leading zeros back to 32 digits", () => {
    expect(searchTraceId('abc')).toBe('00000000000000000000000000000abc');
    expect(searchTraceId('f'.repeat(32))).toBe('f'.repeat(32));
    // A random id that starts with a zero, which Tempo writes one digit shorter (one time in sixteen).
    expect(searchTraceId('9f2c1e0b7a6d5c4b3a29181706f5e4d')).toBe('09f2c1e0b7a6d5c4b3a29181706f5e4d');
  });

  it.each(['09f2c1e0b7a6d5c4b3a29181706f5e4d', '', '0', 'ABC', 'f'.repeat(33), 12])('fails on %j, which Tempo would not write', (id) => {
    expect(() => searchTraceId(id)).toThrow("is not Tempo's hex without leading zeros");
  });
});
