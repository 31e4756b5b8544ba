/** Where a bar's duration label goes: inside the bar (it is long enough), after it, or before it. */
export type LabelPlace = 'inside' | 'after' | 'before';

/** Roughly how wide a duration label is at the waterfall's 11px font, padding included. */
export const labelWidthPx = (text: string): number => 6.5 * text.length + 8;

/**
 * Puts a duration label where it can be read: inside a bar long enough to hold it, else after the bar if there is
 * room before the timeline's right edge, else before it, else after anyway (clipped). Percentages are of the visible
 * window and may run past 0–100 when zoomed; `timelinePx` is 0 before layout, when the label simply goes after.
 * @example durationLabelPlace(0, 100, 800, 40) // 'inside': the root's bar fills the timeline
 */
export function durationLabelPlace(leftPct: number, widthPct: number, timelinePx: number, labelPx: number): LabelPlace {
  const from = Math.max(0, leftPct);
  const to = Math.min(100, leftPct + widthPct);
  const px = (pct: number) => (pct / 100) * timelinePx;
  if (timelinePx <= 0) return 'after';
  if (px(to - from) >= labelPx + 4) return 'inside';
  if (px(100 - to) >= labelPx) return 'after';
  if (px(from) >= labelPx) return 'before';
  return 'after';
}
