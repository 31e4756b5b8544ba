// Test fixtures: spans that between them use every field and every attribute type the model has.
import type { AnyValue, Resource, Scope, Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { dbl, int, str } from '@clew/model';
import { makeSpan } from '@clew/model/testing';

export const TRACE = '0af7651916cd43dd8448eb211c80319c' as TraceId;
export const SPAN = 'b7ad6b7169203331' as SpanId;
export const PARENT = '00f067aa0ba902b7' as SpanId;
export const t = (n: bigint): UnixNanos => n as UnixNanos;

export const RESOURCE: Resource = {
  attributes: [
    { key: 'service.name', value: str('checkout') },
    { key: 'host.cores', value: int(8) },
  ],
  droppedAttributesCount: 2,
  entityRefs: [
    { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0', type: 'service', idKeys: ['service.name', 'service.namespace'], descriptionKeys: ['service.version'] },
    { schemaUrl: '', type: 'host', idKeys: ['host.id'], descriptionKeys: [] },
  ],
  schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
};

export const SCOPE: Scope = {
  name: '@opentelemetry/instrumentation-http',
  version: '0.52.1',
  attributes: [{ key: 'scope.attr', value: str('x') }],
  droppedAttributesCount: 1,
  schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
};

/** One attribute value of each kind, including the awkward ones. */
export const VALUES: [string, AnyValue][] = [
  ['string', str('GET /api/cart')],
  ['empty string', str('')],
  ['unicode string', str('héllo wörld ✓ 𝄞 日本語')],
  ['long string', str('x'.repeat(300))],
  ['bool true', { type: 'bool', value: true }],
  ['bool false', { type: 'bool', value: false }],
  ['int zero', int(0)],
  ['int small', int(200)],
  ['int negative', int(-1)],
  ['int beyond 2^53', { type: 'int', value: 9007199254740993n }],
  ['int64 max', { type: 'int', value: 2n ** 63n - 1n }],
  ['int64 min', { type: 'int', value: -(2n ** 63n) }],
  ['int negative beyond 2^53', { type: 'int', value: -9007199254740993n }],
  ['double', dbl(3.25)],
  ['double zero', dbl(0)],
  ['double tiny', dbl(5e-324)],
  ['double NaN', dbl(NaN)],
  ['double +Infinity', dbl(Infinity)],
  ['double -Infinity', dbl(-Infinity)],
  ['bytes', { type: 'bytes', value: new Uint8Array([0, 1, 2, 254, 255]) }],
  ['empty bytes', { type: 'bytes', value: new Uint8Array(0) }],
  ['empty value', { type: 'empty' }],
  ['array', { type: 'array', value: [str('a'), int(1), dbl(1.5), { type: 'bool', value: true }] }],
  ['empty array', { type: 'array', value: [] }],
  [
    'nested array and kvlist',
    {
      type: 'array',
      value: [
        { type: 'array', value: [int(-5), { type: 'empty' }] },
        { type: 'kvlist', value: [{ key: 'k', value: { type: 'array', value: [str('deep')] } }] },
      ],
    },
  ],
  ['kvlist', { type: 'kvlist', value: [{ key: 'a', value: str('b') }, { key: 'a', value: int(2) }, { key: '', value: { type: 'empty' } }] }],
  ['empty kvlist', { type: 'kvlist', value: [] }],
];

/** Spans named for the case they cover; each differs from a plain span in the fields its name says. */
export function sampleSpans(): [string, Span][] {
  const base = { traceId: TRACE, spanId: SPAN, resource: RESOURCE, scope: SCOPE };
  return [
    ['minimal root span', makeSpan({ ...base })],
    ['all defaults (zero times, no name, unspecified kind)', makeSpan({ ...base, name: '', kind: 0, flags: 0, startTimeUnixNano: t(0n), endTimeUnixNano: t(0n) })],
    ['child span with parent', makeSpan({ ...base, parentSpanId: PARENT })],
    ['trace state and flags', makeSpan({ ...base, traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', flags: 0x301 })],
    ['max fixed32 flags', makeSpan({ ...base, flags: 0xffffffff })],
    ['each kind', makeSpan({ ...base, kind: 5 })],
    ['times beyond 2^53 and max fixed64', makeSpan({ ...base, startTimeUnixNano: t(1_700_000_000_123_456_789n), endTimeUnixNano: t(2n ** 64n - 1n) })],
    ['error status', makeSpan({ ...base, status: { code: 2, message: 'connection refused' } })],
    ['ok status without message', makeSpan({ ...base, status: { code: 1, message: '' } })],
    ['unset status with message', makeSpan({ ...base, status: { code: 0, message: 'odd but legal' } })],
    ['attributes of every type', makeSpan({ ...base, attributes: VALUES.map(([key, value]) => ({ key, value })) })],
    ['duplicate attribute keys', makeSpan({ ...base, attributes: [{ key: 'a', value: str('1') }, { key: 'a', value: str('2') }] })],
    ['dropped counts', makeSpan({ ...base, droppedAttributesCount: 3, droppedEventsCount: 4, droppedLinksCount: 4294967295 })],
    [
      'events',
      makeSpan({
        ...base,
        events: [
          { timeUnixNano: t(1_700_000_000_000_000_001n), name: 'exception', attributes: [{ key: 'exception.type', value: str('Error') }], droppedAttributesCount: 1 },
          { timeUnixNano: t(0n), name: '', attributes: [], droppedAttributesCount: 0 },
        ],
      }),
    ],
    [
      'links',
      makeSpan({
        ...base,
        links: [
          { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' as TraceId, spanId: '00f067aa0ba902b7' as SpanId, traceState: 'a=b', attributes: [{ key: 'l', value: int(1) }], droppedAttributesCount: 2, flags: 0x101 },
          { traceId: TRACE, spanId: PARENT, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 },
        ],
      }),
    ],
    ['bare resource and scope', makeSpan({ traceId: TRACE, spanId: SPAN, resource: { attributes: [], droppedAttributesCount: 0, entityRefs: [], schemaUrl: '' }, scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' } })],
  ];
}
