import { DAY, HOUR, MINUTE } from '@clew/analysis';
import type { Millis } from '@clew/analysis';

/** The longest window an alert rule looks at (the slow ticket's 3 d) and the longest read by minute (its 6 h short window). */
export const LONGEST_RULE_WINDOW: Millis = 3 * DAY;
export const MINUTE_DETAIL: Millis = 6 * HOUR;

export interface StepRead {
  readonly from: Millis;
  readonly to: Millis;
  readonly step: Millis;
}

/**
 * The few store reads that give every window an SLO needs ([end − w, end) for its compliance window, 3 d, 6 h, 1 h,
 * 30 m and 5 m) exactly, as one series of non-overlapping buckets no window start falls inside: minutes over the last
 * 6 to 7 hours, hours back to the compliance window's start, and minutes for the first, partial hour of the
 * compliance window and of the 3 d window (that hour's hourly bucket is left out, `skipHourAt`).
 * A 30-day SLO costs four reads of at most 720 buckets each, whatever the traffic.
 */
export interface ReadPlan {
  readonly reads: readonly StepRead[];
  /** An hourly bucket (by its start) the minute reads replace; null when none. */
  readonly skipHourAt: Millis | null;
}

const floorTo = (t: Millis, unit: Millis) => Math.floor(t / unit) * unit;
const ceilTo = (t: Millis, unit: Millis) => Math.ceil(t / unit) * unit;

/** The reads for windows ending at `end` (a minute boundary) of which the longest is `window` (at least 3 d, whole minutes). */
export function sloReadPlan(end: Millis, window: Millis): ReadPlan {
  if (end % MINUTE !== 0) throw new Error(`sloReadPlan: end must be a minute boundary, got ${end}`);
  if (window < LONGEST_RULE_WINDOW) throw new Error(`sloReadPlan: the compliance window (${window} ms) must be at least 3 d`);
  const recent = floorTo(end - MINUTE_DETAIL, HOUR);
  const start = end - window;
  const hoursFrom = ceilTo(start, HOUR);
  const reads: StepRead[] = [{ from: recent, to: end, step: MINUTE }];
  if (hoursFrom < recent) reads.push({ from: hoursFrom, to: recent, step: HOUR });
  if (start < hoursFrom) reads.push({ from: start, to: hoursFrom, step: MINUTE });
  const ruleStart = end - LONGEST_RULE_WINDOW;
  let skipHourAt: Millis | null = null;
  if (ruleStart % HOUR !== 0 && ruleStart > start) {
    skipHourAt = floorTo(ruleStart, HOUR);
    reads.push({ from: skipHourAt, to: skipHourAt + HOUR, step: MINUTE });
  }
  return { reads, skipHourAt };
}
