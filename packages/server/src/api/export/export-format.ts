import type { Span } from '@clew/model';
import { API_BASE } from '@clew/api/routes'; // the routes alone: the package's index loads its schemas
import { encodeOtlpProto, encodeOtlpJsonText } from '@clew/codecs';

/**
 * The two file formats of the OpenTelemetry Collector's file exporter (and its file receiver): OTLP JSON lines, one
 * ExportTraceServiceRequest per line; or OTLP protobuf, each ExportTraceServiceRequest after its length as a 4-byte
 * big-endian unsigned integer (the exporter's `format: proto`).
 */
export type ExportFormat = 'json' | 'protobuf';

/** The export route (export-route.ts), which answers in these formats. */
export const EXPORT_ROUTE = `${API_BASE}/export`;

/** The answer's header saying how many spans it holds, when that is known before they are read (see SelectedSpans). */
export const EXPORT_SPANS_HEADER = 'x-clew-export-spans';

/** Spans per ExportTraceServiceRequest written: small enough to stream, large enough that resources are shared. */
export const SPANS_PER_REQUEST = 1000;

export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  json: 'application/x-ndjson',
  protobuf: 'application/x-protobuf',
};

/**
 * Spans as requests of at most SPANS_PER_REQUEST spans in `format`, ready to append to a file: JSON lines end in a
 * newline, protobuf requests start with their length.
 */
export function encodeExportRequests(spans: readonly Span[], format: ExportFormat): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < spans.length; i += SPANS_PER_REQUEST) {
    const part = i === 0 && spans.length <= SPANS_PER_REQUEST ? spans : spans.slice(i, i + SPANS_PER_REQUEST);
    if (format === 'json') out.push(encodeOtlpJsonText(part, true));
    else {
      const body = encodeOtlpProto(part);
      const framed = Buffer.allocUnsafe(4 + body.length);
      framed.writeUInt32BE(body.length, 0);
      framed.set(body, 4);
      out.push(framed);
    }
  }
  return out;
}
