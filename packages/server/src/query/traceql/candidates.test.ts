import type { UnixNanos } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { timeSlices } from './candidates.js';

const n = (v: bigint): UnixNanos => v as UnixNanos;
const MINUTE = 60_000_000_000n;
const NOW = n(1_764_000_000_000_000_000n);

describe('timeSlices', () => {
  it('walks a window from its end backwards, each slice twice the last, covering it exactly once', () => {
    const slices = [...timeSlices(n(0n), n(10_239n), NOW)];
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
    expect([...timeSlices(n(5n), n(7n), NOW)]).toEqual([
      { start: 7n, end: 7n },
      { start: 5n, end: 6n },
    ]);
  });

  it('searches an empty window in one pass', () => {
    expect([...timeSlices(n(9n), n(5n), NOW)]).toEqual([{ start: 9n, end: 5n }]);
  });

  it('walks an open window back from now, after the spans stamped later, down to the epoch', () => {
    const slices = [...timeSlices(undefined, undefined, NOW)];
    expect(slices.slice(0, 4)).toEqual([
      { start: NOW + 1n },
      { start: NOW - MINUTE + 1n, end: NOW },
      { start: NOW - 3n * MINUTE + 1n, end: NOW - MINUTE },
      { start: NOW - 7n * MINUTE + 1n, end: NOW - 3n * MINUTE },
    ]);
    expect(slices.at(-1)!.start).toBe(0n);
    expect(slices.length).toBeLessThan(40);
  });

  it('walks a window open at one end from its bounded end, or down to its bounded start', () => {
    expect([...timeSlices(undefined, n(3n * MINUTE - 1n), NOW)]).toEqual([
      { start: 2n * MINUTE, end: 3n * MINUTE - 1n },
      { start: 0n, end: 2n * MINUTE - 1n },
    ]);
    expect([...timeSlices(n(NOW - MINUTE), undefined, NOW)]).toEqual([
      { start: NOW + 1n },
      { start: NOW - MINUTE + 1n, end: NOW },
      { start: NOW - MINUTE, end: NOW - MINUTE },
    ]);
    expect([...timeSlices(n(NOW + 5n), undefined, NOW)]).toEqual([{ start: NOW + 5n }]);
  });
});
