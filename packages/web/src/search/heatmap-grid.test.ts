import type { HeatmapResponse } from '@clew/api';
import { describe, expect, it } from 'vitest';
import { brushSelection, roundNanos, selectionCells } from './heatmap-grid.js';

/*
 * A 4-bucket minute (15 s each) from 1,700,000,000,000 ms, rows d = 10..13 (four per doubling):
 *
 *   d=13  |    |    | ## |    |   ~1.3-1.6 µs
 *   d=12  |    |    |    |    |
 *   d=11  |    |    |    |    |
 *   d=10  | ## | ## | ## | ## |   ~1.0-1.2 µs
 *          t=0  t=1  t=2  t=3
 */
const bounds = (d: number) => ({ d, minNanos: 2 ** (d / 4) * 32, maxNanos: 2 ** ((d + 1) / 4) * 32 });
const START_MS = 1_700_000_000_000;
const map: HeatmapResponse = {
  startTimeUnixNano: `${START_MS}000000`,
  endTimeUnixNano: `${START_MS + 60_000}000000`,
  stepNanos: '15000000000',
  timeBuckets: 4,
  bucketsPerDoubling: 4,
  cells: [0, 1, 2, 3].map((t) => ({ t, d: 10, count: 5, errors: 0 })).concat([{ t: 2, d: 13, count: 1, errors: 1 }]),
  durationBuckets: [10, 11, 12, 13].map(bounds),
  total: 21,
  errors: 1,
};

describe('brushing the heatmap', () => {
  it('leaves open the sides that reach the edge: the whole width is a duration band, the top row no maximum', () => {
    const sel = brushSelection(map, { t0: 0, t1: 3, r0: 2, r1: 3 });
    expect(sel).toEqual({ kind: 'band', minDuration: `${roundNanos(bounds(12).minNanos, 'down')}ns` });
    expect(selectionCells(map, sel)).toEqual({ t0: 0, t1: 3, r0: 2, r1: 3 });
  });

  it('turns a time band into epoch milliseconds covering its buckets, and draws it back on the same cells', () => {
    const sel = brushSelection(map, { t0: 1, t1: 2, r0: 0, r1: 3 });
    expect(sel).toEqual({ kind: 'band', start: START_MS + 15_000, end: START_MS + 45_000 - 1 });
    expect(selectionCells(map, sel)).toEqual({ t0: 1, t1: 2, r0: 0, r1: 3 });
  });

  it('selects nothing when the brush covers the whole map, and draws no band for the errors', () => {
    expect(brushSelection(map, { t0: 0, t1: 3, r0: 0, r1: 3 })).toBeUndefined();
    expect(selectionCells(map, { kind: 'errors' })).toBeUndefined();
  });

  it.each([
    [90_509_667, 'down', 90_500_000],
    [90_509_667, 'up', 90_600_000],
    [1_234, 'up', 1_240],
    [812.4, 'down', 812],
  ] as const)('rounds %d %s to three digits: %d', (ns, direction, rounded) => expect(roundNanos(ns, direction)).toBe(rounded));
});
