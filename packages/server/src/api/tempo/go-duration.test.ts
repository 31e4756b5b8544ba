import { describe, expect, it } from 'vitest';
import { formatGoDuration } from './go-duration.js';

// Each expected text is what Go's time.Duration(n).String() prints by its algorithm (fmtFrac, fmtInt).
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

  // The cases of Go's time_test.go (TestDurationString), each also negated as that test does.
  it.each([
    [1n, '1ns'],
    [1_100n, '1.1µs'],
    [2_200_000n, '2.2ms'],
    [3_300_000_000n, '3.3s'],
    [245_000_000_000n, '4m5s'],
    [245_001_000_000n, '4m5.001s'],
    [18_367_001_000_000n, '5h6m7.001s'],
    [480_000_000_001n, '8m0.000000001s'],
  ])('Go time_test.go: %s ns → %s, and negated', (nanos, text) => {
    expect([formatGoDuration(nanos), formatGoDuration(-nanos)]).toEqual([text, `-${text}`]);
  });

  it('Go time_test.go: the int64 extremes', () => {
    expect(formatGoDuration(2n ** 63n - 1n)).toBe('2562047h47m16.854775807s');
    expect(formatGoDuration(-(2n ** 63n))).toBe('-2562047h47m16.854775808s');
  });
});

