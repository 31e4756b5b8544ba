import { fail } from '../otlp-json/json-values.js';
import type { JsonObject } from '../otlp-json/json-values.js';
import { asObject, asString } from '../otlp-json/json-values.js';
import { NEEDS_NUMBER_TEXT } from './json-number-text.js';
import type { ZipkinEndpoint } from './zipkin-span.js';

const HEX = /^[0-9a-fA-F]+$/;

/**
 * A Zipkin id: 1 to `max` hex digits, left-padded with zeros as Zipkin normalises ids (a trace id to 16 or 32
 * digits, a span id to 16). Returns lowercase hex; '' when absent and not `required`.
 */
export function asZipkinId(v: unknown, where: string, max: 16 | 32, required: boolean): string {
  if (v === undefined || v === null || v === '') {
    if (required) fail(where, 'missing id');
    return '';
  }
  const s = asString(v, where);
  if (s.length > max || !HEX.test(s)) fail(where, `expected 1 to ${max} hex digits, not ${JSON.stringify(s)}`);
  return s.toLowerCase().padStart(s.length > 16 ? 32 : 16, '0');
}

/** Microseconds (timestamps and durations): a non-negative JSON number; fractions are cut off. */
export function asMicros(v: unknown, where: string): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(where, `expected microseconds as a non-negative number, not ${JSON.stringify(v)}`);
  return BigInt(Math.trunc(v as number));
}

export function asEndpoint(v: unknown, where: string): ZipkinEndpoint | undefined {
  if (v === undefined || v === null) return undefined;
  const o: JsonObject = asObject(v, where);
  const port = o.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) fail(`${where}.port`, `expected a port number, not ${JSON.stringify(port)}`);
  return {
    serviceName: asString(o.serviceName ?? undefined, `${where}.serviceName`),
    ipv4: asString(o.ipv4 ?? undefined, `${where}.ipv4`),
    ipv6: asString(o.ipv6 ?? undefined, `${where}.ipv6`),
    port: port as number,
  };
}

/**
 * A tag value as Zipkin keeps it: a string as sent; a boolean, which some clients send, as `true` or `false`. A
 * number throws NEEDS_NUMBER_TEXT: its text is what Zipkin keeps, and the caller reads the document again with the
 * numbers of tags quoted as their source text (`1.0` stays `1.0`, 9007199254740993 is not rounded).
 */
export function asTagValue(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') throw NEEDS_NUMBER_TEXT;
  if (typeof v === 'boolean') return String(v);
  return fail(where, `expected a string tag value, not ${JSON.stringify(v)}`);
}
