import { describe, expect, it } from 'vitest';
import { planSegments } from './tier-plan.js';

const tiers = [
  { period: 15, lo: 0, hi: 240 },
  { period: 60, lo: 0, hi: 180 },
];

describe('planSegments', () => {
  it('reads hours in the middle, quarters next to them and minutes at the ends', () => {
    expect(planSegments(7, 200, undefined, tiers)).toEqual([
      { period: 1, lo: 7, hi: 15 },
      { period: 15, lo: 15, hi: 60 },
      { period: 60, lo: 60, hi: 180 },
      { period: 15, lo: 180, hi: 195 },
      { period: 1, lo: 195, hi: 200 },
    ]);
  });

  it('uses only the tiers whose period divides the step', () => {
    expect(planSegments(0, 240, 30, tiers).map((s) => s.period)).toEqual([15]);
    expect(planSegments(0, 240, 120, tiers).map((s) => s.period)).toEqual([60, 15]);
    expect(planSegments(0, 240, 7, tiers)).toEqual([{ period: 1, lo: 0, hi: 240 }]);
  });

  it('keeps within what each tier holds (rolled up, not dropped)', () => {
    expect(planSegments(0, 300, undefined, [{ period: 60, lo: 61, hi: 180 }])).toEqual([
      { period: 1, lo: 0, hi: 120 },
      { period: 60, lo: 120, hi: 180 },
      { period: 1, lo: 180, hi: 300 },
    ]);
    expect(planSegments(10, 50, undefined, tiers)).toEqual([
      { period: 1, lo: 10, hi: 15 },
      { period: 15, lo: 15, hi: 45 },
      { period: 1, lo: 45, hi: 50 },
    ]);
  });
});
