import { describe, expect, it } from 'vitest';
import { durationTicks, timeTicks } from './heatmap-axes.js';

describe('heatmap axes', () => {
  it.each([
    ['1, 2, 5 where there is room', 1e6, 1e8, 300, ['1ms', '2ms', '5ms', '10ms', '20ms', '50ms', '100ms']],
    ['1, 3 when 1, 2, 5 crowd', 1e6, 1e8, 120, ['1ms', '3ms', '10ms', '30ms', '100ms']],
    ['powers of ten, thinned, when short', 1e3, 1e9, 60, ['1µs', '1ms', '1s']],
    ['the bottom inside a single row', 1.1e6, 1.3e6, 200, ['1.1ms']],
  ])('%s', (_, min, max, height, labels) => {
    const ticks = durationTicks(min, max, height);
    expect(ticks.map((t) => t.label)).toEqual(labels);
    expect(ticks.every((t, i) => t.at >= 0 && t.at <= 1 && (i === 0 || t.at > ticks[i - 1]!.at))).toBe(true);
  });

  it('puts time ticks on round minutes, about one per 90 px', () => {
    const start = Date.UTC(2026, 0, 1, 10, 0, 20);
    const ticks = timeTicks(start, start + 15 * 60_000, 400);
    expect(ticks.length).toBeLessThanOrEqual(4);
    expect(ticks.every((t) => t.ms % 300_000 === 0)).toBe(true);
  });
});
