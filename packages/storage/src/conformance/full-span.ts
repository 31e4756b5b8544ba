import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { SpanKind, StatusCode } from '@clew/model';
import { makeSpan } from '@clew/model/testing';

const bytes = (...b: number[]) => new Uint8Array(b);

/** A span that uses every field and every kind of attribute value the model can hold, edge values included. */
export function fullSpan(traceId: TraceId): Span {
  const start = 1_764_000_000_123_456_789n as UnixNanos;
  return makeSpan({
    traceId,
    spanId: '1122334455667788' as SpanId,
    parentSpanId: 'ffeeddccbbaa9988' as SpanId,
    traceState: 'vendor=a:b,other=c',
    flags: 0x301,
    name: 'weird \u0000\x1e\x1f name ü 🚀',
    kind: SpanKind.CONSUMER,
    startTimeUnixNano: start,
    endTimeUnixNano: (start + 987_654_321n) as UnixNanos,
    attributes: [
      { key: 's', value: { type: 'string', value: 'text with \x19\x1a\x1b\x1c\x1d\x1e\x1f and "quotes" and \'=\'' } },
      { key: 'empty.string', value: { type: 'string', value: '' } },
      { key: 'b', value: { type: 'bool', value: false } },
      { key: 'i.max', value: { type: 'int', value: 9_223_372_036_854_775_807n } },
      { key: 'i.min', value: { type: 'int', value: -9_223_372_036_854_775_808n } },
      { key: 'i.big', value: { type: 'int', value: 9_007_199_254_740_993n } },
      { key: 'd', value: { type: 'double', value: 1.5e-300 } },
      { key: 'd.nan', value: { type: 'double', value: NaN } },
      { key: 'd.inf', value: { type: 'double', value: Infinity } },
      { key: 'd.ninf', value: { type: 'double', value: -Infinity } },
      { key: 'd.negzero', value: { type: 'double', value: -0 } },
      { key: 'bytes', value: { type: 'bytes', value: bytes(0, 1, 255, 30, 31) } },
      { key: 'bytes.empty', value: { type: 'bytes', value: bytes() } },
      { key: 'arr', value: { type: 'array', value: [{ type: 'string', value: 'x' }, { type: 'int', value: 1n }, { type: 'double', value: 1 }, { type: 'array', value: [] }, { type: 'empty' }] } },
      { key: 'kv', value: { type: 'kvlist', value: [{ key: 'inner', value: { type: 'kvlist', value: [{ key: 'deep', value: { type: 'bool', value: true } }] } }, { key: 'inner', value: { type: 'bytes', value: bytes(9) } }] } },
      { key: 'nothing', value: { type: 'empty' } },
      { key: 's', value: { type: 'string', value: 'duplicate key, kept in order' } },
      { key: '', value: { type: 'string', value: 'empty key' } },
      { key: 'http.method', value: { type: 'string', value: 'PATCH' } },
      { key: 'http.method', value: { type: 'string', value: 'PUT' } },
    ],
    droppedAttributesCount: 3,
    events: [
      { timeUnixNano: (start - 5n) as UnixNanos, name: 'before start', attributes: [], droppedAttributesCount: 0 },
      { timeUnixNano: (start + 10n) as UnixNanos, name: 'exception', attributes: [{ key: 'exception.type', value: { type: 'string', value: 'Boom' } }, { key: 'n', value: { type: 'int', value: -1n } }], droppedAttributesCount: 1 },
    ],
    droppedEventsCount: 2,
    links: [
      { traceId: 'abcdefabcdefabcdefabcdefabcdef01' as TraceId, spanId: '0102030405060708' as SpanId, traceState: 'k=v', attributes: [{ key: 'link.kind', value: { type: 'string', value: 'follows' } }], droppedAttributesCount: 4, flags: 0x101 },
      { traceId: 'abcdefabcdefabcdefabcdefabcdef02' as TraceId, spanId: '0102030405060709' as SpanId, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 },
    ],
    droppedLinksCount: 5,
    status: { code: StatusCode.ERROR, message: 'it broke: \x1e' },
    resource: {
      attributes: [
        { key: 'service.name', value: { type: 'string', value: 'full-service' } },
        { key: 'host.id', value: { type: 'int', value: 42n } },
        { key: 'tags', value: { type: 'array', value: [{ type: 'string', value: 'a' }] } },
      ],
      droppedAttributesCount: 7,
      entityRefs: [{ schemaUrl: 'https://schema/1', type: 'service', idKeys: ['service.name'], descriptionKeys: ['host.id', 'tags'] }],
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    },
    scope: {
      name: 'my-lib',
      version: '2.0.1',
      attributes: [{ key: 'scope.attr', value: { type: 'double', value: 0.25 } }],
      droppedAttributesCount: 1,
      schemaUrl: 'https://scope/schema',
    },
  });
}
