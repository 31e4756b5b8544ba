import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeZipkinProto3 } from '@clew/testing/zipkin-proto3';
import { useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import { waitForZipkinTrace } from './testing/zipkin.js';

const LIMIT = 256 * 1024;
const running = useClewProcess(['--max-request-bytes', String(LIMIT)]);

let n = 0;
/** A fresh Zipkin v2 span (JSON object) of a new trace, timestamped now. */
function zspan(over: Record<string, unknown> = {}) {
  n++;
  return {
    traceId: `${Date.now().toString(16)}${n.toString(16).padStart(4, '0')}`.padStart(16, 'a'),
    id: n.toString(16).padStart(16, 'b'),
    name: 'get /x',
    kind: 'SERVER',
    timestamp: Date.now() * 1000,
    duration: 1500,
    localEndpoint: { serviceName: 'zipkin-ingest' },
    tags: { 'http.method': 'GET' },
    ...over,
  };
}

/** What fetch takes as a body (Node's types have no global BodyInit, the DOM's name for it). */
type BodyInit = NonNullable<RequestInit['body']>;

const post = (path: string, body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${running().zipkin}${path}`, { method: 'POST', headers, body });

/** After every refusal the server must still take good data: the refusal cost nothing else. */
async function expectStillIngesting() {
  const s = zspan();
  expect((await post('/api/v2/spans', JSON.stringify([s]))).status).toBe(202);
  await waitForZipkinTrace(running().zipkin, s.traceId, 1);
}

describe('POST /api/v2/spans and /api/v1/spans accept what Zipkin accepts', () => {
  it.each<[string, (s: ReturnType<typeof zspan>) => [string, BodyInit, Record<string, string>]]>([
    ['JSON v2', (s) => ['/api/v2/spans', JSON.stringify([s]), { 'content-type': 'application/json' }]],
    ['JSON v2, gzip', (s) => ['/api/v2/spans', gzipSync(JSON.stringify([s])), { 'content-type': 'application/json', 'content-encoding': 'gzip' }]],
    ['JSON v2 with no Content-Type', (s) => ['/api/v2/spans', Buffer.from(JSON.stringify([s])), {}]],
    ['proto3', (s) => ['/api/v2/spans', protoOf(s), { 'content-type': 'application/x-protobuf' }]],
    ['proto3, gzip', (s) => ['/api/v2/spans', gzipSync(protoOf(s)), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }]],
    ['JSON v1', (s) => ['/api/v1/spans', JSON.stringify([v1Of(s)]), { 'content-type': 'application/json' }]],
  ])('%s → 202, then readable through the Zipkin and Jaeger APIs', async (_name, request) => {
    const s = zspan();
    const [path, body, headers] = request(s);
    const res = await post(path, body, headers);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    const [back] = await waitForZipkinTrace(running().zipkin, s.traceId, 1);
    expect(back).toEqual(s);
    const jaeger = await waitForTrace(running().query, s.traceId, 1);
    expect(jaeger.spans[0].operationName).toBe('get /x');
  });

  it('answers a browser preflight and allows any origin, as Zipkin does by default', async () => {
    const pre = await fetch(`${running().zipkin}/api/v2/spans`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
  });
});

describe('malformed input is refused with a plain-text 400 that says what and where, and costs nothing else', () => {
  it.each<[string, string, BodyInit, Record<string, string>, RegExp]>([
    ['broken JSON', '/api/v2/spans', '[{"traceId":', { 'content-type': 'application/json' }, /^malformed Zipkin JSON v2 request: invalid JSON: /],
    ['not a list', '/api/v2/spans', '{"traceId":"1"}', { 'content-type': 'application/json' }, /^malformed Zipkin JSON v2 request: expected an array at the top level$/],
    ['a bad id', '/api/v2/spans', '[{"traceId":"1","id":"1"},{"traceId":"not-hex","id":"2"}]', { 'content-type': 'application/json' },
      /^malformed Zipkin JSON v2 request: expected 1 to 32 hex digits, not "not-hex" at \[1\]\.traceId$/],
    ['an empty body', '/api/v2/spans', '', { 'content-type': 'application/json' }, /^malformed Zipkin JSON v2 request: empty body/],
    ['truncated proto3', '/api/v2/spans', Buffer.from([0x0a, 0x40, 0x0a, 0x08]), { 'content-type': 'application/x-protobuf' },
      /^malformed Zipkin proto3 request: length 64 past the end of the message at byte 1 in ListOfSpans$/],
    ['JSON sent as proto3', '/api/v2/spans', '[{"traceId":"1","id":"1"}]', { 'content-type': 'application/x-protobuf' }, /^malformed Zipkin proto3 request: /],
    ['broken v1', '/api/v1/spans', '[{"traceId":"1","id":"1","annotations":[{"timestamp":"x","value":"cs"}]}]', { 'content-type': 'application/json' },
      /^malformed Zipkin JSON v1 request: expected microseconds as a non-negative number, not "x" at \[0\]\.annotations\[0\]\.timestamp$/],
    ['broken gzip', '/api/v2/spans', Buffer.from('not gzip'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }, /^body is not valid gzip: /],
  ])('%s', async (_name, path, body, headers, message) => {
    const res = await post(path, body, headers);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toMatch(message);
    await expectStillIngesting();
  });

  it('v1 Thrift → 415 naming what to send instead', async () => {
    const res = await post('/api/v1/spans', Buffer.from([0x0c]), { 'content-type': 'application/x-thrift' });
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/send Zipkin v1 JSON/);
  });

  it('a body over the limit → 413, compressed or once decompressed', async () => {
    const big = await post('/api/v2/spans', Buffer.alloc(LIMIT + 1, 0x20));
    expect(big.status).toBe(413);
    expect(await big.text()).toMatch(new RegExp(`limit of ${LIMIT} bytes`));
    const bomb = gzipSync(Buffer.alloc(LIMIT * 8, 0x20));
    const res = await post('/api/v2/spans', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    await expectStillIngesting();
  });

  it('refusals are counted in /metrics under protocol "zipkin"', async () => {
    const text = await (await fetch(`${running().query}/metrics`)).text();
    expect(text).toMatch(/clew_requests_refused_total\{protocol="zipkin",reason="malformed"\} [1-9]/);
    expect(text).toMatch(/clew_spans_accepted_total\{protocol="zipkin"\} [1-9]/);
  });
});

function protoOf(s: ReturnType<typeof zspan>): Uint8Array {
  return encodeZipkinProto3([
    {
      traceId: Buffer.from(s.traceId, 'hex'),
      id: Buffer.from(s.id, 'hex'),
      name: s.name,
      kind: 2,
      timestamp: s.timestamp,
      duration: s.duration,
      localEndpoint: { serviceName: s.localEndpoint.serviceName },
      tags: s.tags,
    },
  ]);
}

/** The same span as Zipkin v1 JSON: a server span is its sr and ss annotations. */
function v1Of(s: ReturnType<typeof zspan>) {
  const endpoint = s.localEndpoint;
  return {
    traceId: s.traceId,
    id: s.id,
    name: s.name,
    timestamp: s.timestamp,
    duration: s.duration,
    annotations: [
      { timestamp: s.timestamp, value: 'sr', endpoint },
      { timestamp: s.timestamp + s.duration, value: 'ss', endpoint },
    ],
    binaryAnnotations: [{ key: 'http.method', value: 'GET', endpoint }],
  };
}
