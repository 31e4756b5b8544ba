import type { UnixNanos } from '@clew/model';

const UNITS: Record<string, bigint> = { s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n, d: 86_400_000_000_000n, w: 604_800_000_000_000n };

/**
 * A time as --from and --to take it, in Unix nanoseconds: `now`; relative to now (`-24h`, `-30m`, `-7d`, `-90s`);
 * an RFC 3339 time with up to nine fraction digits (`2026-12-01T08:00:00.123456789Z`, `…+02:00`); or a date alone,
 * its midnight UTC (`2026-12-01`).
 * @example parseTime('-24h', now) // now − 24 hours
 */
export function parseTime(text: string, now: UnixNanos): UnixNanos {
  if (text === 'now') return now;
  const rel = /^-(\d+)([smhdw])$/.exec(text);
  if (rel) {
    const t = now - BigInt(rel[1]!) * UNITS[rel[2]!]!;
    if (t < 0n) throw new RangeError(`"${text}" is before 1970: spans start later than that`);
    return t as UnixNanos;
  }
  const date = /^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00Z` : text;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(date);
  const ms = m && realClock(m[1]!) ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || !Number.isFinite(ms)) {
    throw new RangeError(`"${text}" is not a time: give RFC 3339 (2026-12-01T08:00:00Z), a date (2026-12-01), now, or a time before now (-24h, -30m, -7d)`);
  }
  return (BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))) as UnixNanos;
}

/** Whether `YYYY-MM-DDTHH:MM:SS` names a real day and time: Date.parse takes 2026-02-30 for 2026-03-02. */
function realClock(text: string): boolean {
  const [y, mo, d, h, mi, sec] = text.split(/[-T:]/).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === sec;
}
