import { burnRate, HOUR, MINUTE, DAY } from './slo.js';
import type { Millis, MinuteCount, SloObjective, WindowBurn } from './slo.js';

/** One row of the workbook's table: fires when the burn rate exceeds `factor` over both windows. */
export interface BurnRateRule {
  name: string;
  severity: 'page' | 'ticket';
  factor: number;
  longWindow: Millis;
  shortWindow: Millis;
}

/**
 * Google SRE workbook, "Alerting on SLOs", multiwindow multi-burn-rate alerts (factors chosen for a 30-day
 * budget: 2 % of it in 1 h, 5 % in 6 h, 10 % in 3 d). The short window, 1/12 of the long, lets an alert
 * resolve soon after the burn stops.
 */
export const WORKBOOK_BURN_RATE_RULES: readonly BurnRateRule[] = [
  { name: 'page-1h-5m', severity: 'page', factor: 14.4, longWindow: HOUR, shortWindow: 5 * MINUTE },
  { name: 'page-6h-30m', severity: 'page', factor: 6, longWindow: 6 * HOUR, shortWindow: 30 * MINUTE },
  { name: 'ticket-3d-6h', severity: 'ticket', factor: 1, longWindow: 3 * DAY, shortWindow: 6 * HOUR },
];

export interface RuleEvaluation {
  rule: BurnRateRule;
  long: WindowBurn;
  short: WindowBurn;
  /** Both windows burn faster than the factor. A window with no traffic burns at 0, so it never fires. */
  firing: boolean;
}

export interface AlertEvaluation {
  /** The most severe firing rule's severity, or 'ok'. */
  state: 'ok' | 'ticket' | 'page';
  rules: RuleEvaluation[];
}

/** Evaluates every rule at `now`. */
export function evaluateBurnRateAlerts(
  objective: SloObjective,
  series: readonly MinuteCount[],
  now: Millis,
  rules: readonly BurnRateRule[] = WORKBOOK_BURN_RATE_RULES,
): AlertEvaluation {
  const evaluated = rules.map((rule) => {
    const long = burnRate(objective, series, now, rule.longWindow);
    const short = burnRate(objective, series, now, rule.shortWindow);
    return { rule, long, short, firing: long.burnRate > rule.factor && short.burnRate > rule.factor };
  });
  const firing = evaluated.filter((r) => r.firing);
  const state = firing.some((r) => r.rule.severity === 'page') ? 'page' : firing.length > 0 ? 'ticket' : 'ok';
  return { state, rules: evaluated };
}

/** A rule starting or stopping to fire. Each rule is its own alert, as each row of the workbook's table is. */
export interface AlertTransition {
  status: 'firing' | 'resolved';
  rule: BurnRateRule;
  at: Millis;
  /** When the rule began firing; for 'resolved', `at` is when it ended. */
  startsAt: Millis;
  /** The evaluation that caused the transition. */
  evaluation: RuleEvaluation;
}

/** Which rules are firing, and since when; the state carried from one evaluation to the next. */
export type FiringSince = ReadonlyMap<string, Millis>;

/**
 * Folds one evaluation into the firing state, returning the transitions it causes.
 * @example
 * let firing: FiringSince = new Map();
 * for (const now of ticks) ({ firing, transitions } = nextAlertState(firing, evaluateBurnRateAlerts(o, s, now), now));
 */
export function nextAlertState(
  previous: FiringSince,
  evaluation: AlertEvaluation,
  now: Millis,
): { firing: FiringSince; transitions: AlertTransition[] } {
  const firing = new Map(previous);
  const transitions: AlertTransition[] = [];
  for (const r of evaluation.rules) {
    const since = previous.get(r.rule.name);
    if (r.firing && since === undefined) {
      firing.set(r.rule.name, now);
      transitions.push({ status: 'firing', rule: r.rule, at: now, startsAt: now, evaluation: r });
    } else if (!r.firing && since !== undefined) {
      firing.delete(r.rule.name);
      transitions.push({ status: 'resolved', rule: r.rule, at: now, startsAt: since, evaluation: r });
    }
  }
  return { firing, transitions };
}

/** Evaluates at `from`, `from + step`, … up to and including `to`, and lists the transitions in order. */
export function alertTransitions(
  objective: SloObjective,
  series: readonly MinuteCount[],
  range: { from: Millis; to: Millis; step: Millis },
  rules: readonly BurnRateRule[] = WORKBOOK_BURN_RATE_RULES,
): AlertTransition[] {
  if (!(range.step > 0)) throw new Error(`alertTransitions: step must be positive, got ${range.step}`);
  let firing: FiringSince = new Map();
  const all: AlertTransition[] = [];
  for (let now = range.from; now <= range.to; now += range.step) {
    const next = nextAlertState(firing, evaluateBurnRateAlerts(objective, series, now, rules), now);
    firing = next.firing;
    all.push(...next.transitions);
  }
  return all;
}
