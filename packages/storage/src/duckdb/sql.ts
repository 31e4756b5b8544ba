import type { Tenant } from '@clew/model';
import { isValidTenant } from '@clew/model';

/*
 * Numbers go into SQL as typed literals, never as bare bound bigints: an untyped bigint parameter binds as DOUBLE,
 * which loses precision and keeps DuckDB from pruning row groups by zone map. Strings are always bound.
 */
export const ubigint = (n: bigint): string => `${BigInt.asUintN(64, n)}::UBIGINT`;
export const bigint = (n: bigint): string => `${BigInt.asIntN(64, n)}::BIGINT`;
export const uint = (n: number): string => `${n >>> 0}::UINTEGER`;
export const utinyint = (n: number): string => `${n & 0xff}::UTINYINT`;

export const traceIdToBigInt = (hex: string): bigint => BigInt('0x' + hex);
export const traceIdLiteral = (hex: string): string => `${traceIdToBigInt(hex)}::UHUGEINT`;
/** A trace id as the lower-case, 32-digit hex text literal a range archive stores; a RangeError for one that is not hex. */
export function traceIdHexLiteral(hex: string): string {
  const h = hex.toLowerCase().padStart(32, '0');
  if (!/^[0-9a-f]{32}$/.test(h)) throw new RangeError(`not a trace id: ${JSON.stringify(hex)}`);
  return `'${h}'`;
}
export const hex32 = (n: bigint): string => n.toString(16).padStart(32, '0');
export const hex16 = (n: bigint): string => n.toString(16).padStart(16, '0');

/** A tenant name isValidTenant accepts, or a RangeError (a caller's bug). */
export function checkTenant(t: Tenant): Tenant {
  if (!isValidTenant(t)) throw new RangeError(`not a tenant name: ${JSON.stringify(t)} (letters, digits and _ . -, 1 to 64)`);
  return t;
}
