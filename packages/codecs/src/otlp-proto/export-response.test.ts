import { describe, expect, it } from 'vitest';
import pkg from 'otlp-transformer-0.52/build/src/generated/root.js';
import { encodeExportResponseProto } from './export-response.js';

const Response = (pkg as any).opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

describe('encodeExportResponseProto', () => {
  it('is empty (full success) when nothing was rejected', () => {
    expect(encodeExportResponseProto(0, '')).toEqual(new Uint8Array(0));
  });

  it.each<[number, string]>([
    [2, "2 spans rejected: span 'GET /x' has an invalid trace_id (must be 16 bytes, not all zero)"],
    [1, ''],
    [0, 'a warning without rejections'],
    [2 ** 40, 'é'.repeat(100)],
  ])('carries partial_success %d / %j (as the reference decodes it)', (rejected, message) => {
    const bytes = encodeExportResponseProto(rejected, message);
    const decoded = Response.toObject(Response.decode(bytes), { longs: String, defaults: true });
    expect(decoded.partialSuccess).toEqual({ rejectedSpans: String(rejected), errorMessage: message });
  });
});
