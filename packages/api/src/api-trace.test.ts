import type { Span, UnixNanos } from '@clew/model';
import { int, str, StatusCode, SpanKind } from '@clew/model';
import { makeResource, makeSpan, makeTrace, TEST_SCOPE } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { fromApiTrace } from './from-api-trace.js';
import { toApiTrace } from './to-api-trace.js';
import { ApiTraceSchema } from './trace.js';

const T0 = 1_700_000_000_123_456_789n as UnixNanos;

/** Every attribute type OTLP has, including values JSON cannot hold as numbers. */
const EVERY_TYPE = [
  { key: 's', value: str('text') },
  { key: 'b', value: { type: 'bool', value: true } },
  { key: 'big', value: int(9_223_372_036_854_775_807n) },
  { key: 'neg', value: int(-5n) },
  { key: 'd', value: { type: 'double', value: 1.25 } },
  { key: 'nan', value: { type: 'double', value: NaN } },
  { key: 'inf', value: { type: 'double', value: -Infinity } },
  { key: 'bytes', value: { type: 'bytes', value: new Uint8Array([0, 1, 254, 255]) } },
  { key: 'arr', value: { type: 'array', value: [str('a'), int(1n), { type: 'array', value: [] }] } },
  { key: 'kv', value: { type: 'kvlist', value: [{ key: 'inner', value: { type: 'kvlist', value: [{ key: 'x', value: int(2n) }] } }] } },
  { key: 'empty', value: { type: 'empty' } },
  { key: 's', value: str('duplicate keys are kept') },
] as const satisfies Span['attributes'];

function richTrace(): Span[] {
  const [root, child] = makeTrace(T0, { service: 'frontend', name: 'GET /', at: 0, ms: 10, children: [{ service: 'cart', name: 'get', at: 1, ms: 5, error: true }] });
  const rich = makeSpan({
    traceId: root!.traceId,
    parentSpanId: child!.spanId,
    traceState: 'k=v',
    flags: 0x301,
    kind: SpanKind.CLIENT,
    startTimeUnixNano: (T0 + 2_000_001n) as UnixNanos,
    endTimeUnixNano: (T0 + 3_000_001n) as UnixNanos,
    attributes: EVERY_TYPE,
    droppedAttributesCount: 3,
    events: [{ timeUnixNano: (T0 + 2_500_000n) as UnixNanos, name: 'exception', attributes: EVERY_TYPE, droppedAttributesCount: 1 }],
    droppedEventsCount: 2,
    links: [{ traceId: root!.traceId, spanId: root!.spanId, traceState: 'a=b', attributes: [{ key: 'l', value: str('v') }], droppedAttributesCount: 4, flags: 1 }],
    droppedLinksCount: 5,
    status: { code: StatusCode.OK, message: 'fine' },
    resource: makeResource('cart', [{ key: 'host.name', value: str('h1') }]),
    scope: { ...TEST_SCOPE, attributes: [{ key: 'scope.attr', value: int(1n) }], schemaUrl: 'https://opentelemetry.io/schemas/1.21.0' },
  });
  return [child!, rich, root!];
}

describe('toApiTrace / fromApiTrace', () => {
  it('round-trips through JSON and the schema without losing anything', () => {
    const spans = richTrace();
    const json = JSON.parse(JSON.stringify(toApiTrace(spans)));
    const api = ApiTraceSchema.parse(json);
    const back = fromApiTrace(api);
    const byStart = [...spans].sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    expect(back).toEqual(byStart);
  });

  it('orders spans by start and writes resources and scopes once', () => {
    const api = toApiTrace(richTrace());
    expect(api.spans.map((s) => s.name)).toEqual(['GET /', 'get', 'op']);
    // frontend and cart from makeTrace; the rich span's cart resource has another attribute, so it is a third
    expect(api.resources.map((r) => r.serviceName)).toEqual(['frontend', 'cart', 'cart']);
    expect(api.scopes).toHaveLength(2);
    expect(api.spans[0]!.startTimeUnixNano).toBe('1700000000123456789');
  });

  it('writes typed values the way the contract says', () => {
    const api = toApiTrace(richTrace());
    const attrs = api.spans[2]!.attributes;
    expect(attrs.slice(2, 8)).toEqual([
      { key: 'big', type: 'int', value: '9223372036854775807' },
      { key: 'neg', type: 'int', value: '-5' },
      { key: 'd', type: 'double', value: 1.25 },
      { key: 'nan', type: 'double', value: 'NaN' },
      { key: 'inf', type: 'double', value: '-Infinity' },
      { key: 'bytes', type: 'bytes', value: 'AAH+/w==' },
    ]);
    expect(api.spans[2]!.kind).toBe('client');
    expect(api.spans[1]!.status).toEqual({ code: 'error', message: 'failed' });
  });

  it('shares one resource entry among equal resources from different objects', () => {
    const a = makeSpan({ resource: makeResource('x') });
    const b = makeSpan({ traceId: a.traceId, resource: makeResource('x') });
    expect(toApiTrace([a, b]).resources).toHaveLength(1);
  });
});
