import type { Tenant } from '@clew/model';
import { isValidTenant } from '@clew/model';

/*
 * ClickHouse 18.16 has no query parameters ({name:Type} came in 19.x), so values are written into the SQL as
 * literals, escaped here and nowhere else.
 */

/** A string literal: backslash escapes for quote, backslash and every control character. */
export function str(s: string): string {
  // eslint-disable-next-line no-control-regex
  return `'${s.replace(/[\\'\u0000-\u001f\u007f]/g, (c) => (c === '\\' || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))}'`;
}

/** An unsigned 64-bit literal (UInt64 columns: nanoseconds, positions). */
export const u64 = (n: bigint): string => `toUInt64('${BigInt.asUintN(64, n)}')`;

/** A signed 64-bit literal (durations). */
export const i64 = (n: bigint): string => `toInt64('${BigInt.asIntN(64, n)}')`;

export function checkTenant(t: Tenant): Tenant {
  if (!isValidTenant(t)) throw new RangeError(`not a tenant name: ${JSON.stringify(t)} (letters, digits and _ . -, 1 to 64)`);
  return t;
}

/** A database name that is safe to write unquoted. */
export function checkDatabase(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new RangeError(`not a ClickHouse database name for Clew: ${JSON.stringify(name)} (letters, digits and _)`);
  return name;
}

/** A span's duration in ns: end − start, 0 when it ends before it starts (spanDuration). */
export const DURATION = 'if(end > start, toUInt64(end - start), toUInt64(0))';

export const NANOS_PER_DAY = 86_400_000_000_000n;

/** The ingest day (days since the epoch, UTC) of a time: the partition an append lands in. */
export const dayOf = (t: bigint): number => Number(t / NANOS_PER_DAY);
