import { describe, expect, it } from 'vitest';
import { alignRequest, defaultStep, intervalMapper } from './interval-mapper.js';

const S = 1_000_000_000n;
const MIN = 60n * S;
const H = 60n * MIN;

describe('defaultStep', () => {
  // Tempo's TestDefaultQueryRangeStep.
  it.each([
    [59n * S, 200_000_000n],
    [MIN, S],
    [5n * MIN, S],
    [15n * MIN, 3n * S],
    [30n * MIN, 5n * S],
    [H, 15n * S],
    [3n * H, 45n * S],
    [6n * H, MIN],
    [12n * H, 3n * MIN],
    [24n * H - S, 5n * MIN],
    [24n * H, 5n * MIN],
    [48n * H, 10n * MIN],
    [7n * 24n * H, 40n * MIN],
  ])('a window of %dns steps %dns', (window, step) => {
    expect(defaultStep(0n, window)).toBe(step);
  });
});

describe('alignRequest and intervalMapper', () => {
  it('aligns start down and end up to the step, with one more step in front', () => {
    const req = alignRequest({ start: 1000n * S + 7n, end: 1060n * S + 1n, step: 15n * S, instant: false, exemplars: 0 });
    expect(req.start).toBe(975n * S); // 990 s aligned, minus one step
    expect(req.end).toBe(1065n * S);
  });

  /*
   * (0, 1s]  (1s, 2s]  (2s, 3s]   right-closed: a span on a boundary closes the interval before it
   */
  it('maps times to right-closed intervals, reported at their right edge', () => {
    const m = intervalMapper({ start: 0n, end: 3n * S, step: S, instant: false, exemplars: 0 });
    expect(m.count).toBe(3);
    expect([0n, 1n, S, S + 1n, 3n * S, 3n * S + 1n].map((t) => m.interval(t))).toEqual([-1, 0, 0, 1, 2, -1]);
    expect([0, 1, 2].map((i) => m.timestampMs(i))).toEqual([1000, 2000, 3000]);
    expect([1000, 1001, 3000].map((ms) => m.intervalMs(ms))).toEqual([0, 1, 2]);
  });

  it('has one interval for an instant query, at its end, start and end included', () => {
    const m = intervalMapper({ start: 10n * S, end: 20n * S, step: 10n * S, instant: true, exemplars: 0 });
    expect(m.count).toBe(1);
    expect([10n * S - 1n, 10n * S, 20n * S, 20n * S + 1n].map((t) => m.interval(t))).toEqual([-1, 0, 0, -1]);
    expect(m.timestampMs(0)).toBe(20_000);
  });
});
