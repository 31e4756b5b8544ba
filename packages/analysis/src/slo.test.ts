import { describe, expect, it } from 'vitest';
import { latencyBinsOf } from './latency-sketch.js';
import { burnRate, DAY, HOUR, MINUTE, SLO_WINDOWS, sloEventCounts, sloStatus } from './slo.js';
import type { MinuteCount, SloObjective } from './slo.js';

const T0 = Date.UTC(2025, 0, 1);
const objective: SloObjective = { kind: 'availability', target: 0.99, window: SLO_WINDOWS['7d'] };

/** `count` minutes from `from`, each with `total` events of which `bad` are bad. */
function minutes(from: number, count: number, total: number, bad: number): MinuteCount[] {
  return Array.from({ length: count }, (_, i) => ({ minute: from + i * MINUTE, good: total - bad, total }));
}

describe('sloStatus', () => {
  const cases: { name: string; series: MinuteCount[]; sli: number | null; remainingFraction: number; exhausted: boolean; remainingEvents: number }[] = [
    { name: 'steady good stream', series: minutes(T0, 600, 100, 0), sli: 1, remainingFraction: 1, exhausted: false, remainingEvents: 600 },
    { name: 'half the budget spent', series: minutes(T0, 600, 100, 0).map((m, i) => (i < 300 ? { ...m, good: 99.5 } : m)), sli: 1 - 150 / 60_000, remainingFraction: 0.75, exhausted: false, remainingEvents: 450 },
    { name: 'budget exhausted', series: [...minutes(T0, 590, 100, 0), ...minutes(T0 + 590 * MINUTE, 10, 100, 60)], sli: 0.99, remainingFraction: 0, exhausted: true, remainingEvents: 0 },
    { name: 'budget overspent', series: [...minutes(T0, 590, 100, 0), ...minutes(T0 + 590 * MINUTE, 10, 100, 90)], sli: 1 - 900 / 60_000, remainingFraction: -0.5, exhausted: true, remainingEvents: -300 },
    { name: 'no traffic: nothing measured, nothing spent', series: [], sli: null, remainingFraction: 1, exhausted: false, remainingEvents: 0 },
  ];
  it.each(cases)('$name', ({ series, sli, remainingFraction, exhausted, remainingEvents }) => {
    const s = sloStatus(objective, series, T0 + 600 * MINUTE);
    if (sli === null) expect(s.sli).toBeNull();
    else expect(s.sli).toBeCloseTo(sli, 12);
    expect(s.budget.remainingFraction).toBeCloseTo(remainingFraction, 9);
    expect(s.budget.remainingEvents).toBeCloseTo(remainingEvents, 6);
    expect(s.budget.exhausted).toBe(exhausted);
    expect(s.budget.allowedFraction).toBeCloseTo(0.01, 12);
  });

  it('counts only minutes inside [now - window, now)', () => {
    const series = [...minutes(T0 - 8 * DAY, 10, 100, 100), ...minutes(T0, 10, 100, 0), ...minutes(T0 + 10 * MINUTE, 1, 100, 100)];
    const s = sloStatus(objective, series, T0 + 10 * MINUTE);
    expect(s.counts).toEqual({ good: 1000, total: 1000, bad: 0, noTraffic: false });
  });
});

describe('burnRate', () => {
  const series = [...minutes(T0, 55, 100, 0), ...minutes(T0 + 55 * MINUTE, 5, 100, 10)];
  const now = T0 + HOUR;
  it.each([
    { window: HOUR, rate: 50 / 6000 / 0.01, noTraffic: false },
    { window: 5 * MINUTE, rate: 10, noTraffic: false },
    { window: 30 * MINUTE, rate: 50 / 3000 / 0.01, noTraffic: false },
  ])('over $window ms', ({ window, rate, noTraffic }) => {
    const b = burnRate(objective, series, now, window);
    expect(b.burnRate).toBeCloseTo(rate, 9);
    expect(b.noTraffic).toBe(noTraffic);
  });
  it('is 0 over a window with no traffic, and says so', () => {
    expect(burnRate(objective, series, now + 2 * HOUR, HOUR)).toEqual({ good: 0, total: 0, bad: 0, noTraffic: true, window: HOUR, burnRate: 0 });
  });
});

describe('sloEventCounts', () => {
  // 100 spans: 70 at 100 ms, 20 at 250 ms, 6 at 500 ms, 4 at 2 s; 5 of them failed.
  const ms = (n: number) => n * 1_000_000;
  const latency = latencyBinsOf([...Array<number>(70).fill(ms(100)), ...Array<number>(20).fill(ms(250)), ...Array<number>(6).fill(ms(500)), ...Array<number>(4).fill(ms(2000))]);
  const bucket = { count: 100, errors: 5, latency };
  const latencyObjective = (thresholdMs: number): SloObjective => ({ kind: 'latency', target: 0.99, window: SLO_WINDOWS['7d'], thresholdMs });
  it.each([
    { threshold: 100, good: 70 },
    { threshold: 250, good: 90 },
    { threshold: 300, good: 90 },
    { threshold: 500, good: 96 },
    { threshold: 10_000, good: 100 },
    { threshold: 50, good: 0 },
  ])('latency: good = spans at or under $threshold ms, failed or not', ({ threshold, good }) => {
    expect(sloEventCounts(latencyObjective(threshold), bucket)).toEqual({ good, total: 100 });
  });
  it('availability: good = spans that did not fail', () => expect(sloEventCounts(objective, bucket)).toEqual({ good: 95, total: 100 }));
});
