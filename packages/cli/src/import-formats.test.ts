import { describe, expect, it } from 'vitest';
import { encodeExportRequests } from '@clew/server';
import { detectFormat } from './import-formats.js';
import { daySpans } from './testing/export-spans.js';

const bytes = (b: Buffer | string) => (typeof b === 'string' ? Buffer.from(b) : b);

describe('detectFormat: a file’s format from its first bytes', () => {
  const proto = encodeExportRequests(daySpans(1, 2), 'protobuf')[0]!;
  it.each([
    ['OTLP JSON lines', encodeExportRequests(daySpans(1, 2), 'json')[0]!, 'otlp-json'],
    ['OTLP JSON with snake_case keys and a BOM', '\uFEFF  {"resource_spans":[]}\n', 'otlp-json'],
    ['Jaeger UI JSON, pretty-printed', '{\n  "data": [\n    {"traceID": "abc"', 'jaeger-json'],
    ['Zipkin v2 JSON', ' [{"traceId":"abc"}]', 'zipkin-json'],
    ['length-delimited OTLP protobuf', proto, 'otlp-proto'],
    ['some other JSON object', '{"errors":[]}', null],
    ['text', 'hello\n', null],
  ] as const)('%s', (_name, head, want) => {
    const b = bytes(head);
    expect(detectFormat(b.subarray(0, 4096), b.length)).toBe(want);
  });

  it('a length beyond the file is not protobuf', () => {
    expect(detectFormat(proto.subarray(0, 100), 100)).toBeNull();
  });
});
