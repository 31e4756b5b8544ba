/** The stretch of the trace on screen, in ns from the trace start. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** Where `ns` falls across the window, as a percentage (may be outside 0–100 when off screen). */
export function percentIn(w: TimeWindow, ns: number): number {
  return ((ns - w.start) / Math.max(1, w.end - w.start)) * 100;
}

/** `count` evenly spaced tick times across the window, starting at its start. */
export function windowTicks(w: TimeWindow, count: number): number[] {
  return Array.from({ length: count }, (_, i) => w.start + ((w.end - w.start) * i) / count);
}
