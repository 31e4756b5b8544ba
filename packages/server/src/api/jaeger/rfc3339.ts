import type { UnixNanos } from '@clew/model';
import { GoParseError, goQuote } from './go-strconv.js';

const LAYOUT = '"2006-01-02T15:04:05.999999999Z07:00"';
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses a time as Go's time.Parse(time.RFC3339Nano, s) does (api_v3's times): date, `T`, time, optional fraction of
 * any length (digits past nanoseconds dropped), then `Z` or an offset. Returns nanoseconds since the epoch.
 * The error names the layout as Go's does, but not the exact element Go would single out.
 * @example parseRfc3339Nano('2024-05-01T12:00:00.5Z') === 1714564800500000000n
 */
export function parseRfc3339Nano(s: string): UnixNanos {
  const m = RFC3339.exec(s);
  const fail = (why: string): GoParseError => new GoParseError(`parsing time ${goQuote(s)} as ${LAYOUT}: ${why}`);
  if (!m) throw fail(`cannot parse ${goQuote(s)} as RFC 3339`);
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12) throw fail('month out of range');
  if (d < 1 || d > daysIn(y, mo)) throw fail('day out of range');
  if (h > 23) throw fail('hour out of range');
  if (mi > 59) throw fail('minute out of range');
  if (sec > 59) throw fail('second out of range');
  const fraction = BigInt((m[7] ?? '').slice(0, 9).padEnd(9, '0'));
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) throw fail('time zone offset out of range');
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec) - offsetMinutes * 60_000;
  return (BigInt(ms) * 1_000_000n + fraction) as UnixNanos;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
