import { describe, expect, it } from 'vitest';
import { log2Bucketize, log2Quantile } from './log2-histogram.js';

describe('log2Bucketize', () => {
  it('rounds up to a power of two; nothing under 2', () => {
    expect([0n, 1n, 2n, 3n, 4n, 5n, 1000n, 1024n, 1025n].map(log2Bucketize)).toEqual([-1, -1, 2, 4, 4, 8, 1024, 1024, 2048]);
  });
});

describe('log2Quantile (Tempo TestLog2Quantile)', () => {
  const b = (...pairs: Array<[number, number]>) => pairs.map(([max, count]) => ({ max, count }));
  it('interpolates exponentially inside the bucket where the quantile falls', () => {
    // p50 of 8 samples = the 4th: 2 in (0.5, 1], then 2 of the 4 in (1, 2] → 2^(0 + 1 × 2/4)
    expect(log2Quantile(0.5, b([1, 2], [2, 4], [4, 2]))).toBeCloseTo(Math.SQRT2, 12);
    // p90 of 10 = the 9th: 7 of the 8 in (2, 4] → 2^(1 + 7/8)
    expect(log2Quantile(0.9, b([1, 1], [2, 1], [4, 8]))).toBeCloseTo(2 ** (1 + 7 / 8), 12);
  });
  it('answers a bucket bound when the count lands on it, 0 without samples', () => {
    expect(log2Quantile(1, b([1, 5], [2, 5]))).toBe(2);
    expect(log2Quantile(0.5, [])).toBe(0);
    expect(log2Quantile(0, b([4, 1]))).toBe(4);
  });
  it('assumes the bucket below the first is half its bound', () => {
    // p25 of 4 samples in (4, 8] reads the first: a quarter of the way up from 4 (2^2) to 8 (2^3).
    expect(log2Quantile(0.25, b([8, 4]))).toBe(2 ** (2 + 1 / 4));
  });
});
