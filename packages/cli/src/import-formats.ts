import type { FileHandle } from 'node:fs/promises';

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

/** The first bytes of an open file, for detectFormat. */
export async function readHead(file: FileHandle): Promise<Uint8Array> {
  const buf = Buffer.alloc(4096);
  const { bytesRead } = await file.read(buf, 0, buf.length, 0);
  return buf.subarray(0, bytesRead);
}

/**
 * Why a file is none of the formats when its first bytes say it is compressed: gzip or zstd as a whole (`.gz`,
 * `.zst`), or OTLP protobuf whose requests are each compressed with zstd, as the Collector's file exporter writes them
 * with `compression: zstd` (a 4-byte length, then a zstd frame). Null for any other file.
 */
export function compressionOf(head: Uint8Array): string | null {
  const zstdAt = (at: number) => head.length >= at + 4 && head[at] === 0x28 && head[at + 1] === 0xb5 && head[at + 2] === 0x2f && head[at + 3] === 0xfd;
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'it is compressed with gzip: decompress it first (gunzip -k FILE) and import what that gives';
  if (zstdAt(0)) return 'it is compressed with zstd: decompress it first (zstd -d FILE) and import what that gives';
  if (zstdAt(4)) {
    return "it is OTLP protobuf with each request compressed with zstd (the Collector's file exporter with compression: zstd), which clew import does not read: write the file without compression";
  }
  return null;
}
