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

/** How Jaeger prints a trace id: 16 hex digits when the high half is zero (64-bit ids), else 32. */
export function jaegerTraceIdString(id: TraceId): string {
  return id.startsWith(ZERO_HIGH) ? id.slice(16) : id;
}

function hex16(v: bigint): string {
  return v.toString(16).padStart(16, '0');
}
