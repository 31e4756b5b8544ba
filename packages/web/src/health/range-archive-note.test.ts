import { describe, expect, it } from 'vitest';
import { dayRuns } from './range-archive-note.js';

describe('dayRuns', () => {
  it('joins consecutive days, across a month and a year, and starts a run after a gap', () => {
    const days = ['2025-12-30', '2025-12-31', '2026-01-01', '2026-02-28', '2026-03-01', '2026-03-03'].map((day, i) => ({ day, spans: i + 1 }));
    expect(dayRuns(days)).toEqual([
      ['2025-12-30', '2026-01-01', 3, 6],
      ['2026-02-28', '2026-03-01', 2, 9],
      ['2026-03-03', '2026-03-03', 1, 6],
    ]);
    expect(dayRuns([])).toEqual([]);
  });
});
