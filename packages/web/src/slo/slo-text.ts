import type { SloDefinition, SloView } from '@clew/api';
import { formatMs, sig3 } from '../format/health.js';

/** What the SLO promises, in a line: "99.9% of server spans of payment under 300ms over 28d". */
export function describeObjective(d: SloDefinition): string {
  const subject = `${d.spanKind} spans of ${d.service}${d.operation ? ` ${d.operation}` : ''}`;
  const what = d.objective.kind === 'latency' ? `under ${formatMs(d.objective.thresholdMs)}` : 'without an error';
  return `${formatTarget(d.target)} of ${subject} ${what}, over ${d.window}`;
}

/** 0.999 → "99.9%". */
export const formatTarget = (t: number): string => `${sig3(Math.round(t * 1e6) / 1e4)}%`;

/** An SLI (good fraction) with enough digits to tell it from its target: "99.95%". */
export function formatSli(sli: number | null): string {
  if (sli === null) return '—';
  const pct = sli * 100;
  return `${pct === 100 ? '100' : pct >= 99 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

/** A burn rate: "0.4×", "14.4×". */
export const formatBurn = (b: number): string => `${b === 0 ? '0' : b < 0.01 ? '<0.01' : sig3(b)}×`;

/** The burn rates of the shortest and longest alert windows, for a list row: "5m 3.2× · 1h 1.1× · 6h 0.4×". */
export function burnSummary(v: SloView): { window: string; burnRate: number }[] {
  return v.burnRates.map((b) => ({ window: b.window, burnRate: b.burnRate }));
}
