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

/**
 * A span's duration in ns: end − start, 0 when it ends before it starts (spanDuration). `dur` is end − start modulo
 * 2^64, so an end before the start wraps past 2^63 (times are below 2^63: years before 2262).
 */
export const DURATION = 'if(dur < toUInt64(9223372036854775808), dur, toUInt64(0))';

/** A span's end time (UInt64 addition wraps, as `dur` did). */
export const END = '(start + dur)';

/** Ids as the lowercase hex the model uses, under names other than the columns' (ClickHouse aliases are global). */
export const TID = 'lower(hex(trace_id))';
export const SID = 'lower(hex(span_id))';
export const PID = "ifNull(lower(hex(parent_id)), '')";

const HEX = /^(?:[0-9a-f]{2})*$/;

/** A FixedString id literal from lowercase hex (trace and span ids; checked, so never an injection). */
export function idLit(hex: string): string {
  if (!HEX.test(hex)) throw new RangeError(`not an id: ${JSON.stringify(hex)} (lowercase hex)`);
  return `unhex('${hex}')`;
}

export const NANOS_PER_DAY = 86_400_000_000_000n;

/** The ingest day (days since the epoch, UTC) of a time: the partition an append lands in. */
export const dayOf = (t: bigint): number => Number(t / NANOS_PER_DAY);
