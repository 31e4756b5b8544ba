import type { TraceId } from '@clew/model';
import { ClewError } from '../../errors.js';

/**
 * Zipkin's Span.normalizeTraceId: 1 to 32 lower-hex digits, padded to 16 or 32; a 32-digit id whose high half is
 * zero becomes 16 digits. Returns the normalised text (what Zipkin echoes in "not found") and the stored 32-digit id.
 * Throws a 400 with Zipkin's message otherwise.
 */
export function normalizeZipkinTraceId(text: string): { normalized: string; traceId: TraceId } {
  if (text.length === 0) throw new ClewError('BAD_PARAMETER', 'traceId is empty');
  if (text.length > 32) throw new ClewError('BAD_PARAMETER', 'traceId.length > 32');
  if (!/^[0-9a-f]+$/.test(text)) throw new ClewError('BAD_PARAMETER', `${text} should be lower-hex encoded with no prefix`);
  if (/^0+$/.test(text)) throw new ClewError('BAD_PARAMETER', 'traceId is all zeros');
  const padded = text.padStart(text.length <= 16 ? 16 : 32, '0');
  const normalized = padded.length === 32 && padded.startsWith('0000000000000000') ? padded.slice(16) : padded;
  return { normalized, traceId: normalized.padStart(32, '0') as TraceId };
}
