import { decodeOtlpProto } from '@clew/codecs';
import type { SpanId, TraceId, UnixNanos } from '@clew/model';
import { int, SpanKind, StatusCode, str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { tempoResourceSpans } from './trace-json.js';
import { encodeTempoTrace, encodeTraceByIdResponse } from './trace-proto.js';

const T = '0102030405060708090a0b0c0d0e0f10' as TraceId;
const START = 1_700_000_000_000_000_000n as UnixNanos;
const cart = makeResource('cart');
/*
 * cart  GET /cart   |==========|  SERVER 10 ms
 * cart  select        |===|       CLIENT 3 ms, error "timeout", linked to the root
 */
const root = makeSpan({ traceId: T, spanId: 'a1a2a3a4a5a6a7a8' as SpanId, name: 'GET /cart', kind: SpanKind.SERVER, resource: cart, startTimeUnixNano: START, endTimeUnixNano: (START + 10_000_000n) as UnixNanos, attributes: [{ key: 'http.status_code', value: int(200) }] });
const child = makeSpan({
  traceId: T,
  spanId: 'b1b2b3b4b5b6b7b8' as SpanId,
  parentSpanId: root.spanId,
  name: 'select',
  kind: SpanKind.CLIENT,
  resource: cart,
  startTimeUnixNano: (START + 1_000_000n) as UnixNanos,
  endTimeUnixNano: (START + 4_000_000n) as UnixNanos,
  status: { code: StatusCode.ERROR, message: 'timeout' },
  links: [{ traceId: T, spanId: root.spanId, traceState: '', attributes: [{ key: 'why', value: str('retry') }], droppedAttributesCount: 0, flags: 0 }],
});

describe('tempoResourceSpans (Tempo jsonpb of a trace)', () => {
  it('writes ids as base64 bytes and enums by name, the rest as OTLP/JSON', () => {
    const [batch] = tempoResourceSpans([root, child]) as Array<{ scopeSpans: Array<{ spans: unknown[] }> }>;
    expect(batch!.scopeSpans[0]!.spans).toEqual([
      {
        traceId: 'AQIDBAUGBwgJCgsMDQ4PEA==',
        spanId: 'oaKjpKWmp6g=',
        flags: 1,
        name: 'GET /cart',
        kind: 'SPAN_KIND_SERVER',
        startTimeUnixNano: '1700000000000000000',
        endTimeUnixNano: '1700000000010000000',
        attributes: [{ key: 'http.status_code', value: { intValue: '200' } }],
      },
      {
        traceId: 'AQIDBAUGBwgJCgsMDQ4PEA==',
        spanId: 'sbKztLW2t7g=',
        parentSpanId: 'oaKjpKWmp6g=',
        flags: 1,
        name: 'select',
        kind: 'SPAN_KIND_CLIENT',
        startTimeUnixNano: '1700000000001000000',
        endTimeUnixNano: '1700000000004000000',
        links: [{ traceId: 'AQIDBAUGBwgJCgsMDQ4PEA==', spanId: 'oaKjpKWmp6g=', attributes: [{ key: 'why', value: { stringValue: 'retry' } }] }],
        status: { message: 'timeout', code: 'STATUS_CODE_ERROR' },
      },
    ]);
  });
});

describe('Tempo protobuf', () => {
  it('a Trace decodes as OTLP TracesData, span for span', () => {
    const { spans } = decodeOtlpProto(encodeTempoTrace([root, child]));
    expect(spans).toEqual([root, child]);
  });

  it('a TraceByIDResponse holds the Trace as field 1, a length prefix of more than one byte included', () => {
    const many = Array.from({ length: 40 }, (_, i) => makeSpan({ traceId: T, name: `span ${i}`, resource: cart }));
    const trace = encodeTempoTrace(many);
    const response = encodeTraceByIdResponse(many);
    expect(trace.length).toBeGreaterThan(127);
    expect(response[0]).toBe(0x0a);
    let length = 0;
    let i = 1;
    for (let shift = 0; ; shift += 7) {
      const b = response[i++]!;
      length |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    expect(length).toBe(trace.length);
    expect(response.subarray(i)).toEqual(trace);
  });
});
