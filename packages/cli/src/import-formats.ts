import type { ByteSource } from './import-source.js';

/** The files `clew import` reads. */
export const IMPORT_FORMATS = ['otlp-json', 'otlp-proto', 'jaeger-json', 'zipkin-json', 'tempo-json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * The format of a file, from its first bytes: OTLP JSON lines start with `{"resourceSpans"` (or `resource_spans`),
 * Jaeger UI JSON with `{"data"`, a trace as Tempo's API answers it with `{"batches"` (v1) or `{"trace"` (v2), Zipkin
 * v2 JSON is an array, and OTLP protobuf as the Collector's file exporter
 * writes it starts with a 4-byte length followed by field 1 of ExportTraceServiceRequest (tag 0x0a). Null when none
 * fits.
 */
export function detectFormat(head: Uint8Array, size: number): ImportFormat | null {
  const text = Buffer.from(head.subarray(0, 4096)).toString('utf8').replace(/^\uFEFF/, '');
  const key = /^\s*\{\s*"([A-Za-z_]+)"/.exec(text)?.[1];
  if (key === 'resourceSpans' || key === 'resource_spans') return 'otlp-json';
  if (key === 'data') return 'jaeger-json';
  if (key === 'batches' || key === 'trace') return 'tempo-json';
  if (/^\s*\[/.test(text)) return 'zipkin-json';
  if (head.length >= 5) {
    const length = Buffer.from(head.buffer, head.byteOffset, head.length).readUInt32BE(0);
    if (length + 4 <= size && (length === 0 || head[4] === 0x0a)) return 'otlp-proto';
  }
  return null;
}

/** The first bytes of a file (decompressed, when it is compressed as a whole), for detectFormat. */
export async function readHead(source: ByteSource): Promise<Buffer> {
  const buf = Buffer.alloc(4096);
  return buf.subarray(0, await source.read(buf, 0, buf.length, 0));
}
