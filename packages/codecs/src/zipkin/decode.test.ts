import { SpanKind, StatusCode, int, str } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../decode-error.js';
import { encodeZipkinProto3 } from '@clew/testing/zipkin-proto3';
import { decodeZipkinJson } from './decode-json.js';
import { decodeZipkinV1Json } from './decode-json-v1.js';
import { decodeZipkinProto } from './decode-proto.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const json = {
  traceId: '5af7183fb1d4cf5f5af7183fb1d4cf5f',
  parentId: '0000000000000001',
  id: '6b221d5bc9e6496c',
  kind: 'SERVER',
  name: 'get /api',
  timestamp: 1_700_000_000_000_001,
  duration: 2500,
  localEndpoint: { serviceName: 'backend', ipv4: '10.1.2.3', port: 8080 },
  remoteEndpoint: { serviceName: 'frontend', ipv6: '2001:db8::c001', port: 443 },
  annotations: [{ timestamp: 1_700_000_000_000_100, value: 'wr' }],
  tags: { 'http.method': 'GET', error: 'boom' },
  shared: true,
};

describe('Zipkin proto3', () => {
  it('decodes what protobufjs encodes from zipkin.proto3 exactly as the same span in JSON', () => {
    const body = encodeZipkinProto3([
      {
        traceId: hex(json.traceId),
        parentId: hex(json.parentId),
        id: hex(json.id),
        kind: 2,
        name: json.name,
        timestamp: json.timestamp,
        duration: json.duration,
        localEndpoint: { serviceName: 'backend', ipv4: Buffer.from([10, 1, 2, 3]), port: 8080 },
        remoteEndpoint: { serviceName: 'frontend', ipv6: hex('20010db8' + '0000'.repeat(5) + 'c001'), port: 443 },
        annotations: [{ timestamp: 1_700_000_000_000_100, value: 'wr' }],
        tags: { 'http.method': 'GET', error: 'boom' },
        shared: true,
      },
    ]);
    expect(decodeZipkinProto(body)).toEqual(decodeZipkinJson(JSON.stringify([json])));
  });

  it('keeps a 64-bit trace id (8 bytes) left-padded, and an empty list is no spans', () => {
    const { spans } = decodeZipkinProto(encodeZipkinProto3([{ traceId: hex('a1b2c3d4e5f60718'), id: hex(json.id), name: 'x', timestamp: 1 }]));
    expect(spans[0]!.traceId).toBe('0000000000000000a1b2c3d4e5f60718');
    expect(decodeZipkinProto(new Uint8Array()).spans).toEqual([]);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['a truncated body', encodeZipkinProto3([{ traceId: hex(json.traceId), id: hex(json.id), name: 'x' }]).subarray(0, 12), /past the end of the message at byte 1 in ListOfSpans/],
    ['a 5-byte span id', encodeZipkinProto3([{ traceId: hex(json.traceId), id: hex('0102030405') }]), /id must be 8 bytes, not 5 at byte \d+ in Span/],
    ['a span without a trace id', encodeZipkinProto3([{ id: hex(json.id) }]), /missing trace_id at byte 2 in Span/],
    ['JSON sent as protobuf', Buffer.from('[{"traceId":"1"}]'), /wrong wire type|invalid|past the end/],
  ])('refuses %s, saying what and where', (_name, body, message) => {
    expect(() => decodeZipkinProto(body)).toThrow(DecodeError);
    expect(() => decodeZipkinProto(body)).toThrow(message);
  });
});

describe('Zipkin v2 JSON errors name the place', () => {
  it.each([
    ['{"resourceSpans":[]}', 'expected an array at the top level'],
    ['[{"traceId":"xyz","id":"1"}]', 'expected 1 to 32 hex digits, not "xyz" at [0].traceId'],
    ['[{"traceId":"1","id":"1"},{"traceId":"1"}]', 'missing id at [1].id'],
    ['[{"traceId":"1","id":"1","timestamp":"soon"}]', 'expected microseconds as a non-negative number, not "soon" at [0].timestamp'],
    ['[{"traceId":"1","id":"1","kind":"SIDEWAYS"}]', 'unknown span kind "SIDEWAYS" at [0].kind'],
    ['[{"traceId":"1","id":"1","tags":{"a":{"b":1}}}]', 'expected a string tag value, not {"b":1} at [0].tags["a"]'],
    ['[{"traceId":"1","id":"1","localEndpoint":{"port":70000}}]', 'expected a port number, not 70000 at [0].localEndpoint.port'],
    ['[{"traceId":', /^invalid JSON: /],
    ['', 'empty body (expected a JSON list of spans)'],
  ])('%s', (body, message) => {
    expect(() => decodeZipkinJson(body)).toThrow(message);
  });
});

describe('Zipkin v1 JSON, converted to v2 as Zipkin does', () => {
  const ep = (serviceName: string, ipv4 = '10.0.0.1', port = 0) => ({ serviceName, ipv4, ...(port && { port }) });
  const v1 = {
    traceId: '5af7183fb1d4cf5f',
    id: '6b221d5bc9e6496c',
    parentId: '0000000000000001',
    name: 'get',
    timestamp: 1000,
    duration: 500,
    annotations: [
      { timestamp: 1000, value: 'cs', endpoint: ep('frontend') },
      { timestamp: 1100, value: 'sr', endpoint: ep('backend', '10.0.0.2') },
      { timestamp: 1350, value: 'ss', endpoint: ep('backend', '10.0.0.2') },
      { timestamp: 1500, value: 'cr', endpoint: ep('frontend') },
      { timestamp: 1200, value: 'cache.miss', endpoint: ep('backend', '10.0.0.2') },
    ],
    binaryAnnotations: [
      { key: 'http.path', value: '/api', endpoint: ep('frontend') },
      { key: 'sa', value: true, endpoint: ep('backend', '10.0.0.2', 8080) },
      { key: 'ca', value: true, endpoint: ep('frontend', '10.0.0.1', 5555) },
      { key: 'error', value: 'timeout', endpoint: ep('backend', '10.0.0.2') },
    ],
  };

  it('a span with client and server annotations becomes a client span and a server span with the same id', () => {
    const { spans } = decodeZipkinV1Json(JSON.stringify([v1]));
    expect(spans).toHaveLength(2);
    const [client, server] = spans as [(typeof spans)[0], (typeof spans)[0]];
    expect([client.kind, client.spanId, client.traceId]).toEqual([SpanKind.CLIENT, v1.id, '0000000000000000' + v1.traceId]);
    expect([client.startTimeUnixNano, client.endTimeUnixNano]).toEqual([1_000_000n, 1_500_000n]);
    expect(client.resource.attributes).toEqual([{ key: 'service.name', value: str('frontend') }]);
    expect(client.attributes).toEqual([
      { key: 'http.path', value: str('/api') },
      { key: 'net.host.ip', value: str('10.0.0.1') },
      { key: 'peer.service', value: str('backend') },
      { key: 'net.peer.ip', value: str('10.0.0.2') },
      { key: 'net.peer.port', value: int(8080) },
    ]);
    expect(client.events.map((e) => e.name)).toEqual(['cache.miss']);
    expect([server.kind, server.spanId, server.parentSpanId]).toEqual([SpanKind.SERVER, v1.id, v1.parentId]);
    expect([server.startTimeUnixNano, server.endTimeUnixNano]).toEqual([1_100_000n, 1_350_000n]);
    expect(server.resource.attributes).toEqual([{ key: 'service.name', value: str('backend') }]);
    expect(server.status).toEqual({ code: StatusCode.ERROR, message: 'timeout' });
  });

  it('a local span (no core annotations) keeps its timestamp and duration; lc tags it', () => {
    const local = { traceId: '1', id: '2', name: 'compute', timestamp: 10, duration: 5, binaryAnnotations: [{ key: 'lc', value: 'worker', endpoint: ep('batch') }] };
    const [s] = decodeZipkinV1Json(JSON.stringify([local])).spans;
    expect([s!.kind, s!.startTimeUnixNano, s!.endTimeUnixNano]).toEqual([SpanKind.UNSPECIFIED, 10_000n, 15_000n]);
    expect(s!.resource.attributes).toEqual([{ key: 'service.name', value: str('batch') }]);
    expect(s!.attributes[0]).toEqual({ key: 'lc', value: str('worker') });
  });

  it('names the place of malformed input', () => {
    expect(() => decodeZipkinV1Json('[{"traceId":"1","id":"2","annotations":[{"value":5}]}]')).toThrow('expected a string at [0].annotations[0].value');
  });
});
