import { decodeOtlpJson, encodeOtlpJson, encodeOtlpProto } from '@clew/codecs';
import type { Resource, Scope, Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { SpanKind, StatusCode } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { getJson, useClewProcess, waitForTrace } from '@clew/testing/clew-process';

const running = useClewProcess();

const resource: Resource = {
  attributes: [
    { key: 'service.name', value: { type: 'string', value: 'ledger' } },
    { key: 'host.id', value: { type: 'bytes', value: new Uint8Array([0, 1, 2, 254, 255]) } },
    { key: 'process.pid', value: { type: 'int', value: 4242n } },
  ],
  droppedAttributesCount: 3,
  entityRefs: [{ schemaUrl: 'https://opentelemetry.io/schemas/1.30.0', type: 'host', idKeys: ['host.id'], descriptionKeys: [] }],
  schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
};

const scope: Scope = {
  name: 'ledger-instrumentation',
  version: '0.9.1',
  attributes: [{ key: 'scope.tier', value: { type: 'string', value: 'gold' } }],
  droppedAttributesCount: 1,
  schemaUrl: 'https://opentelemetry.io/schemas/1.29.0',
};

/** Every kind of value the model holds, with the edges that lossy systems get wrong. */
function everyField(traceId: string): Span[] {
  const t0 = 1_795_000_000_123_456_789n;
  const root: Span = {
    traceId: traceId as TraceId,
    spanId: '00f067aa0ba902b7' as SpanId,
    parentSpanId: null,
    traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    flags: 0x301,
    name: 'POST /ledger/entries',
    kind: SpanKind.SERVER,
    startTimeUnixNano: t0 as UnixNanos,
    endTimeUnixNano: (t0 + 1_000_000_007n) as UnixNanos,
    attributes: [
      { key: 'int.max', value: { type: 'int', value: 9_223_372_036_854_775_807n } },
      { key: 'int.min', value: { type: 'int', value: -9_223_372_036_854_775_808n } },
      { key: 'int.beyond.2^53', value: { type: 'int', value: 9_007_199_254_740_993n } },
      { key: 'double', value: { type: 'double', value: 0.1 + 0.2 } },
      { key: 'double.tiny', value: { type: 'double', value: 5e-324 } },
      { key: 'double.inf', value: { type: 'double', value: Infinity } },
      { key: 'bool', value: { type: 'bool', value: false } },
      { key: 'bytes', value: { type: 'bytes', value: new Uint8Array([0, 255, 128, 10]) } },
      { key: 'empty', value: { type: 'empty' } },
      { key: 'unicode', value: { type: 'string', value: 'Grüße, 世界 🧵' } },
      {
        key: 'array',
        value: {
          type: 'array',
          value: [
            { type: 'string', value: 'a' },
            { type: 'int', value: -1n },
            { type: 'array', value: [{ type: 'bool', value: true }] },
          ],
        },
      },
      {
        key: 'kvlist',
        value: {
          type: 'kvlist',
          value: [
            { key: 'nested', value: { type: 'kvlist', value: [{ key: 'deep', value: { type: 'double', value: -2.5 } }] } },
            { key: 'n', value: { type: 'int', value: 12_345_678_901_234_567n } },
          ],
        },
      },
      { key: 'dup', value: { type: 'string', value: 'first' } },
      { key: 'dup', value: { type: 'string', value: 'second' } },
    ],
    droppedAttributesCount: 2,
    events: [
      {
        timeUnixNano: (t0 + 1n) as UnixNanos,
        name: 'exception',
        attributes: [
          { key: 'exception.type', value: { type: 'string', value: 'LedgerError' } },
          { key: 'exception.stacktrace', value: { type: 'string', value: 'at post (ledger.js:10:3)\n  at run' } },
        ],
        droppedAttributesCount: 4,
      },
      { timeUnixNano: (t0 + 999_999_999n) as UnixNanos, name: 'committed', attributes: [], droppedAttributesCount: 0 },
    ],
    droppedEventsCount: 5,
    links: [
      {
        traceId: '0af7651916cd43dd8448eb211c80319c' as TraceId,
        spanId: 'b7ad6b7169203331' as SpanId,
        traceState: 'vendor=x',
        attributes: [{ key: 'link.reason', value: { type: 'string', value: 'batch' } }],
        droppedAttributesCount: 6,
        flags: 0x101,
      },
    ],
    droppedLinksCount: 7,
    status: { code: StatusCode.ERROR, message: 'insufficient funds' },
    resource,
    scope,
  };
  const child: Span = {
    ...root,
    spanId: '1111111111111111' as SpanId,
    parentSpanId: root.spanId,
    traceState: '',
    flags: 0,
    name: 'INSERT entries',
    kind: SpanKind.CLIENT,
    startTimeUnixNano: (t0 + 3n) as UnixNanos,
    endTimeUnixNano: (t0 + 4n) as UnixNanos,
    attributes: [{ key: 'db.system', value: { type: 'string', value: 'postgresql' } }],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.OK, message: '' },
  };
  return [root, child];
}

const bySpanId = (a: Span, b: Span) => (a.spanId < b.spanId ? -1 : 1);

describe('nothing is lost in the round trip: OTLP in, api_v3 OTLP JSON out', () => {
  it.each([
    ['protobuf', 'application/x-protobuf', (s: Span[]) => encodeOtlpProto(s)],
    ['JSON', 'application/json', (s: Span[]) => JSON.stringify(encodeOtlpJson(s))],
  ] as const)('sent as OTLP %s, every field comes back equal', async (_name, contentType, encode) => {
    const traceId = Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
    const sent = everyField(traceId);
    const res = await fetch(running().otlpHttp, { method: 'POST', headers: { 'content-type': contentType }, body: encode(sent) });
    expect(res.status).toBe(200);
    await waitForTrace(running().query, traceId, 2);

    const v3 = await getJson(`${running().query}/api/v3/traces/${traceId}`);
    expect(v3.status).toBe(200);
    const back = decodeOtlpJson(JSON.stringify(v3.body.result));
    expect(back.rejected).toBe(0);
    expect([...back.spans].sort(bySpanId)).toEqual([...sent].sort(bySpanId));
  });
});
