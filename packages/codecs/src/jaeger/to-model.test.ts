import { SpanKind, StatusCode, bool, dbl, int, str } from '@clew/model';
import type { AnyValue, KeyValue, Span } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { FULL_BATCH, jaegerSpan } from '@clew/testing/jaeger-batches';
import { jaegerTag as tag } from '@clew/testing/jaeger-thrift-writer';
import type { JaegerBatch, JaegerSpan, JaegerTag } from './jaeger-batch.js';
import { SpanRefType } from './jaeger-batch.js';
import { jaegerToModel } from './to-model.js';

const TRACE = '11121314151617180102030405060708';

function one(over: Partial<JaegerSpan>): Span {
  const result = jaegerToModel({ process: { serviceName: 'svc', tags: undefined }, spans: [jaegerSpan(over)] });
  expect(result.rejected).toBe(0);
  return result.spans[0]!;
}

const attrs = (...kv: Array<[string, AnyValue]>): KeyValue[] => kv.map(([key, value]) => ({ key, value }));

describe('tags become attributes by type', () => {
  it.each([
    ['string', tag('k', 'v'), str('v')],
    ['bool', tag('k', true), bool(true)],
    ['long (int64, beyond 2^53)', tag('k', 9_007_199_254_740_993n), int(9_007_199_254_740_993n)],
    ['negative long', tag('k', -42n), int(-42n)],
    ['double', tag('k', 0.5, true), dbl(0.5)],
    ['binary', tag('k', new Uint8Array([1, 2, 255])), { type: 'bytes', value: new Uint8Array([1, 2, 255]) }],
    ['an unknown TagType', { ...tag('k', 'v'), vType: 9 }, str('<Unknown Jaeger TagType "<UNSET>">')],
  ] as Array<[string, JaegerTag, AnyValue]>)('%s', (_, t, value) => {
    expect(one({ tags: [t] }).attributes).toEqual(attrs(['k', value]));
  });

  it('a repeated key keeps the last value, in the first place', () => {
    expect(one({ tags: [tag('a', 1), tag('b', 'x'), tag('a', 2)] }).attributes).toEqual(attrs(['a', int(2)], ['b', str('x')]));
  });
});

/**
 * OpenTelemetry Go's Jaeger exporter before v1.3.0 sent the status as an integer tag, Go's codes.Code (Unset 0,
 * Error 1, Ok 2: not OTLP's numbers), with `error=true` beside an Error. The translator reads only names.
 */
describe('otel.status_code as an integer (OpenTelemetry Go before v1.3.0)', () => {
  it.each([
    ['2 (codes.Ok) → OK', [tag('otel.status_code', 2)], StatusCode.OK, ''],
    ['2 with otel.status_description', [tag('otel.status_code', 2), tag('otel.status_description', 'fine')], StatusCode.OK, 'fine'],
    ['1 (codes.Error) → ERROR', [tag('otel.status_code', 1)], StatusCode.ERROR, ''],
    ['1 with error=true and a description, as that exporter sent an Error', [tag('otel.status_code', 1), tag('otel.status_description', 'boom'), tag('error', true)], StatusCode.ERROR, 'boom'],
    ['0 (codes.Unset) → unset', [tag('otel.status_code', 0)], StatusCode.UNSET, ''],
    ['3, no code of Go\'s → unset', [tag('otel.status_code', 3)], StatusCode.UNSET, ''],
    ['a double 2.0 is no integer → unset', [tag('otel.status_code', 2, true)], StatusCode.UNSET, ''],
  ] as Array<[string, JaegerTag[], StatusCode, string]>)('%s; the tags removed', (_, tags, code, message) => {
    const span = one({ tags });
    expect(span.status).toEqual({ code, message });
    expect(span.attributes).toEqual([]);
  });
});

describe('span.kind', () => {
  it.each([
    ['server', SpanKind.SERVER],
    ['client', SpanKind.CLIENT],
    ['producer', SpanKind.PRODUCER],
    ['consumer', SpanKind.CONSUMER],
    ['internal', SpanKind.INTERNAL],
    ['SERVER', SpanKind.UNSPECIFIED],
    ['rpc', SpanKind.UNSPECIFIED],
  ])('%s → %i, the tag removed', (value, kind) => {
    const span = one({ tags: [tag('span.kind', value)] });
    expect(span.kind).toBe(kind);
    expect(span.attributes).toEqual([]);
  });

  it('absent: unspecified', () => {
    expect(one({}).kind).toBe(SpanKind.UNSPECIFIED);
  });
});

describe('status', () => {
  it.each([
    ['no tags', [], StatusCode.UNSET, '', []],
    ['error=true', [tag('error', true)], StatusCode.ERROR, '', []],
    ['error="true" (a string, as some clients send)', [tag('error', 'true')], StatusCode.ERROR, '', []],
    ['error=false stays an attribute', [tag('error', false)], StatusCode.UNSET, '', attrs(['error', bool(false)])],
    ['error=true with otel.status_description', [tag('error', true), tag('otel.status_description', 'boom')], StatusCode.ERROR, 'boom', []],
    ['error=true with http.status_message (kept)', [tag('error', true), tag('http.status_message', 'Bad Gateway')], StatusCode.ERROR, 'Bad Gateway', attrs(['http.status_message', str('Bad Gateway')])],
    ['error=true wins over otel.status_code=OK', [tag('error', true), tag('otel.status_code', 'OK')], StatusCode.ERROR, '', []],
    ['otel.status_code=OK', [tag('otel.status_code', 'OK')], StatusCode.OK, '', []],
    ['otel.status_code=ERROR with a description', [tag('otel.status_code', 'ERROR'), tag('otel.status_description', 'timeout')], StatusCode.ERROR, 'timeout', []],
    ['otel.status_code=error (any case)', [tag('otel.status_code', 'error')], StatusCode.ERROR, '', []],
    ['otel.status_code=OTHER: unset, the tag removed', [tag('otel.status_code', 'OTHER')], StatusCode.UNSET, '', []],
    ['http.status_code=500', [tag('http.status_code', 500), tag('http.status_message', 'oops')], StatusCode.ERROR, 'oops', attrs(['http.status_code', int(500)], ['http.status_message', str('oops')])],
    ['http.status_code="503" (a string)', [tag('http.status_code', '503')], StatusCode.ERROR, '', attrs(['http.status_code', str('503')])],
    ['http.status_code=200', [tag('http.status_code', 200)], StatusCode.UNSET, '', attrs(['http.status_code', int(200)])],
    ['http.status_code=404 on a server span', [tag('span.kind', 'server'), tag('http.status_code', 404)], StatusCode.UNSET, '', attrs(['http.status_code', int(404)])],
    ['http.status_code=404 on a client span', [tag('span.kind', 'client'), tag('http.status_code', 404)], StatusCode.ERROR, '', attrs(['http.status_code', int(404)])],
  ] as Array<[string, JaegerTag[], StatusCode, string, KeyValue[]]>)('%s', (_, tags, code, message, rest) => {
    const span = one({ tags });
    expect(span.status).toEqual({ code, message });
    expect(span.attributes).toEqual(rest);
  });
});

describe('scope and trace state', () => {
  it.each([
    ['otel.scope.name and version', [tag('otel.scope.name', 'lib'), tag('otel.scope.version', '2')], 'lib', '2', []],
    ['otel.library.name and version', [tag('otel.library.name', 'old'), tag('otel.library.version', '1')], 'old', '1', []],
    ['both: the scope keys win, the library keys stay', [tag('otel.library.name', 'old'), tag('otel.scope.name', 'lib')], 'lib', '', attrs(['otel.library.name', str('old')])],
    ['a version alone is an attribute', [tag('otel.scope.version', '2')], '', '', attrs(['otel.scope.version', str('2')])],
  ] as Array<[string, JaegerTag[], string, string, KeyValue[]]>)('%s', (_, tags, name, version, rest) => {
    const span = one({ tags });
    expect([span.scope.name, span.scope.version]).toEqual([name, version]);
    expect(span.attributes).toEqual(rest);
  });

  it('w3c.tracestate is the trace state', () => {
    const span = one({ tags: [tag('w3c.tracestate', 'a=1,b=2')] });
    expect([span.traceState, span.attributes]).toEqual(['a=1,b=2', []]);
  });
});

describe('ids, parent and references', () => {
  const sameTrace = { traceIdLow: 0x0102030405060708n, traceIdHigh: 0x1112131415161718n };
  it.each([
    ['parentSpanId', { parentSpanId: 0x99n }, '0000000000000099', []],
    ['a CHILD_OF reference into the trace', { references: [{ refType: SpanRefType.CHILD_OF, ...sameTrace, spanId: 0x99n }] }, '0000000000000099', []],
    ['CHILD_OF before an earlier FOLLOWS_FROM; FOLLOWS_FROM stays a link',
      { references: [{ refType: SpanRefType.FOLLOWS_FROM, ...sameTrace, spanId: 0x55n }, { refType: SpanRefType.CHILD_OF, ...sameTrace, spanId: 0x99n }] },
      '0000000000000099', [[TRACE, '0000000000000055', 'follows_from']]],
    ['only FOLLOWS_FROM: parent and link', { references: [{ refType: SpanRefType.FOLLOWS_FROM, ...sameTrace, spanId: 0x55n }] }, '0000000000000055', [[TRACE, '0000000000000055', 'follows_from']]],
    ['a reference into another trace is a link only', { references: [{ refType: SpanRefType.CHILD_OF, traceIdLow: 7n, traceIdHigh: 0n, spanId: 8n }] }, null,
      [['00000000000000000000000000000007', '0000000000000008', 'child_of']]],
    ['parentSpanId wins over references', { parentSpanId: 0x99n, references: [{ refType: SpanRefType.CHILD_OF, ...sameTrace, spanId: 0x55n }] }, '0000000000000099', [[TRACE, '0000000000000055', 'child_of']]],
  ] as Array<[string, Partial<JaegerSpan>, string | null, Array<[string, string, string]>]>)('%s', (_, over, parent, links) => {
    const span = one(over);
    expect(span.parentSpanId).toBe(parent);
    expect(span.links.map((l) => [l.traceId, l.spanId, l.attributes])).toEqual(links.map(([t, s, type]) => [t, s, attrs(['opentracing.ref_type', str(type)])]));
  });

  it('trace id is high then low, ids unsigned', () => {
    const span = one({ traceIdHigh: 0n, traceIdLow: -2n, spanId: -1n });
    expect([span.traceId, span.spanId]).toEqual(['0000000000000000fffffffffffffffe', 'ffffffffffffffff']);
  });

  it.each([
    [1, 1],
    [3, 1],
    [2, 0],
    [0, 0],
  ])('flags %i → W3C flags %i (sampled)', (flags, w3c) => {
    expect(one({ flags }).flags).toBe(w3c);
  });

  it('times: microseconds to nanoseconds', () => {
    const span = one({ startTime: 1_700_000_000_123_456n, duration: 789n });
    expect([span.startTimeUnixNano, span.endTimeUnixNano]).toEqual([1_700_000_000_123_456_000n, 1_700_000_000_124_245_000n]);
  });

  it('refuses spans with an all-zero trace or span id, keeps the rest, skips an all-zero span', () => {
    const blank = jaegerSpan({ traceIdLow: 0n, traceIdHigh: 0n, spanId: 0n, operationName: '', flags: 0, startTime: 0n, duration: 0n });
    const result = jaegerToModel({ process: { serviceName: 's', tags: undefined }, spans: [jaegerSpan({ spanId: 0n, operationName: 'bad' }), blank, jaegerSpan()] });
    expect(result.spans.map((s) => s.name)).toEqual(['op']);
    expect([result.rejected, result.rejectMessage]).toEqual([1, "1 span rejected: span 'bad' has an invalid span_id (must be 8 bytes, not all zero)"]);
  });
});

describe('logs become events', () => {
  it.each([
    ['the event field names it', [tag('event', 'retry'), tag('attempt', 2)], 'retry', attrs(['attempt', int(2)])],
    ['without one the name is empty', [tag('message', 'hi')], '', attrs(['message', str('hi')])],
    ['no fields', [], '', []],
  ] as Array<[string, JaegerTag[], string, KeyValue[]]>)('%s', (_, fields, name, rest) => {
    const span = one({ logs: [{ timestamp: 1_700_000_000_000_001n, fields }] });
    expect(span.events).toEqual([{ timeUnixNano: 1_700_000_000_000_001_000n, name, attributes: rest, droppedAttributesCount: 0 }]);
  });
});

describe('the process is the resource', () => {
  it.each([
    ['service name and tags', { serviceName: 'svc', tags: [tag('ip', '10.0.0.1'), tag('pid', 7)] }, attrs(['service.name', str('svc')], ['ip', str('10.0.0.1')], ['pid', int(7)])],
    ['hostname → host.name', { serviceName: 'svc', tags: [tag('hostname', 'h1')] }, attrs(['service.name', str('svc')], ['host.name', str('h1')])],
    ['hostname kept when host.name is there', { serviceName: 'svc', tags: [tag('host.name', 'a'), tag('hostname', 'b')] }, attrs(['service.name', str('svc')], ['host.name', str('a')], ['hostname', str('b')])],
    ['jaeger.version → opencensus.exporterversion', { serviceName: 'svc', tags: [tag('jaeger.version', 'Node-3.19.0')] }, attrs(['service.name', str('svc')], ['opencensus.exporterversion', str('Jaeger-Node-3.19.0')])],
    ['no service name', { serviceName: '', tags: [tag('a', 'b')] }, attrs(['a', str('b')])],
  ] as Array<[string, JaegerBatch['process'], KeyValue[]]>)('%s', (_, process, resource) => {
    expect(jaegerToModel({ process, spans: [jaegerSpan()] }).spans[0]!.resource.attributes).toEqual(resource);
  });
});

describe('the full batch', () => {
  it('shares one resource and one scope object per library, as the other decoders do', () => {
    const { spans } = jaegerToModel(FULL_BATCH);
    expect(spans.map((s) => s.name)).toEqual(['GET /checkout', 'charge', 'notify']);
    expect(new Set(spans.map((s) => s.resource)).size).toBe(1);
    expect(spans.map((s) => s.scope.name)).toEqual(['express', '', 'notifier']);
    expect(spans.map((s) => s.parentSpanId)).toEqual([null, 'ffffffffffffffff', '3132333435363738']);
    expect(spans[1]!.status).toEqual({ code: StatusCode.ERROR, message: 'card declined' });
    expect(spans[1]!.links).toEqual([]);
    expect(spans[2]!.links.map((l) => l.spanId)).toEqual(['3132333435363738', '0000000000000088']);
  });
});
