import { formatNanos } from '../format/duration.js';

const TICK_STEPS_MS = [1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400].map((s) => s * 1000);

/** Time ticks (epoch ms) on round local times, about one per `minGapPx`, with their labels. */
export function timeTicks(startMs: number, endMs: number, widthPx: number, minGapPx = 90): { ms: number; label: string }[] {
  const span = endMs - startMs;
  if (span <= 0 || widthPx <= 0) return [];
  const most = Math.max(1, Math.floor(widthPx / minGapPx));
  const step = TICK_STEPS_MS.find((s) => span / s <= most) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  // Round in local time, so ticks land on :00 and :30 of the user's clock even in a half-hour zone.
  const offset = new Date(startMs).getTimezoneOffset() * 60_000;
  const first = Math.ceil((startMs - offset) / step) * step + offset;
  const ticks = [];
  for (let ms = first; ms <= endMs; ms += step) ticks.push({ ms, label: timeLabel(ms, step) });
  return ticks;
}

/** A time tick's label for ticks `step` ms apart: the date for days, seconds only below a minute. */
export function timeLabel(ms: number, step: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  if (step >= 86_400_000) return `${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return step < 60_000 ? `${hm}:${p(d.getSeconds())}` : hm;
}

/**
 * Duration ticks on round values (1, 2, 5 × 10^k ns) between `minNanos` and `maxNanos`, each with its height
 * (0 at the bottom, 1 at the top) on the log scale, keeping about `minGapPx` between labels.
 * @example durationTicks(1e6, 1e9, 200) // 1ms, 10ms, 100ms… (1, 2, 5 steps too where there is room)
 */
export function durationTicks(minNanos: number, maxNanos: number, heightPx: number, minGapPx = 22): { at: number; label: string }[] {
  if (!(minNanos > 0) || !(maxNanos > minNanos) || heightPx <= 0) return [];
  const lo = Math.log(minNanos);
  const span = Math.log(maxNanos) - lo;
  const roundValues = (steps: readonly number[]) => {
    const ticks = [];
    for (let p = 10 ** Math.floor(Math.log10(minNanos)); p <= maxNanos; p *= 10) {
      for (const m of steps) {
        const v = m * p;
        if (v >= minNanos && v <= maxNanos) ticks.push({ at: (Math.log(v) - lo) / span, label: formatNanos(v) });
      }
    }
    return ticks;
  };
  for (const steps of [[1, 2, 5], [1, 3]]) {
    const ticks = roundValues(steps);
    if (ticks.length > 0 && ticks.every((t, i) => i === 0 || (t.at - ticks[i - 1]!.at) * heightPx >= minGapPx)) return ticks;
  }
  // Powers of ten, as many as fit; inside a single row there may be none, and the bottom is labelled instead.
  const kept = thin(roundValues([1]), heightPx, minGapPx);
  return kept.length > 0 ? kept : [{ at: 0, label: formatNanos(minNanos) }];
}

/** Every tick far enough above the last kept one. */
function thin<T extends { at: number }>(ticks: T[], heightPx: number, minGapPx: number): T[] {
  const kept: T[] = [];
  for (const t of ticks) if (kept.length === 0 || (t.at - kept[kept.length - 1]!.at) * heightPx >= minGapPx) kept.push(t);
  return kept;
}
