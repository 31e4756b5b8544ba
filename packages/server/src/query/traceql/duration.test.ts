import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

const CASES: Array<[text: string, nanos: bigint | null]> = [
  ['1ns', 1n],
  ['100us', 100_000n],
  ['1µs', 1_000n],
  ['1ms', 1_000_000n],
  ['1.5s', 1_500_000_000n],
  ['.5s', 500_000_000n],
  ['2m', 120_000_000_000n],
  ['1h', 3_600_000_000_000n],
  ['1h30m', 5_400_000_000_000n],
  ['1d', 86_400_000_000_000n],
  ['1w', 604_800_000_000_000n],
  ['1y', 31_536_000_000_000_000n],
  ['9007199254740993ns', 9_007_199_254_740_993n],
  ['', null],
  ['1', null],
  ['1x', null],
  ['ms', null],
  ['1ms2', null],
];

describe('parseDuration', () => {
  it.each(CASES)('%j', (text, nanos) => {
    expect(parseDuration(text)).toBe(nanos);
  });
});
