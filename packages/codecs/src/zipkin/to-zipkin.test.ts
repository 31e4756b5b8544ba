import { SpanKind, StatusCode, bool, int, str } from '@clew/model';
import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { decodeZipkinJson } from './decode-json.js';
import { toZipkinSpan, toZipkinTrace } from './to-zipkin.js';

const T0 = 1_700_000_000_000_001_000n as UnixNanos;
const span = (over: Partial<Span>): Span =>
  makeSpan({
    traceId: '0000000000000000a1b2c3d4e5f60718' as TraceId,
    spanId: '6b221d5bc9e6496c' as SpanId,
    name: 'get',
    kind: SpanKind.SERVER,
    startTimeUnixNano: T0,
    endTimeUnixNano: (T0 + 2_500_999n) as UnixNanos,
    resource: makeResource('backend'),
    scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' },
    ...over,
  });

/** Model → Zipkin v2 JSON, one row per rule of OpenTelemetry's exporter (zipkinv2/from_translator.go). */
describe('model → Zipkin v2 JSON', () => {
  it('a plain server span: 64-bit trace id printed with 16 digits, ns → µs truncated, service as localEndpoint', () => {
    expect(toZipkinSpan(span({}))).toEqual({
      traceId: 'a1b2c3d4e5f60718',
      id: '6b221d5bc9e6496c',
      kind: 'SERVER',
      name: 'get',
      timestamp: 1_700_000_000_000_001,
      duration: 2500,
      localEndpoint: { serviceName: 'backend' },
    });
  });

  it.each<[string, Partial<Span>, Record<string, unknown>]>([
    ['internal → no kind, tag span.kind=internal', { kind: SpanKind.INTERNAL }, { kind: undefined, tags: { 'span.kind': 'internal' } }],
    ['unspecified → no kind, no tag', { kind: SpanKind.UNSPECIFIED }, { kind: undefined }],
    ['error with message → error=<message>, otel.status_code=ERROR, otel.status_description', { status: { code: StatusCode.ERROR, message: 'boom' } },
      { tags: { error: 'boom', 'otel.status_code': 'ERROR', 'otel.status_description': 'boom' } }],
    ['error without message → error=true', { status: { code: StatusCode.ERROR, message: '' } }, { tags: { error: 'true', 'otel.status_code': 'ERROR' } }],
    ['ok → otel.status_code=OK; a stray error tag is dropped', { status: { code: StatusCode.OK, message: '' }, attributes: [{ key: 'error', value: str('false') }] },
      { tags: { 'otel.status_code': 'OK' } }],
    ['endpoint attributes → endpoints; other attributes → tags as text', {
      attributes: [
        { key: 'net.host.ip', value: str('10.0.0.1') }, { key: 'net.host.port', value: int(80) },
        { key: 'peer.service', value: str('db') }, { key: 'net.peer.ip', value: str('::1') }, { key: 'net.peer.port', value: int(5432) },
        { key: 'rows', value: int(3) },
      ],
    }, { localEndpoint: { serviceName: 'backend', ipv4: '10.0.0.1', port: 80 }, remoteEndpoint: { serviceName: 'db', ipv6: '::1', port: 5432 }, tags: { rows: '3' } }],
    ['resource attributes and scope → tags', {
      resource: makeResource('backend', [{ key: 'host.name', value: str('h1') }]),
      scope: { name: 'lib', version: '1.0', attributes: [], droppedAttributesCount: 0, schemaUrl: '' },
    }, { tags: { 'host.name': 'h1', 'otel.library.name': 'lib', 'otel.library.version': '1.0' } }],
    ['events → annotations; with attributes packed as name|json|dropped', {
      events: [
        { timeUnixNano: (T0 + 2000n) as UnixNanos, name: 'b', attributes: [{ key: 'n', value: int(1) }], droppedAttributesCount: 0 },
        { timeUnixNano: (T0 + 1000n) as UnixNanos, name: 'a', attributes: [], droppedAttributesCount: 0 },
      ],
    }, { annotations: [{ timestamp: 1_700_000_000_000_002, value: 'a' }, { timestamp: 1_700_000_000_000_003, value: 'b|{"n":1}|0' }] }],
    ['trace state → w3c.tracestate', { traceState: 'k=v' }, { tags: { 'w3c.tracestate': 'k=v' } }],
  ])('%s', (_name, over, expected) => {
    const z = toZipkinSpan(span(over)) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) expect(z[k], k).toEqual(v);
  });

  it('marks the server half of a shared RPC span as shared', () => {
    const client = span({ kind: SpanKind.CLIENT, resource: makeResource('frontend') });
    const server = span({});
    expect(toZipkinTrace([client, server]).map((z) => z.shared)).toEqual([undefined, true]);
  });

  it.each<[string, Partial<Span>, Record<string, unknown>]>([
    ['zipkin.shared=true → shared, with no client half in the trace', { attributes: [{ key: 'zipkin.shared', value: bool(true) }] }, { shared: true, tags: undefined }],
    ['zipkin.debug=true → debug', { attributes: [{ key: 'zipkin.debug', value: bool(true) }] }, { debug: true, tags: undefined }],
    ['an ipv4 kept aside goes back beside the ipv6', {
      attributes: [
        { key: 'net.host.ip', value: str('::1') }, { key: 'zipkin.local_endpoint.ipv4', value: str('10.0.0.1') },
        { key: 'net.peer.ip', value: str('2001:db8::1') }, { key: 'zipkin.remote_endpoint.ipv4', value: str('10.0.0.9') },
      ],
    }, { localEndpoint: { serviceName: 'backend', ipv4: '10.0.0.1', ipv6: '::1' }, remoteEndpoint: { ipv4: '10.0.0.9', ipv6: '2001:db8::1' }, tags: undefined }],
  ])('%s', (_name, over, expected) => {
    const z = toZipkinSpan(span(over)) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) expect(z[k], k).toEqual(v);
  });

  it('Zipkin → model → Zipkin gives back what the client sent (a failed span gains the status tags the exporter writes)', () => {
    // Both addresses of an endpoint, debug, and shared without the client half come back too.
    const sent = [
      {
        traceId: '5af7183fb1d4cf5f',
        parentId: '0000000000000001',
        id: '6b221d5bc9e6496c',
        kind: 'CLIENT',
        name: 'get /api',
        timestamp: 1_700_000_000_000_001,
        duration: 2500,
        localEndpoint: { serviceName: 'frontend', ipv4: '10.1.2.3', ipv6: '2001:db8::a', port: 8080 },
        remoteEndpoint: { serviceName: 'backend', ipv6: '2001:db8::c001', port: 443 },
        annotations: [{ timestamp: 1_700_000_000_000_100, value: 'ws' }],
        tags: { error: 'boom', 'http.method': 'GET' },
        debug: true,
      },
      { traceId: '5af7183fb1d4cf5f', parentId: '0000000000000001', id: '6b221d5bc9e6496c', kind: 'SERVER', name: 'get /api', timestamp: 1_700_000_000_000_050, duration: 2000, localEndpoint: { serviceName: 'backend' }, shared: true },
      // The server half of another shared span, whose client half is not in the trace.
      { traceId: '5af7183fb1d4cf5f', parentId: '6b221d5bc9e6496c', id: '0000000000000007', kind: 'SERVER', name: 'get /db', timestamp: 1_700_000_000_000_060, duration: 100, localEndpoint: { serviceName: 'db' }, shared: true },
    ];
    const expected: Array<Record<string, unknown>> = structuredClone(sent);
    expected[0]!.tags = { error: 'boom', 'http.method': 'GET', 'otel.status_code': 'ERROR', 'otel.status_description': 'boom' };
    expect(toZipkinTrace(decodeZipkinJson(JSON.stringify(sent)).spans)).toEqual(expected);
  });
});
