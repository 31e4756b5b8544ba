/** A trace id: 32 lowercase hex characters (16 bytes). */
export type TraceId = string & { readonly __brand: 'TraceId' };
/** A span id: 16 lowercase hex characters (8 bytes). */
export type SpanId = string & { readonly __brand: 'SpanId' };

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const HEX = /^[0-9a-fA-F]+$/;

/** True when `s` is a well-formed, non-zero trace id in canonical (lowercase) form. */
export function isTraceId(s: string): s is TraceId {
  return TRACE_ID.test(s) && s !== ZERO_TRACE_ID;
}

/** True when `s` is a well-formed, non-zero span id in canonical (lowercase) form. */
export function isSpanId(s: string): s is SpanId {
  return SPAN_ID.test(s) && s !== ZERO_SPAN_ID;
}

export const ZERO_TRACE_ID = '0'.repeat(32);
export const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * Parses a trace id as users type it (any case, shorter ids left-padded with zeros as Jaeger does for 64-bit ids).
 * Returns null when it is not hex or longer than 32 characters.
 * @example parseTraceId('ABC') === '00000000000000000000000000000abc'
 */
export function parseTraceId(s: string): TraceId | null {
  if (s.length === 0 || s.length > 32 || !HEX.test(s)) return null;
  const id = s.toLowerCase().padStart(32, '0');
  return id === ZERO_TRACE_ID ? null : (id as TraceId);
}

/** Parses a span id as users type it; see {@link parseTraceId}. */
export function parseSpanId(s: string): SpanId | null {
  if (s.length === 0 || s.length > 16 || !HEX.test(s)) return null;
  const id = s.toLowerCase().padStart(16, '0');
  return id === ZERO_SPAN_ID ? null : (id as SpanId);
}

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of `len` bytes of `buf` starting at `off`. */
export function bytesToHex(buf: Uint8Array, off = 0, len = buf.length - off): string {
  let s = '';
  for (let i = off; i < off + len; i++) s += HEX_BYTE[buf[i]!];
  return s;
}

/** Bytes of an even-length hex string. */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
