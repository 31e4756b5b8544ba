import { describe, expect, it } from 'vitest';
import { timeRange } from './scatter-data.js';

describe('timeRange', () => {
  it("spans the search's window, whatever the dots' own span", () => {
    expect(timeRange(1_000_000, 4_600_000, 2_000, 2_000)).toEqual([1_000, 4_600]);
  });

  it('takes an open end from the dots, and widens an empty span to an hour around it', () => {
    expect(timeRange(undefined, 4_600_000, 2_000, 3_000)).toEqual([2_000, 4_600]);
    expect(timeRange(1_000_000, undefined, 2_000, 3_000)).toEqual([1_000, 3_000]);
    expect(timeRange(undefined, undefined, 2_000, 2_000)).toEqual([200, 3_800]);
  });
});
