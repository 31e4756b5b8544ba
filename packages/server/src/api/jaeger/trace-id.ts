import type { TraceId } from '@clew/model';
import { GoParseError, parseGoHexUint64 } from './go-strconv.js';

const ZERO_HIGH = '0000000000000000';

/**
 * Parses a trace id as Jaeger's model.TraceIDFromString does: up to 32 hex digits, the last 16 the low half.
 * Returns the 32-character lowercase form, which is all zeros for an id that names no trace (Jaeger then answers
 * 404, not 400). Throws GoParseError with Jaeger's message when the text is not hex or too long.
 * @example parseJaegerTraceId('ABC') === '00000000000000000000000000000abc'
 */
export function parseJaegerTraceId(s: string): TraceId {
  if (s.length > 32) throw new GoParseError(`TraceID cannot be longer than 32 hex characters: ${s}`);
  const cut = Math.max(0, s.length - 16);
  const high = s.length > 16 ? parseGoHexUint64(s.slice(0, cut)) : 0n;
  const low = parseGoHexUint64(s.slice(cut));
  return (hex16(high) + hex16(low)) as TraceId;
}

/** The longest base64 a trace id is tried as: 16 bytes padded. */
const MAX_BASE64 = 24;
const STD_ALPHABET = /^[A-Za-z0-9+/]*$/;
const URL_ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * A trace id in a URL path (`/api/traces/{id}`, `/api/archive/{id}`, `/api/v3/traces/{id}`), as Jaeger's
 * apiv3.TraceIDFromString reads it: hex as parseJaegerTraceId, else base64 of its 16 or 8 bytes (standard or URL-safe,
 * with or without padding: what OTLP JSON and protobuf tooling print). Throws hex's error for text that is neither,
 * and Jaeger's `invalid length for TraceID` for base64 of another length.
 * @example parseJaegerPathTraceId('AAAAAAAAAAEAAAAAAAAAAQ==') === '00000000000000010000000000000001'
 */
export function parseJaegerPathTraceId(s: string): TraceId {
  try {
    return parseJaegerTraceId(s);
  } catch (e) {
    const bytes = s.length <= MAX_BASE64 ? goBase64(s) : undefined;
    if (bytes === undefined) throw e;
    if (bytes.length !== 16 && bytes.length !== 8) throw new GoParseError('invalid length for TraceID');
    return ((bytes.length === 8 ? ZERO_HIGH : '') + bytes.toString('hex')) as TraceId;
  }
}

/**
 * What the first of Go's base64.StdEncoding, URLEncoding, RawStdEncoding and RawURLEncoding to decode `s` gives
 * (line breaks ignored, trailing bits not checked, as Go's decoders), or undefined when none does.
 */
function goBase64(s: string): Buffer | undefined {
  const t = s.replace(/[\r\n]/g, '');
  const body = t.replace(/={1,2}$/, '');
  const pad = t.length - body.length;
  const padded = t.length % 4 === 0 && (pad === 0 || body.length % 4 === 4 - pad);
  for (const alphabet of [STD_ALPHABET, URL_ALPHABET]) if (padded && alphabet.test(body)) return Buffer.from(body, 'base64');
  for (const alphabet of [STD_ALPHABET, URL_ALPHABET]) if (t.length % 4 !== 1 && alphabet.test(t)) return Buffer.from(t, 'base64');
  return undefined;
}

/** How Jaeger prints a trace id: 16 hex digits when the high half is zero (64-bit ids), else 32. */
export function jaegerTraceIdString(id: TraceId): string {
  return id.startsWith(ZERO_HIGH) ? id.slice(16) : id;
}

function hex16(v: bigint): string {
  return v.toString(16).padStart(16, '0');
}
