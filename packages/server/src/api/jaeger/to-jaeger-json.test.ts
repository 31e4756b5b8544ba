import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { bool, dbl, int, SpanKind, str, StatusCode } from '@clew/model';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeResource, makeSpan } from '@clew/model/testing';
import { goJsonStringify } from './go-json.js';
import { toJaegerDependencies } from './dependencies.js';
import { toJaegerTrace } from './to-jaeger-json.js';

const T = 1_700_000_000_000_000_000n;
const at = (us: number): UnixNanos => (T + BigInt(us) * 1000n) as UnixNanos;
const TRACE = '0af7651916cd43dd8448eb211c80319c' as TraceId;
const sid = (n: number): SpanId => n.toString(16).padStart(16, '0') as SpanId;

/*
 * frontend  GET /cart   |==========================| 0..1000µs  SERVER, OK, sdk attrs on the span
 * cart        getCart     |=============|            100..600µs CLIENT, ERROR "boom", event at 300µs, link
 * cart        getCart     |=============|            same id, SERVER (Zipkin-style shared id)
 */
const frontend = makeResource('frontend', [{ key: 'host.name', value: str('web-1') }]);
const cart = makeResource('cart', [{ key: 'zone', value: str('b') }]);
const scope = { name: 'io.opentelemetry.http', version: '1.2.3', attributes: [], droppedAttributesCount: 0, schemaUrl: '' };

const spans: Span[] = [
  makeSpan({
    traceId: TRACE,
    spanId: sid(1),
    name: 'GET /cart',
    kind: SpanKind.SERVER,
    startTimeUnixNano: at(0),
    endTimeUnixNano: (at(1000) + 999n) as UnixNanos, // sub-µs remainders are truncated
    attributes: [
      { key: 'http.status_code', value: int(200) },
      { key: 'telemetry.sdk.language', value: str('nodejs') },
      { key: 'big', value: int(9007199254740993n) },
      { key: 'cart.items', value: { type: 'array', value: [str('a<b'), int(2)] } },
      { key: 'blob', value: { type: 'bytes', value: new Uint8Array([1, 2, 255]) } },
      { key: 'ratio', value: dbl(0.25) },
      { key: 'cached', value: bool(false) },
    ],
    status: { code: StatusCode.OK, message: '' },
    traceState: 'vendor=1',
    resource: frontend,
    scope,
  }),
  makeSpan({
    traceId: TRACE,
    spanId: sid(2),
    parentSpanId: sid(1),
    name: 'getCart',
    kind: SpanKind.CLIENT,
    startTimeUnixNano: at(100),
    endTimeUnixNano: at(600),
    events: [
      { timeUnixNano: at(300), name: 'retry', attributes: [{ key: 'attempt', value: int(2) }], droppedAttributesCount: 0 },
    ],
    links: [
      { traceId: 'ffffffffffffffffffffffffffffffff' as TraceId, spanId: sid(9), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 },
    ],
    status: { code: StatusCode.ERROR, message: 'boom' },
    resource: frontend,
    scope,
  }),
  makeSpan({
    traceId: TRACE,
    spanId: sid(2),
    parentSpanId: sid(1),
    name: 'getCart',
    kind: SpanKind.SERVER,
    startTimeUnixNano: at(150),
    endTimeUnixNano: at(550),
    resource: cart,
    scope: { ...scope, name: '', version: '' },
  }),
];

describe('model → Jaeger v1 JSON', () => {
  it('matches the golden trace (adjusted as Jaeger v2.20 does)', () => {
    const actual = goJsonStringify(toJaegerTrace(spans), '  ');
    const golden = readFileSync(new URL('./fixtures/trace-golden.json', import.meta.url), 'utf8').trim();
    expect(actual).toBe(golden);
  });

  it('raw skips the adjusters: attributes stay in order, the shared span id stays', () => {
    const raw = toJaegerTrace(spans, true);
    expect(raw.spans.map((s) => s.spanID)).toEqual([sid(1), sid(2), sid(2)]);
    expect(raw.spans[0]!.tags.map((t) => t.key).slice(2, 4)).toEqual(['http.status_code', 'telemetry.sdk.language']);
  });

  it('a resource without attributes becomes OTLPResourceNoServiceName; an empty value is an empty string', () => {
    const bare = makeSpan({
      traceId: '0000000000000000000000000000abcd' as TraceId,
      resource: { attributes: [], droppedAttributesCount: 0, entityRefs: [], schemaUrl: '' },
      scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' },
      kind: SpanKind.UNSPECIFIED,
      attributes: [{ key: 'nothing', value: { type: 'empty' } }],
    });
    const t = toJaegerTrace([bare]);
    expect(t.traceID).toBe('000000000000abcd'); // 64-bit ids print with 16 digits
    expect(t.processes).toEqual({ p1: { serviceName: 'OTLPResourceNoServiceName', tags: [] } });
    expect(t.spans[0]!.tags).toEqual([{ key: 'nothing', type: 'string', value: '' }]);
    expect(t.spans[0]!.references).toEqual([]);
  });

  it('drops an identical duplicate span and links without a trace id (with a warning)', () => {
    const s = makeSpan({
      traceId: TRACE,
      links: [{ traceId: '0'.repeat(32) as TraceId, spanId: sid(3), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }],
    });
    const t = toJaegerTrace([s, s]);
    expect(t.spans).toHaveLength(1);
    expect(t.spans[0]!.references).toEqual([]);
    expect(t.spans[0]!.warnings).toEqual(['Invalid span link removed']);
  });

  it('a link restating the parent sets the parent reference’s type', () => {
    const s = makeSpan({
      traceId: TRACE,
      parentSpanId: sid(7),
      links: [{ traceId: TRACE, spanId: sid(7), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }],
    });
    expect(toJaegerTrace([s]).spans[0]!.references).toEqual([{ refType: 'FOLLOWS_FROM', traceID: TRACE, spanID: sid(7) }]);
  });

  it('numbers processes p1… in order of use and writes their keys sorted as Go does', () => {
    const many = Array.from({ length: 11 }, (_, i) => makeSpan({ traceId: TRACE, resource: makeResource(`svc-${i}`) }));
    const t = toJaegerTrace(many);
    expect(Object.keys(t.processes)).toEqual(['p1', 'p10', 'p11', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
    expect(t.processes['p10']!.serviceName).toBe('svc-9');
  });
});

describe('dependencies → Jaeger JSON', () => {
  const links = [
    { parent: 'frontend', child: 'cart', callCount: 3, errorCount: 1 },
    { parent: 'cart', child: 'redis', callCount: 5, errorCount: 0 },
    { parent: 'frontend', child: 'cart', callCount: 2, errorCount: 0 },
  ];

  it.each([
    ['', [{ parent: 'cart', child: 'redis', callCount: 5 }, { parent: 'frontend', child: 'cart', callCount: 5 }]],
    ['redis', [{ parent: 'cart', child: 'redis', callCount: 5 }]],
    ['nobody', []],
  ])('service=%j', (service, expected) => {
    expect(toJaegerDependencies(links, service)).toEqual(expected);
  });
});
