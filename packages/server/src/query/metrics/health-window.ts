import { ClewError } from '../../errors.js';

export const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Steps a chart may take, smallest first: the default is the smallest that keeps a series within TARGET_POINTS. */
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MINUTE_MS);
const TARGET_POINTS = 120;
const DEFAULT_WINDOW_MS = HOUR_MS;

export interface HealthWindow {
  readonly from: number;
  readonly to: number;
  readonly step: number;
}

/**
 * The window a health query reads: `to` (default now) rounded up to a whole minute, `from` (default an hour before
 * `to`) rounded down to one; the step a whole number of minutes (the rollups' grain), by default the smallest nice
 * one giving at most 120 points. Buckets are aligned to the step from the epoch, so `from` is moved down to a step
 * boundary too: every point of a series covers a whole step.
 */
export function resolveHealthWindow(
  q: { readonly from?: number | undefined; readonly to?: number | undefined; readonly stepNanos?: bigint | undefined },
  nowMs: number,
  maxPoints: number,
): HealthWindow {
  const to = Math.ceil((q.to ?? nowMs) / MINUTE_MS) * MINUTE_MS;
  const rawFrom = Math.floor((q.from ?? to - DEFAULT_WINDOW_MS) / MINUTE_MS) * MINUTE_MS;
  const span = Math.max(MINUTE_MS, to - rawFrom);
  let step: number;
  if (q.stepNanos !== undefined) {
    const ms = Number(q.stepNanos / 1_000_000n);
    if (ms < MINUTE_MS || ms % MINUTE_MS !== 0) {
      throw new ClewError('BAD_PARAMETER', `step must be a whole number of minutes (the metrics are kept per minute), got ${ms} ms`, { parameter: 'step' });
    }
    step = ms;
  } else {
    step = NICE_STEPS.find((s) => span / s <= TARGET_POINTS) ?? Math.ceil(span / TARGET_POINTS / HOUR_MS) * HOUR_MS;
  }
  const from = Math.floor(rawFrom / step) * step;
  const points = Math.ceil((to - from) / step);
  if (points > maxPoints) {
    throw new ClewError('BAD_PARAMETER', `${points} points of ${step / MINUTE_MS} min over this window is more than ${maxPoints}; use a larger step or a shorter window`, {
      parameter: 'step',
    });
  }
  return { from, to, step };
}

/** Bucket starts of the window: from, from + step, … before to. */
export function bucketStarts(w: HealthWindow): number[] {
  const out: number[] = [];
  for (let t = w.from; t < w.to; t += w.step) out.push(t);
  return out;
}
