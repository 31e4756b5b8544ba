import { describe, expect, it } from 'vitest';
import { ClewError } from '../../errors.js';
import { bucketStarts, MINUTE_MS, resolveHealthWindow } from './health-window.js';

const NOW = Date.UTC(2026, 11, 3, 10, 23, 17);

describe('resolveHealthWindow', () => {
  it('defaults to the last hour in minutes, ending with the current minute', () => {
    const w = resolveHealthWindow({}, NOW, 1440);
    expect(w).toEqual({ from: Date.UTC(2026, 11, 3, 9, 24), to: Date.UTC(2026, 11, 3, 10, 24), step: MINUTE_MS });
    expect(bucketStarts(w)).toHaveLength(60);
  });

  it.each([
    [6 * 60, 5],
    [24 * 60, 15],
    [7 * 24 * 60, 120],
  ])('picks a nice step for %i minutes: %i min', (minutes, step) => {
    const w = resolveHealthWindow({ from: NOW - minutes * MINUTE_MS, to: NOW }, NOW, 1440);
    expect(w.step).toBe(step * MINUTE_MS);
    expect(bucketStarts(w).length).toBeLessThanOrEqual(121);
    expect(w.from % w.step).toBe(0);
  });

  it('takes a step of whole minutes and refuses others or too many points', () => {
    expect(resolveHealthWindow({ stepNanos: 300_000_000_000n }, NOW, 1440).step).toBe(5 * MINUTE_MS);
    expect(() => resolveHealthWindow({ stepNanos: 30_000_000_000n }, NOW, 1440)).toThrow(ClewError);
    expect(() => resolveHealthWindow({ from: NOW - 2 * 24 * 3_600_000, stepNanos: 60_000_000_000n }, NOW, 1440)).toThrow(/more than 1440/);
  });
});
