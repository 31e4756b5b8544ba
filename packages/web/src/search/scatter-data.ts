import type { SearchPoint } from '@clew/api';
import { nanosStringToMillis } from '../format/time.js';

/** What the scatter needs of a trace: a search point, or a result row (which has the same fields). */
export type ScatterPoint = Pick<SearchPoint, 'traceId' | 'startTimeUnixNano' | 'durationNanos' | 'errorCount'>;

/**
 * Search points as uPlot columns: x in seconds (uPlot's time unit), sorted as uPlot needs, with one y column for
 * traces without errors and one for traces with errors (null where a point belongs to the other), in milliseconds.
 */
export function scatterColumns(points: readonly ScatterPoint[]): { ids: string[]; data: [number[], (number | null)[], (number | null)[]] } {
  const sorted = [...points].sort((a, b) => nanosStringToMillis(a.startTimeUnixNano) - nanosStringToMillis(b.startTimeUnixNano));
  const ids = sorted.map((r) => r.traceId);
  const x = sorted.map((r) => nanosStringToMillis(r.startTimeUnixNano) / 1000);
  const ms = sorted.map((r) => Number(r.durationNanos) / 1e6);
  const ok = sorted.map((r, i) => (r.errorCount === 0 ? ms[i]! : null));
  const err = sorted.map((r, i) => (r.errorCount > 0 ? ms[i]! : null));
  return { ids, data: [x, ok, err] };
}

/**
 * The time axis in seconds: the search's window, else the dots' own span; never empty (one dot alone left the axis
 * a few seconds wide, labelled in months).
 */
export function timeRange(fromMs: number | undefined, toMs: number | undefined, min: number | null, max: number | null): [number, number] {
  const lo = fromMs !== undefined ? fromMs / 1000 : (min ?? Date.now() / 1000 - 3600);
  const hi = toMs !== undefined ? toMs / 1000 : (max ?? Date.now() / 1000);
  return hi > lo ? [lo, hi] : [lo - 1800, hi + 1800];
}
