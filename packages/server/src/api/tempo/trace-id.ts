import type { TraceId } from '@clew/model';
import { ClewError } from '../../errors.js';

const HEX = /^[0-9a-fA-F]$/;

/**
 * A trace id as Tempo's HexStringToTraceID reads it: hex digits only, at most 128 bits, shorter ids (64-bit ones
 * from Zipkin and Jaeger clients) left-padded with zeros. Throws a BAD_PARAMETER ClewError with Tempo's text otherwise.
 * @example parseTempoTraceId('abc') === '00000000000000000000000000000abc'
 */
export function parseTempoTraceId(text: string): TraceId {
  if (text === '') throw new ClewError('BAD_PARAMETER', "trace IDs can't be empty");
  const chars = [...text];
  for (const [i, c] of chars.entries()) {
    if (!HEX.test(c)) throw new ClewError('BAD_PARAMETER', `trace IDs can only contain hex characters: invalid character '${c}' at position ${i + 1}`);
  }
  const even = text.length % 2 === 1 ? `0${text}` : text;
  if (even.length > 32) throw new ClewError('BAD_PARAMETER', "trace IDs can't be larger than 128 bits");
  return even.toLowerCase().padStart(32, '0') as TraceId;
}

/**
 * A trace id as Tempo's TraceIDToHexString writes it in search results: lowercase hex without leading zeros, so a
 * 64-bit id from a Zipkin or Jaeger client reads as its 16 digits. parseTempoTraceId reads it back.
 * @example tempoTraceIdHex('0000000000000000c000000000000003' as TraceId) === 'c000000000000003'
 */
export function tempoTraceIdHex(traceId: TraceId): string {
  return traceId.replace(/^0+/, '');
}
