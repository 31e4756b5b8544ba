import type { SloDefinition } from '@clew/api';
import { SloDefinitionSchema } from '@clew/api';
import type { MinuteCount } from '@clew/analysis';
import { burnRate, DAY, evaluateBurnRateAlerts, HOUR, latencyBinsOf, MINUTE, sloStatus } from '@clew/analysis';
import { EMPTY_LATENCY_BINS } from '@clew/model';
import { describe, expect, it } from 'vitest';
import type { CountedBucket } from './evaluate.js';
import { BURN_WINDOWS, measureSlo, sloObjective, windowName } from './evaluate.js';
import { sloReadPlan } from './read-plan.js';

const T0 = Date.UTC(2025, 0, 1);

const availability: SloDefinition = SloDefinitionSchema.parse({
  id: 'checkout-availability',
  name: 'Checkout availability',
  service: 'checkout',
  objective: { kind: 'availability' },
  target: 0.99,
  window: '7d',
});

/** Adds minute buckets up into buckets of `step` from the epoch over [from, to), as the metrics store's reads do. */
function storeRead(minutes: readonly CountedBucket[], from: number, to: number, step: number): CountedBucket[] {
  const out = new Map<number, { count: number; errors: number }>();
  for (const m of minutes) {
    if (m.t < from || m.t >= to) continue;
    const t = Math.floor(m.t / step) * step;
    const b = out.get(t) ?? { count: 0, errors: 0 };
    b.count += m.count;
    b.errors += m.errors;
    out.set(t, b);
  }
  return [...out].map(([t, b]) => ({ t, ...b, latency: EMPTY_LATENCY_BINS }));
}

/** What readSlo does with the store's answers, over hand-made minutes. */
function planned(minutes: readonly CountedBucket[], now: number): CountedBucket[] {
  const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  const plan = sloReadPlan(end, sloObjective(availability).window);
  return plan.reads.flatMap((r) => storeRead(minutes, r.from, r.to, r.step).filter((b) => !(r.step === HOUR && b.t === plan.skipHourAt)));
}

describe('sloReadPlan', () => {
  it.each([
    { name: 'mid-hour', end: T0 + 8 * DAY + 37 * MINUTE },
    { name: 'on the hour', end: T0 + 8 * DAY },
    { name: 'a minute past', end: T0 + 8 * DAY + MINUTE },
  ])('covers [end − 7d, end) once, no window start inside a bucket ($name)', ({ end }) => {
    const plan = sloReadPlan(end, 7 * DAY);
    const covered: [number, number][] = [];
    for (const r of plan.reads) {
      for (let t = r.from; t < r.to; t += r.step) if (!(r.step === HOUR && t === plan.skipHourAt)) covered.push([t, Math.min(t + r.step, r.to)]);
    }
    covered.sort((a, b) => a[0] - b[0]);
    expect(covered[0]![0]).toBe(end - 7 * DAY);
    expect(covered.at(-1)![1]).toBe(end);
    for (let i = 1; i < covered.length; i++) expect(covered[i]![0]).toBe(covered[i - 1]![1]);
    const starts = new Set(covered.map((c) => c[0]));
    for (const w of [...BURN_WINDOWS, 7 * DAY]) expect(starts.has(end - w)).toBe(true);
    expect(plan.reads.length).toBeLessThanOrEqual(4);
    expect(Math.max(...plan.reads.map((r) => (r.to - r.from) / r.step))).toBeLessThanOrEqual(7 * 60);
  });
});

describe('measureSlo', () => {
  /*
   * Eight days of 100 spans a minute, 1 failing in every 200 (a 0.5× burn), then at B twelve minutes where all
   * 100 fail, then good again until now (B + 20 m, mid-hour).
   *   minute   …  B-1 | B … B+11 | B+12 … B+20
   *   bad/min    0.5  |   100    |     0
   */
  const B = T0 + 8 * DAY + 23 * MINUTE;
  const minutes: CountedBucket[] = [];
  for (let t = T0; t < B + 21 * MINUTE; t += MINUTE) {
    const burst = t >= B && t < B + 12 * MINUTE;
    minutes.push({ t, count: 100, errors: burst ? 100 : (t / MINUTE) % 2 === 0 ? 1 : 0, latency: EMPTY_LATENCY_BINS });
  }
  const now = B + 20 * MINUTE + 17_000;
  const end = B + 21 * MINUTE;
  const everyMinute: MinuteCount[] = minutes.map((m) => ({ minute: m.t, good: m.count - m.errors, total: m.count }));
  const objective = sloObjective(availability);

  it('gives from a few hourly and minute reads what the full minute series gives', () => {
    const reading = measureSlo(availability, planned(minutes, now), now);
    expect(reading.end).toBe(end);
    const expected = sloStatus(objective, everyMinute, end);
    expect(reading.status.counts).toEqual(expected.counts);
    expect(reading.status.budget.remainingFraction).toBeCloseTo(expected.budget.remainingFraction, 12);
    for (const b of reading.burns) expect(b).toEqual(burnRate(objective, everyMinute, end, b.window));
    expect(reading.alerts.rules.map((r) => r.firing)).toEqual(evaluateBurnRateAlerts(objective, everyMinute, end).rules.map((r) => r.firing));
  });

  it('pages on the 1 h and 5 m windows during a fast burn, not on 6 h', () => {
    // 5 m: B+16..B+20 are good, so it is the minutes up to B+11 that count. Measured inside the burst instead:
    const during = B + 11 * MINUTE + 5_000;
    const reading = measureSlo(availability, planned(minutes, during), during);
    const byName = Object.fromEntries(reading.alerts.rules.map((r) => [r.rule.name, r.firing]));
    expect(byName).toEqual({ 'page-1h-5m': true, 'page-6h-30m': false, 'ticket-3d-6h': false });
    expect(reading.burns.find((b) => b.window === 5 * MINUTE)!.burnRate).toBeCloseTo(100, 9);
    expect(reading.alerts.state).toBe('page');
  });

  it('has no SLI and the whole budget without traffic', () => {
    const reading = measureSlo(availability, [], now);
    expect(reading.status.sli).toBeNull();
    expect(reading.status.budget.remainingFraction).toBe(1);
    expect(reading.burns.every((b) => b.burnRate === 0)).toBe(true);
  });

  it('counts a latency SLO\'s good spans from the latency bins', () => {
    const latency: SloDefinition = { ...availability, objective: { kind: 'latency', thresholdMs: 500 } };
    const ms = (n: number) => n * 1_000_000;
    // One minute: 97 spans under 500 ms (two of them failed), 3 over.
    const bucket = { t: T0, count: 100, errors: 2, latency: latencyBinsOf([...Array<number>(97).fill(ms(120)), ...Array<number>(3).fill(ms(900))]) };
    const reading = measureSlo(latency, [bucket], T0 + 30_000);
    expect(reading.status.counts).toEqual({ good: 97, total: 100, bad: 3, noTraffic: false });
  });
});

describe('windowName', () => {
  it.each([
    [5 * MINUTE, '5m'],
    [HOUR, '1h'],
    [6 * HOUR, '6h'],
    [3 * DAY, '3d'],
    [90 * MINUTE, '90m'],
  ])('%i ms is %s', (w, name) => expect(windowName(w)).toBe(name));
});
