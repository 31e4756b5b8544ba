import { VARINT } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

/**
 * An ExportTraceServiceResponse. partial_success is sent only when something was refused: the OTLP spec reads
 * an empty response as full success.
 * @example encodeExportResponseProto(2, "2 spans rejected: span 'GET /x' has an invalid trace_id ...")
 */
export function encodeExportResponseProto(rejectedSpans: number, errorMessage: string): Uint8Array {
  const w = new WireWriter();
  if (rejectedSpans !== 0 || errorMessage !== '') {
    w.message(1, () => {
      if (rejectedSpans !== 0) {
        w.tag(1, VARINT);
        w.int64(BigInt(rejectedSpans));
      }
      w.stringField(2, errorMessage);
    });
  }
  return w.finish();
}
