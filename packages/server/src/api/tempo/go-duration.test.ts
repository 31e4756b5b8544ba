import { describe, expect, it } from 'vitest';
import { formatGoDuration } from './go-duration.js';

// Each expected text is what Go's time.Duration(n).String() prints.
describe('formatGoDuration (Go time.Duration.String)', () => {
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [999n, '999ns'],
    [1_000n, '1µs'],
    [1_500n, '1.5µs'],
    [999_999n, '999.999µs'],
    [1_000_000n, '1ms'],
    [1_234_567n, '1.234567ms'],
    [70_000_000n, '70ms'],
    [999_999_999n, '999.999999ms'],
    [1_000_000_000n, '1s'],
    [5_430_000_000n, '5.43s'],
    [1_000_000_001n, '1.000000001s'],
    [60_000_000_000n, '1m0s'],
    [90_500_000_000n, '1m30.5s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_000_000_000n, '1h2m3s'],
    [-1_500_000n, '-1.5ms'],
    [-3_723_000_000_000n, '-1h2m3s'],
    [9_223_372_036_854_775_807n, '2562047h47m16.854775807s'],
  ])('%s ns → %s', (nanos, text) => {
    expect(formatGoDuration(nanos)).toBe(text);
  });
});
