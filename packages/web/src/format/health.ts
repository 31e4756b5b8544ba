import { formatNanos } from './duration.js';

/** Three significant digits, trailing fraction zeros dropped: 12.3, 0.0456, 1230. */
export function sig3(v: number): string {
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en');
  const t = v.toPrecision(3);
  return t.includes('e') ? String(Math.round(v)) : t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}

/** Requests per second, or per minute below one every ten seconds: "12.3/s", "2/min". */
export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return '—';
  if (perSecond === 0) return '0/s';
  if (perSecond < 0.1) return `${sig3(perSecond * 60)}/min`;
  return `${sig3(perSecond)}/s`;
}

/** A fraction as a percentage: "0%", "<0.01%", "2.5%", "100%"; "—" when nothing was measured. */
export function formatFraction(f: number | null): string {
  if (f === null) return '—';
  if (f === 0) return '0%';
  if (Math.abs(f) < 0.0001) return f < 0 ? '>-0.01%' : '<0.01%';
  return `${sig3(f * 100)}%`;
}

/** Milliseconds (fractions allowed) as a short duration: "850µs", "4.56ms", "1.23s"; "—" when null. */
export function formatMs(ms: number | null): string {
  return ms === null ? '—' : ms === 0 ? '0' : formatNanos(ms * 1e6);
}

/** Which way a rise goes for a figure: latency and errors get worse, traffic is neither. */
export type Polarity = 'higher-is-worse' | 'neutral';

export interface Change {
  /** "↑ 12%", "↓ 3.4%", "↑ new" */
  text: string;
  tone: 'worse' | 'better' | 'neutral';
  /** For the tooltip: the previous value as the figure's own format gives it. */
  relative: number | null;
}

/**
 * How `current` moved from `previous`, or undefined when there is nothing to compare (either side unmeasured, or
 * both zero). Moves under 1% are shown as steady ("→ 0%").
 */
export function describeChange(current: number | null, previous: number | null | undefined, polarity: Polarity): Change | undefined {
  if (current === null || previous === null || previous === undefined) return undefined;
  if (previous === 0) {
    if (current === 0) return undefined;
    return { text: '↑ new', tone: polarity === 'neutral' ? 'neutral' : 'worse', relative: null };
  }
  const relative = (current - previous) / previous;
  if (Math.abs(relative) < 0.01) return { text: '→ 0%', tone: 'neutral', relative };
  // Ten times and more reads better as a ratio: "↑ 30×" rather than "↑ 2,900%".
  const moved = Math.abs(relative) * 100;
  const pct = relative >= 9 ? `${sig3(current / previous)}×` : `${moved >= 10 ? Math.round(moved) : moved.toFixed(1).replace(/\.0$/, '')}%`;
  const tone = polarity === 'neutral' ? 'neutral' : relative > 0 ? 'worse' : 'better';
  return { text: `${relative > 0 ? '↑' : '↓'} ${pct}`, tone, relative };
}

/** A step length as people say it: "30 s", "1 min", "15 min", "2 h". */
export function formatStep(ms: number): string {
  if (ms < 60e3) return `${sig3(ms / 1e3)} s`;
  if (ms < 3600e3) return `${sig3(ms / 60e3)} min`;
  return `${sig3(ms / 3600e3)} h`;
}
