import { SpanKind, StatusCode, bool, int, str } from '@clew/model';
import type { Span } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { decodeZipkinJson } from './decode-json.js';

const T = '5af7183fb1d4cf5f5af7183fb1d4cf5f';
const base = { traceId: T, id: '6b221d5bc9e6496c', name: 'get /api', timestamp: 1_700_000_000_000_001, duration: 2500 };
const one = (extra: Record<string, unknown>): Span => {
  const r = decodeZipkinJson(JSON.stringify([{ ...base, ...extra }]));
  expect(r.rejectMessage).toBe('');
  return r.spans[0]!;
};

/** Zipkin v2 field → model, one row per rule of OpenTelemetry's translator (zipkinv2/to_translator.go). */
describe('Zipkin v2 → model', () => {
  it.each<[string, Record<string, unknown>, (s: Span) => void]>([
    ['µs timestamp and duration → ns start and end', {}, (s) => {
      expect(s.startTimeUnixNano).toBe(1_700_000_000_000_001_000n);
      expect(s.endTimeUnixNano).toBe(1_700_000_000_002_501_000n);
    }],
    ['a 64-bit trace id is left-padded to 128 bits', { traceId: 'a1b2c3d4e5f60718' }, (s) => expect(s.traceId).toBe('0000000000000000a1b2c3d4e5f60718')],
    ['ids in upper case and shorter than 16 digits are normalised', { traceId: 'ABC', id: 'F' }, (s) => {
      expect(s.traceId).toBe('0'.repeat(29) + 'abc');
      expect(s.spanId).toBe('000000000000000f');
    }],
    ['parentId → parent span id', { parentId: '0000000000000001' }, (s) => expect(s.parentSpanId).toBe('0000000000000001')],
    ['a parentId equal to the id is no parent', { parentId: base.id }, (s) => expect(s.parentSpanId).toBeNull()],
    ['localEndpoint.serviceName → resource service.name', { localEndpoint: { serviceName: 'frontend' } }, (s) =>
      expect(s.resource.attributes).toEqual([{ key: 'service.name', value: str('frontend') }])],
    ['no localEndpoint → an empty resource', {}, (s) => expect(s.resource.attributes).toEqual([])],
    ['localEndpoint ipv4 and port → net.host.ip, net.host.port (int)', { localEndpoint: { serviceName: 'a', ipv4: '10.0.0.1', port: 8080 } }, (s) =>
      expect(s.attributes).toEqual([{ key: 'net.host.ip', value: str('10.0.0.1') }, { key: 'net.host.port', value: int(8080) }])],
    ['ipv6 wins net.host.ip, as the translator writes it last; the ipv4 is kept aside', { localEndpoint: { ipv4: '10.0.0.1', ipv6: '::1' } }, (s) =>
      expect(s.attributes).toEqual([{ key: 'net.host.ip', value: str('::1') }, { key: 'zipkin.local_endpoint.ipv4', value: str('10.0.0.1') }])],
    ['remoteEndpoint with both addresses: net.peer.ip is the ipv6', { remoteEndpoint: { ipv4: '10.0.0.9', ipv6: '2001:db8::1' } }, (s) =>
      expect(s.attributes).toEqual([{ key: 'net.peer.ip', value: str('2001:db8::1') }, { key: 'zipkin.remote_endpoint.ipv4', value: str('10.0.0.9') }])],
    ['shared: true → zipkin.shared=true (the translator drops it)', { kind: 'SERVER', shared: true }, (s) =>
      expect(s.attributes).toEqual([{ key: 'zipkin.shared', value: bool(true) }])],
    ['debug: true → zipkin.debug=true (the translator drops it)', { debug: true }, (s) =>
      expect(s.attributes).toEqual([{ key: 'zipkin.debug', value: bool(true) }])],
    ['shared: false and debug: false add nothing', { shared: false, debug: false }, (s) => expect(s.attributes).toEqual([])],
    ['remoteEndpoint → peer.service, net.peer.ip, net.peer.port', { remoteEndpoint: { serviceName: 'mysql', ipv4: '10.0.0.9', port: 3306 } }, (s) =>
      expect(s.attributes).toEqual([
        { key: 'peer.service', value: str('mysql') },
        { key: 'net.peer.ip', value: str('10.0.0.9') },
        { key: 'net.peer.port', value: int(3306) },
      ])],
    ...(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'] as const).map((k): [string, Record<string, unknown>, (s: Span) => void] => [
      `kind ${k}`, { kind: k }, (s) => expect(s.kind).toBe(SpanKind[k])]),
    ['no kind → UNSPECIFIED', {}, (s) => expect(s.kind).toBe(SpanKind.UNSPECIFIED)],
    ['no kind and tag span.kind=internal → INTERNAL, tag removed', { tags: { 'span.kind': 'internal' } }, (s) => {
      expect(s.kind).toBe(SpanKind.INTERNAL);
      expect(s.attributes).toEqual([]);
    }],
    ['tags → string attributes, in order', { tags: { 'http.method': 'GET', 'http.status_code': '200' } }, (s) =>
      expect(s.attributes).toEqual([{ key: 'http.method', value: str('GET') }, { key: 'http.status_code', value: str('200') }])],
    ['otel.status_code=STATUS_CODE_ERROR + description → status', { tags: { 'otel.status_code': 'STATUS_CODE_ERROR', 'otel.status_description': 'boom' } }, (s) => {
      expect(s.status).toEqual({ code: StatusCode.ERROR, message: 'boom' });
      expect(s.attributes).toEqual([]);
    }],
    ['otel.status_code=OK (the specification\'s spelling) → OK', { tags: { 'otel.status_code': 'OK' } }, (s) => expect(s.status.code).toBe(StatusCode.OK)],
    ['error=true → ERROR, tag removed', { tags: { error: 'true' } }, (s) => {
      expect(s.status).toEqual({ code: StatusCode.ERROR, message: '' });
      expect(s.attributes).toEqual([]);
    }],
    ['error=<message> (Zipkin clients) → ERROR with that message', { tags: { error: 'connection refused' } }, (s) =>
      expect(s.status).toEqual({ code: StatusCode.ERROR, message: 'connection refused' })],
    ['error=false stays a tag', { tags: { error: 'false' } }, (s) => {
      expect(s.status.code).toBe(StatusCode.UNSET);
      expect(s.attributes).toEqual([{ key: 'error', value: str('false') }]);
    }],
    ['resource tags (semantic conventions) → resource attributes', { localEndpoint: { serviceName: 'svc' }, tags: { 'telemetry.sdk.language': 'nodejs', 'host.name': 'h1', k: 'v' } }, (s) => {
      expect(s.resource.attributes).toEqual([
        { key: 'service.name', value: str('svc') },
        { key: 'telemetry.sdk.language', value: str('nodejs') },
        { key: 'host.name', value: str('h1') },
      ]);
      expect(s.attributes).toEqual([{ key: 'k', value: str('v') }]);
    }],
    ['otlp.service.name.source names the resource key of the service', { localEndpoint: { serviceName: 'fn' }, tags: { 'otlp.service.name.source': 'faas.name' } }, (s) =>
      expect(s.resource.attributes).toEqual([{ key: 'faas.name', value: str('fn') }])],
    ['otel.library.name/version → scope', { tags: { 'otel.library.name': 'lib', 'otel.library.version': '1.2' } }, (s) => {
      expect([s.scope.name, s.scope.version]).toEqual(['lib', '1.2']);
      expect(s.attributes).toEqual([]);
    }],
    ['w3c.tracestate → trace state', { tags: { 'w3c.tracestate': 'a=b' } }, (s) => expect(s.traceState).toBe('a=b')],
    ['annotations → events (µs → ns)', { annotations: [{ timestamp: 1_700_000_000_000_100, value: 'cache miss' }] }, (s) =>
      expect(s.events).toEqual([{ timeUnixNano: 1_700_000_000_000_100_000n, name: 'cache miss', attributes: [], droppedAttributesCount: 0 }])],
    ['an annotation "name|{json}|dropped" → event with typed attributes', { annotations: [{ timestamp: 5, value: 'retry|{"attempt":2,"why":"x","ok":false,"f":1.5}|1' }] }, (s) =>
      expect(s.events[0]).toEqual({
        timeUnixNano: 5000n,
        name: 'retry',
        attributes: [{ key: 'attempt', value: int(2) }, { key: 'why', value: str('x') }, { key: 'ok', value: bool(false) }, { key: 'f', value: { type: 'double', value: 1.5 } }],
        droppedAttributesCount: 1,
      })],
    ['otlp.link.N tags → links', { tags: { 'otlp.link.0': `${T}|0000000000000002|k=v|{"a":"b"}|0` } }, (s) => {
      expect(s.links).toEqual([{ traceId: T, spanId: '0000000000000002', traceState: 'k=v', attributes: [{ key: 'a', value: str('b') }], droppedAttributesCount: 0, flags: 0 }]);
      expect(s.attributes).toEqual([]);
    }],
    ['no timestamp → start 0 and otel.zipkin.absentField.startTime=true', { timestamp: undefined, duration: 7 }, (s) => {
      expect([s.startTimeUnixNano, s.endTimeUnixNano]).toEqual([0n, 7000n]);
      expect(s.attributes).toEqual([{ key: 'otel.zipkin.absentField.startTime', value: bool(true) }]);
    }],
  ])('%s', (_name, extra, check) => check(one(extra)));

  it('spans of one service share one Resource object; a shared server span keeps the client\'s id', () => {
    const client = { ...base, kind: 'CLIENT', localEndpoint: { serviceName: 'a' } };
    const server = { ...base, kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'b' } };
    const other = { ...base, id: '0000000000000003', parentId: base.id, localEndpoint: { serviceName: 'b' } };
    const { spans } = decodeZipkinJson(JSON.stringify([client, server, other]));
    expect(spans.map((s) => [s.spanId, s.kind])).toEqual([
      [base.id, SpanKind.CLIENT],
      [base.id, SpanKind.SERVER],
      ['0000000000000003', SpanKind.UNSPECIFIED],
    ]);
    expect(spans[1]!.resource).toBe(spans[2]!.resource);
    expect(spans[0]!.resource).not.toBe(spans[1]!.resource);
  });

  it('refuses spans with all-zero ids one by one, keeping the rest', () => {
    const r = decodeZipkinJson(JSON.stringify([base, { ...base, traceId: '0000000000000000' }]));
    expect(r.spans).toHaveLength(1);
    expect(r.rejected).toBe(1);
    expect(r.rejectMessage).toMatch(/1 span rejected: span 'get \/api' has an invalid trace_id/);
  });
});
