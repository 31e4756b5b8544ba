import { describe, expect, it } from 'vitest';
import type { SpanId, TraceId } from '@clew/model';
import { encodeExportRequests } from '@clew/server';
import { asJsonLine } from './export.js';
import { daySpans } from './testing/export-spans.js';

describe('asJsonLine', () => {
  it('turns a request of the export route into the JSON line the route would send, a link to an all-zero id and all', () => {
    // A link to an empty span context, as SDKs record one that carries attributes or a trace state.
    const zeroLink = { traceId: '0'.repeat(32) as TraceId, spanId: '0'.repeat(16) as SpanId, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
    const spans = daySpans(3, 40).map((s, i) => (i === 7 ? { ...s, links: [zeroLink] } : s));
    const protobuf = encodeExportRequests(spans, 'protobuf');
    expect(protobuf.map(asJsonLine)).toEqual(encodeExportRequests(spans, 'json'));
  });
});
