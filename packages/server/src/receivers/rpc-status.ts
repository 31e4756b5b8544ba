/**
 * google.rpc.Status, the error body OTLP uses: protobuf for OTLP/HTTP protobuf requests and in gRPC's
 * grpc-status-details-bin trailer, JSON for OTLP/HTTP JSON requests. When the client should come back later, a
 * google.rpc.RetryInfo detail says when, which OpenTelemetry exporters honour.
 */
export function encodeRpcStatusProto(code: number, message: string, retryAfterSeconds?: number): Buffer {
  const parts: Buffer[] = [];
  if (code !== 0) parts.push(tag(1, 0), varint(code));
  if (message) parts.push(lengthDelimited(2, Buffer.from(message, 'utf8')));
  if (retryAfterSeconds !== undefined) {
    const duration = Buffer.concat([tag(1, 0), varint(retryAfterSeconds)]);
    const retryInfo = lengthDelimited(1, duration);
    const any = Buffer.concat([lengthDelimited(1, Buffer.from(RETRY_INFO_TYPE)), lengthDelimited(2, retryInfo)]);
    parts.push(lengthDelimited(3, any));
  }
  return Buffer.concat(parts);
}

export function rpcStatusJson(code: number, message: string, retryAfterSeconds?: number): object {
  return retryAfterSeconds === undefined
    ? { code, message }
    : { code, message, details: [{ '@type': RETRY_INFO_TYPE, retryDelay: `${retryAfterSeconds}s` }] };
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

function tag(field: number, wireType: number): Buffer {
  return varint((field << 3) | wireType);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function lengthDelimited(field: number, body: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(body.length), body]);
}
