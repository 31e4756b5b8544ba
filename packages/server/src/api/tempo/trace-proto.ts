import { encodeOtlpProto } from '@clew/codecs';
import type { Span } from '@clew/model';

/**
 * tempopb.Trace in protobuf. Its one field, `repeated ResourceSpans batches = 1`, has the number and type of OTLP
 * TracesData's `resource_spans`, so OTLP's encoding is already a Trace.
 */
export const encodeTempoTrace = (spans: readonly Span[]): Uint8Array => encodeOtlpProto(spans);

/** tempopb.TraceByIDResponse in protobuf: the Trace as field 1. */
export function encodeTraceByIdResponse(spans: readonly Span[]): Uint8Array {
  const trace = encodeTempoTrace(spans);
  const length: number[] = [];
  for (let n = trace.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  const out = new Uint8Array(1 + length.length + trace.length);
  out[0] = (1 << 3) | 2; // field 1, length-delimited
  out.set(length, 1);
  out.set(trace, 1 + length.length);
  return out;
}
