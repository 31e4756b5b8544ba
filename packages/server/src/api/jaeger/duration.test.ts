import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './duration.js';

describe('parseGoDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0n],
    ['+0', 0n],
    ['1ns', 1n],
    ['10us', 10_000n],
    ['10µs', 10_000n],
    ['10μs', 10_000n],
    ['100ms', 100_000_000n],
    ['1.2s', 1_200_000_000n],
    ['.5s', 500_000_000n],
    ['1.s', 1_000_000_000n],
    ['2h45m', 9_900_000_000_000n],
    ['1h1m1s1ms1us1ns', 3_661_001_001_001n],
    ['-1.5h', -5_400_000_000_000n],
    ['1.000000001s', 1_000_000_001n],
    ['9223372036854775807ns', 9_223_372_036_854_775_807n],
    ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
  ])('%s → %s ns', (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  it.each([
    ['', 'time: invalid duration ""'],
    ['abc', 'time: invalid duration "abc"'],
    ['-', 'time: invalid duration "-"'],
    ['.s', 'time: invalid duration ".s"'],
    ['10', 'time: missing unit in duration "10"'],
    ['1s2', 'time: missing unit in duration "1s2"'],
    ['1x', 'time: unknown unit "x" in duration "1x"'],
    ['5 ms', 'time: unknown unit " ms" in duration "5 ms"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
  ])('%j is refused with Go’s message', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });
});
