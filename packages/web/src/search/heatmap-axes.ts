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

function timeLabel(ms: number, step: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  if (step >= 86_400_000) return `${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return step < 60_000 ? `${hm}:${p(d.getSeconds())}` : hm;
}

/** Which duration rows get a label (their lower bound), about one per `minGapPx` of height, counted from the bottom. */
export function durationTicks(rows: readonly { minNanos: number }[], rowPx: number, minGapPx = 22): { row: number; label: string }[] {
  const every = Math.max(1, Math.ceil(minGapPx / Math.max(rowPx, 1e-9)));
  const ticks = [];
  for (let r = 0; r < rows.length; r += every) ticks.push({ row: r, label: formatNanos(rows[r]!.minNanos) });
  return ticks;
}
