/** Epoch milliseconds as local date and time with milliseconds, e.g. "2025-11-24 16:02:11.345" (see zoneName). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** How long ago, coarsely: "just now", "5m ago", "3h ago", "2d ago". */
export function formatAgo(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** Decimal-string epoch nanoseconds as epoch milliseconds (precision past a millisecond is not shown). */
export function nanosStringToMillis(ns: string): number {
  return Number(BigInt(ns) / 1_000_000n);
}

/**
 * The zone a local time is in, as the browser names it ("CET", "PST") or, where it has no short name, as an offset
 * ("UTC+1", "UTC+5:30"), so that a time on screen says which clock it is read on. The browser's zone and
 * language unless given (for tests).
 * @example `${formatTimestamp(ms)} ${zoneName(ms)}` // "2025-11-24 16:02:11.345 UTC+1"
 */
export function zoneName(ms: number, timeZone?: string, locale?: string): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(new Date(ms));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  return name === '' || name === 'GMT' ? 'UTC' : name.replace(/^GMT(?=[+-])/, 'UTC');
}

/** Local date and time with milliseconds and the zone: "2025-11-24 16:02:11.345 UTC+1". */
export const formatTimestampWithZone = (ms: number): string => `${formatTimestamp(ms)} ${zoneName(ms)}`;
