import type { UnixNanos } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { timeSlices } from './candidates.js';

const n = (v: bigint): UnixNanos => v as UnixNanos;

describe('timeSlices', () => {
  it('walks a window from its end backwards, each slice twice the last, covering it exactly once', () => {
    const slices = [...timeSlices(n(0n), n(10_239n))];
    expect(slices.slice(0, 3)).toEqual([
      { start: 10_230n, end: 10_239n },
      { start: 10_210n, end: 10_229n },
      { start: 10_170n, end: 10_209n },
    ]);
    expect(slices.at(-1)!.start).toBe(0n);
    for (let i = 1; i < slices.length; i++) expect(slices[i]!.end).toBe(slices[i - 1]!.start! - 1n);
    expect(slices).toHaveLength(11);
  });

  it('slices a window narrower than the first fraction by single nanoseconds, then wider', () => {
    expect([...timeSlices(n(5n), n(7n))]).toEqual([
      { start: 7n, end: 7n },
      { start: 5n, end: 6n },
    ]);
  });

  it('searches an open or empty window in one pass', () => {
    expect([...timeSlices(undefined, undefined)]).toEqual([{}]);
    expect([...timeSlices(n(5n), undefined)]).toEqual([{ start: 5n }]);
    expect([...timeSlices(undefined, n(5n))]).toEqual([{ end: 5n }]);
    expect([...timeSlices(n(9n), n(5n))]).toEqual([{ start: 9n, end: 5n }]);
  });
});
