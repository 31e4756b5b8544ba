import { gzipSync } from 'node:zlib';
import { encodeOtlpJson, encodeOtlpProto } from '@clew/codecs';
import { credentials, makeGenericClientConstructor, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { getJson, useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import { postProto, traceOf } from '@clew/testing/payloads';

const LIMIT = 256 * 1024;
const running = useClewProcess(['--max-request-bytes', String(LIMIT)]);

const Status = protobuf.Root.fromJSON({
  nested: { Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } } },
}).lookupType('Status');

async function protoError(res: Response): Promise<{ code: number; message: string }> {
  expect(res.headers.get('content-type')).toBe('application/x-protobuf');
  return Status.toObject(Status.decode(new Uint8Array(await res.arrayBuffer()))) as { code: number; message: string };
}

/** What fetch takes as a body (Node's types have no global BodyInit, the DOM's name for it). */
type BodyInit = NonNullable<RequestInit['body']>;

const post = (body: BodyInit, headers: Record<string, string>) =>
  fetch(running().otlpHttp, { method: 'POST', headers, body });

/** After every refusal the server must still take good data: the refusal cost nothing else. */
async function expectStillIngesting() {
  const spans = traceOf(3, 'after-bad');
  const res = await postProto(running().otlpHttp, spans);
  expect(res.status).toBe(200);
  await waitForTrace(running().query, spans[0]!.traceId, 3);
}

describe('OTLP/HTTP refuses bad input with the status and message the OTLP spec asks for', () => {
  it('malformed protobuf → 400 with a google.rpc.Status saying why', async () => {
    const res = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(400);
    const s = await protoError(res);
    expect(s.code).toBe(status.INVALID_ARGUMENT);
    expect(s.message).toMatch(/malformed OTLP protobuf request: .+/);
    await expectStillIngesting();
  });

  it('malformed JSON → 400 with a JSON Status', async () => {
    for (const body of ['{"resourceSpans": [', '{"resourceSpans": 5}', 'null']) {
      const res = await post(body, { 'content-type': 'application/json' });
      expect(res.status, body).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json');
      const s = (await res.json()) as { code: number; message: string };
      expect(s.code).toBe(status.INVALID_ARGUMENT);
      expect(s.message).toMatch(/malformed OTLP JSON request: .+/);
    }
    await expectStillIngesting();
  });

  it('an unknown Content-Type → 415, an unknown Content-Encoding or broken gzip → 400', async () => {
    expect((await post('hello', { 'content-type': 'text/plain' })).status).toBe(415);
    const br = await post(encodeOtlpProto(traceOf(1)), { 'content-type': 'application/x-protobuf', 'content-encoding': 'br' });
    expect(br.status).toBe(400);
    expect((await protoError(br)).message).toMatch(/Content-Encoding/);
    const broken = await post(Buffer.from('not gzip at all'), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(broken.status).toBe(400);
    expect((await protoError(broken)).message).toMatch(/gzip/);
    await expectStillIngesting();
  });

  it('a body over the limit → 413, compressed or once decompressed', async () => {
    const big = await post(Buffer.alloc(LIMIT + 1), { 'content-type': 'application/x-protobuf' });
    expect(big.status).toBe(413);
    expect((await protoError(big)).message).toMatch(new RegExp(`limit of ${LIMIT} bytes`));
    const bomb = gzipSync(Buffer.alloc(LIMIT * 8));
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await post(bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    await expectStillIngesting();
  });

  it('invalid spans are refused one by one with partial_success; the valid ones are stored', async () => {
    const good = traceOf(2, 'partial');
    const bad = { ...traceOf(1, 'partial')[0]!, traceId: '0'.repeat(32) as never };
    const res = await post(JSON.stringify(encodeOtlpJson([...good, bad])), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(1);
    expect(body.partialSuccess.errorMessage).toMatch(/trace_id/);
    await waitForTrace(running().query, good[0]!.traceId, 2);
  });

  it('a JSON span whose id is not hex is refused alone with partial_success, not with the whole request', async () => {
    const good = traceOf(3, 'not-hex');
    const bad = { ...traceOf(1, 'not-hex')[0]!, spanId: 'z'.repeat(16) as never };
    const res = await post(JSON.stringify(encodeOtlpJson([...good, bad])), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: `1 span rejected: span '${bad.name}' has an invalid span_id (not a hex string)` } });
    await waitForTrace(running().query, good[0]!.traceId, 3);
  });
});

describe('OTLP/gRPC refuses bad input', () => {
  it('malformed protobuf → INVALID_ARGUMENT, and good data still flows', async () => {
    const Client = makeGenericClientConstructor(
      {
        Export: {
          path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      'TraceService',
    );
    const client = new Client(running().otlpGrpc, credentials.createInsecure());
    const call = (body: Buffer) =>
      new Promise<ServiceError | null>((resolve) =>
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          new Metadata(),
          (err: ServiceError | null) => resolve(err),
        ),
      );
    const err = await call(Buffer.from([0x0a, 0x05, 0x01]));
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/malformed OTLP protobuf request/);
    const spans = traceOf(2, 'grpc-after-bad');
    expect(await call(Buffer.from(encodeOtlpProto(spans)))).toBeNull();
    client.close();
    await waitForTrace(running().query, spans[0]!.traceId, 2);
  });
});

describe('query parameters that make no sense get 400 with Jaeger’s envelope', () => {
  it.each([
    ['/api/traces/not-hex', /trace ?id/i],
    ['/api/traces?service=x&minDuration=10parsecs', /duration/i],
    ['/api/traces?service=x&start=2000000&end=1000000', /end/i],
  ])('%s', async (path, message) => {
    const res = await getJson(`${running().query}${path}`);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].code).toBe(400);
    expect(res.body.errors[0].msg).toMatch(message);
  });

  it('an unknown trace id → 404', async () => {
    const res = await getJson(`${running().query}/api/traces/${'ab'.repeat(16)}`);
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe(404);
  });
});
