import type { HeatmapResponse } from '@clew/api';
import { formatDuration, parseDuration } from '@clew/api';
import type { Selection } from './selection-state.js';

/** A rectangle of heatmap cells, inclusive: time buckets t0..t1, duration rows r0..r1 (indices of durationBuckets). */
export interface CellRange {
  t0: number;
  t1: number;
  r0: number;
  r1: number;
}

/** The window and step of a heatmap as numbers (ns): exact enough to draw and to turn into epoch milliseconds. */
export function heatmapFrame(map: HeatmapResponse): { startNs: number; stepNs: number } {
  return { startNs: Number(map.startTimeUnixNano), stepNs: Number(map.stepNanos) };
}

/**
 * The selection a brushed rectangle of cells stands for. A side that reaches the edge of the map is left open (a
 * brush across the whole width is a duration band only, one from the top row has no maximum), so the link still
 * means "the slow ones" when a relative window moves on. Undefined when the brush covers the whole map.
 * @example brushSelection(map, { t0: 0, t1: map.timeBuckets - 1, r0: 12, r1: map.durationBuckets.length - 1 })
 *   // { kind: 'band', minDuration: '90500us' }: every span at least as slow as row 12
 */
export function brushSelection(map: HeatmapResponse, r: CellRange): Selection | undefined {
  const { startNs, stepNs } = heatmapFrame(map);
  const rows = map.durationBuckets;
  const allTime = r.t0 <= 0 && r.t1 >= map.timeBuckets - 1;
  const allRows = r.r0 <= 0 && r.r1 >= rows.length - 1;
  if (allTime && allRows) return undefined;
  const band: Extract<Selection, { kind: 'band' }> = { kind: 'band' };
  if (!allTime) {
    band.start = Math.floor((startNs + r.t0 * stepNs) / 1e6);
    band.end = Math.ceil((startNs + (r.t1 + 1) * stepNs) / 1e6) - 1;
  }
  if (!allRows) {
    if (r.r0 > 0) band.minDuration = formatDuration(BigInt(roundNanos(rows[r.r0]!.minNanos, 'down')));
    if (r.r1 < rows.length - 1) band.maxDuration = formatDuration(BigInt(roundNanos(rows[r.r1]!.maxNanos, 'up')));
  }
  return band;
}

/** The cells a band selection covers on this map, to draw it; undefined for the errors or a band off the map. */
export function selectionCells(map: HeatmapResponse, s: Selection | undefined): CellRange | undefined {
  if (s?.kind !== 'band' || map.durationBuckets.length === 0) return undefined;
  const { startNs, stepNs } = heatmapFrame(map);
  const rows = map.durationBuckets;
  const last = map.timeBuckets - 1;
  const tAt = (ms: number) => Math.floor((ms * 1e6 - startNs) / stepNs);
  const t0 = s.start === undefined ? 0 : Math.max(0, tAt(s.start));
  const t1 = s.end === undefined ? last : Math.min(last, tAt(s.end));
  const min = s.minDuration === undefined ? null : parseDuration(s.minDuration);
  const max = s.maxDuration === undefined ? null : parseDuration(s.maxDuration);
  // A row belongs when most of it lies inside the band (the band's bounds were rounded from the rows').
  const inside = (b: (typeof rows)[number]) => (min === null || (b.minNanos + b.maxNanos) / 2 >= Number(min)) && (max === null || (b.minNanos + b.maxNanos) / 2 <= Number(max));
  const r0 = rows.findIndex(inside);
  let r1 = rows.length - 1;
  while (r1 >= 0 && !inside(rows[r1]!)) r1--;
  if (t0 > t1 || r0 < 0) return undefined;
  return { t0, t1, r0, r1 };
}

/** Rounds a bucket bound to three significant digits, outward, so that the URL reads "90500us", not "90509667ns". */
export function roundNanos(ns: number, direction: 'down' | 'up'): number {
  if (ns < 1000) return direction === 'down' ? Math.floor(ns) : Math.ceil(ns);
  const unit = 10 ** (Math.floor(Math.log10(ns)) - 2);
  return (direction === 'down' ? Math.floor(ns / unit) : Math.ceil(ns / unit)) * unit;
}

/** A cell range from two corner cells in any order. */
export function spanCells(a: { t: number; r: number }, b: { t: number; r: number }): CellRange {
  return { t0: Math.min(a.t, b.t), t1: Math.max(a.t, b.t), r0: Math.min(a.r, b.r), r1: Math.max(a.r, b.r) };
}
