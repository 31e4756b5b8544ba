import { describe, expect, it } from 'vitest';
import { alertTransitions, evaluateBurnRateAlerts, WORKBOOK_BURN_RATE_RULES } from './burn-rate-alerts.js';
import type { BurnRateRule } from './burn-rate-alerts.js';
import { DAY, HOUR, MINUTE, SLO_WINDOWS } from './slo.js';
import type { MinuteCount, SloObjective } from './slo.js';

const T0 = Date.UTC(2025, 0, 1);
const objective: SloObjective = { kind: 'availability', target: 0.99, window: SLO_WINDOWS['30d'] };

/** `count` minutes from `from`, each with `total` events of which `bad` are bad. */
function minutes(from: number, count: number, total: number, bad: number): MinuteCount[] {
  return Array.from({ length: count }, (_, i) => ({ minute: from + i * MINUTE, good: total - bad, total }));
}

/*
 * Three days of 100 good requests a minute, then B: ten minutes where every request fails, then good again.
 *   minute   … B-1 | B … B+9 | B+10 …
 *   bad/min    0   |   100   |   0
 * 1 h window: 100·k/6000 > 14.4 % from k = 9 burst minutes (B+9); 5 m window: any burst minute is ≥ 20 %,
 * so it cools at B+15, when its last burst minute (B+9) leaves. The 6 h window peaks at 1000/36000 = 2.8×: no slow page.
 */
const B = T0 + 3 * DAY;
const fastBurn = [...minutes(T0, 3 * 1440, 100, 0), ...minutes(B, 10, 100, 100), ...minutes(B + 10 * MINUTE, 30, 100, 0)];

/*
 * Three days good (1000/min), then S: 1.5 % failing for three days, a 1.5× burn. The 3 d window's rate passes 1 %
 * after 48 h of it (1.5 % × 48/72); the 6 h window is at 1.5× from the start, far under the pages' 6× and 14.4×.
 */
const S = T0 + 3 * DAY;
const slowBurn = [...minutes(T0, 3 * 1440, 1000, 0), ...minutes(S, 3 * 1440, 1000, 15)];

const fast = WORKBOOK_BURN_RATE_RULES[0];
const ticket = WORKBOOK_BURN_RATE_RULES[2];

describe('alertTransitions', () => {
  const cases: { name: string; series: MinuteCount[]; range: { from: number; to: number; step: number }; expected: { status: string; rule: BurnRateRule; at: number; startsAt: number }[] }[] = [
    { name: 'steady good stream: nothing fires', series: minutes(T0, 3 * 1440, 100, 0), range: { from: T0 + 2 * DAY, to: T0 + 3 * DAY, step: 10 * MINUTE }, expected: [] },
    {
      name: 'fast burn pages on 1 h and 5 m, resolves when the 5 m window cools',
      series: fastBurn,
      range: { from: B, to: B + 40 * MINUTE, step: MINUTE },
      expected: [
        { status: 'firing', rule: fast, at: B + 9 * MINUTE, startsAt: B + 9 * MINUTE },
        { status: 'resolved', rule: fast, at: B + 15 * MINUTE, startsAt: B + 9 * MINUTE },
      ],
    },
    {
      name: 'fast burn then no traffic: an empty 5 m window burns nothing, so the page resolves',
      series: fastBurn.filter((m) => m.minute < B + 10 * MINUTE),
      range: { from: B, to: B + 40 * MINUTE, step: MINUTE },
      expected: [
        { status: 'firing', rule: fast, at: B + 9 * MINUTE, startsAt: B + 9 * MINUTE },
        { status: 'resolved', rule: fast, at: B + 15 * MINUTE, startsAt: B + 9 * MINUTE },
      ],
    },
    {
      name: 'slow burn only tickets, once the 3 d window passes 1×',
      series: slowBurn,
      range: { from: S + 30 * MINUTE, to: S + 3 * DAY, step: HOUR },
      expected: [{ status: 'firing', rule: ticket, at: S + 48.5 * HOUR, startsAt: S + 48.5 * HOUR }],
    },
    { name: 'no traffic at all: nothing fires', series: [], range: { from: T0, to: T0 + DAY, step: HOUR }, expected: [] },
  ];

  it.each(cases)('$name', ({ series, range, expected }) => {
    const got = alertTransitions(objective, series, range).map((t) => ({ status: t.status, rule: t.rule, at: t.at, startsAt: t.startsAt }));
    expect(got).toEqual(expected);
  });

  it('refuses a step that would never end', () => {
    expect(() => alertTransitions(objective, [], { from: 0, to: 1, step: 0 })).toThrow(/step must be positive/);
  });
});

describe('evaluateBurnRateAlerts', () => {
  it.each([
    { name: 'during the fast burn', series: fastBurn, now: B + 10 * MINUTE, state: 'page', firing: ['page-1h-5m'] },
    { name: 'fast burn cooled', series: fastBurn, now: B + 15 * MINUTE, state: 'ok', firing: [] },
    { name: 'slow burn', series: slowBurn, now: S + 60 * HOUR, state: 'ticket', firing: ['ticket-3d-6h'] },
    { name: 'no traffic', series: [], now: T0, state: 'ok', firing: [] },
  ])('$name: $state', ({ series, now, state, firing }) => {
    const e = evaluateBurnRateAlerts(objective, series, now);
    expect(e.state).toBe(state);
    expect(e.rules.filter((r) => r.firing).map((r) => r.rule.name)).toEqual(firing);
  });

  it('reports no-traffic windows as such, at zero burn', () => {
    const e = evaluateBurnRateAlerts(objective, [], T0);
    for (const r of e.rules) {
      expect(r.long).toMatchObject({ noTraffic: true, burnRate: 0 });
      expect(r.short).toMatchObject({ noTraffic: true, burnRate: 0 });
    }
  });

  it('takes its rules as data', () => {
    const strict: BurnRateRule[] = [{ name: 'any-burn', severity: 'ticket', factor: 0.5, longWindow: HOUR, shortWindow: 5 * MINUTE }];
    const series = minutes(T0, 60, 100, 1);
    expect(evaluateBurnRateAlerts(objective, series, T0 + HOUR, strict).state).toBe('ticket');
    expect(evaluateBurnRateAlerts(objective, series, T0 + HOUR).state).toBe('ok');
  });
});
