import { DecodeError } from '../decode-error.js';

/** A parsed JSON object. */
export type JsonObject = { readonly [key: string]: unknown };

/**
 * A DecodeError that knows where in the document it happened. Readers fail with a path relative to the object
 * they read (".key"); enclosing readers prefix theirs on the way out ({@link rethrowUnder}), so the happy path
 * never builds path strings.
 */
class JsonPathError extends DecodeError {
  constructor(
    readonly what: string,
    readonly path: string,
  ) {
    super(`${what} at ${path.startsWith('.') ? path.slice(1) : path}`);
  }
}

export const fail = (where: string, what: string): never => {
  throw new JsonPathError(what, where);
};

/** Rethrows `e` with `prefix` put in front of its path (for errors from readers of nested objects). */
export function rethrowUnder(e: unknown, prefix: string): never {
  if (e instanceof JsonPathError) throw new JsonPathError(e.what, prefix + e.path);
  throw e;
}

/**
 * A field by its lowerCamelCase name, or its snake_case one (the protobuf JSON mapping accepts both). null means
 * absent, as in the protobuf JSON mapping.
 */
export function field(o: JsonObject, camel: string, snake: string = camel): unknown {
  const v = o[camel];
  return v !== undefined && v !== null ? v : (o[snake] ?? undefined);
}

export function asObject(v: unknown, where: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'expected an object');
  return v as JsonObject;
}

export function asArray(v: unknown, where: string): readonly unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(where, 'expected an array');
  return v as unknown[];
}

export function asString(v: unknown, where: string): string {
  if (v === undefined) return '';
  if (typeof v !== 'string') fail(where, 'expected a string');
  return v as string;
}

export function asBool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') fail(where, 'expected true or false');
  return v as boolean;
}

const INTEGER = /^-?[0-9]+$/;

/** int64 / fixed64: a decimal string (exact) or a JSON number (exact up to 2^53). */
export function asBigInt(v: unknown, where: string, min: bigint, max: bigint): bigint {
  if (v === undefined) return 0n;
  let n: bigint;
  if (typeof v === 'string' && INTEGER.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else return fail(where, `expected an integer (a decimal string or a number), not ${JSON.stringify(v)}`);
  if (n < min || n > max) fail(where, `integer ${n} out of range`);
  return n;
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

/** uint32 / fixed32 counts and flags, as a number or a decimal string. */
export function asUint32(v: unknown, where: string): number {
  if (typeof v === 'number' && v >= 0 && v <= 0xffffffff && Number.isInteger(v)) return v;
  return Number(asBigInt(v, where, 0n, 0xffffffffn));
}

/** A double: a JSON number, or a string holding one, including "NaN", "Infinity" and "-Infinity". */
export function asDouble(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  return fail(where, `expected a number, not ${JSON.stringify(v)}`);
}

/** An enum as its integer or its name from the .proto (e.g. "SPAN_KIND_SERVER"). */
export function asEnum(v: unknown, where: string, names: readonly string[]): number {
  if (v === undefined) return 0;
  if (typeof v === 'string' && !INTEGER.test(v)) {
    const i = names.indexOf(v);
    if (i < 0) fail(where, `unknown enum value ${JSON.stringify(v)}`);
    return i;
  }
  return Number(asBigInt(v, where, -(2n ** 31n), 2n ** 31n - 1n));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL = /^[A-Za-z0-9\-_]*={0,2}$/;

/** bytes: standard or URL-safe base64, padded or not (both are valid in the protobuf JSON mapping). */
export function asBytes(v: unknown, where: string): Uint8Array {
  const s = asString(v, where);
  if (!BASE64.test(s) && !(BASE64URL.test(s) && s.length % 4 !== 1)) fail(where, 'expected base64');
  return new Uint8Array(Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64'));
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * A trace or span id: hex, any case (OTLP/JSON's exception to base64 bytes). Returns lowercase hex ('' when absent),
 * or undefined when it is not a string of hex digits: the caller refuses that span alone, as it does an id of the
 * wrong length, rather than the whole request.
 */
export function hexId(v: unknown): string | undefined {
  if (v === undefined) return '';
  if (typeof v !== 'string' || !HEX.test(v)) return undefined;
  return v.toLowerCase();
}
