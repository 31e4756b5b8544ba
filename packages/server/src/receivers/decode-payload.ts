import type { DecodeResult } from '@clew/codecs';
import {
  DecodeError,
  decodeJaegerAgentMessage,
  decodeJaegerThriftBatch,
  decodeOtlpJson,
  decodeOtlpProto,
  decodeZipkinJson,
  decodeZipkinProto,
  decodeZipkinV1Json,
  otlpJsonToProto,
} from '@clew/codecs';
import type { Tenant } from '@clew/model';
import { ClewError } from '../errors.js';
import type { ReceivedBatch } from '../pipeline/batch.js';
import { PayloadFormat } from '../wal/record.js';

/**
 * Decodes one request for the pipeline; malformed input throws a MALFORMED_REQUEST error saying why.
 * @example await pipeline.ingest(receive('otlp_http', PayloadFormat.OTLP_PROTO, body, request.tenant))
 */
export function receive(protocol: string, format: PayloadFormat, payload: Uint8Array, tenant: Tenant): ReceivedBatch {
  const { decoded, wire } = decodeWire(format, payload);
  return { protocol, tenant, spans: decoded.spans, rejected: decoded.rejected, rejectMessage: decoded.rejectMessage, wire };
}

/** Decodes a request body (or a write-ahead log record) into spans; malformed input becomes a MALFORMED_REQUEST error. */
export function decodePayload(format: PayloadFormat, payload: Uint8Array): DecodeResult {
  return decodeWire(format, payload).decoded;
}

/**
 * The spans of a body, and the bytes that say them for the log: the body itself, or for OTLP/JSON as exporters write
 * it, the protobuf it is read through (a quarter less CPU than JSON.parse and its tree of objects; in the log, the same
 * spans in half the bytes to write, checksum and read back). Anything else in JSON, and anything refused, is decoded
 * as JSON and explained as before.
 */
function decodeWire(format: PayloadFormat, payload: Uint8Array): { decoded: DecodeResult; wire: { format: PayloadFormat; payload: Uint8Array } } {
  try {
    if (format === PayloadFormat.OTLP_JSON) {
      const fast = otlpJsonToProto(payload);
      if (fast !== undefined) return { decoded: decodeOtlpProto(fast.proto), wire: { format: PayloadFormat.OTLP_PROTO, payload: fast.proto } };
    }
    return { decoded: decodeAs(format, payload), wire: { format, payload } };
  } catch (err) {
    if (err instanceof DecodeError) {
      throw new ClewError('MALFORMED_REQUEST', `malformed ${FORMAT_NAMES[format]} request: ${err.message}`);
    }
    throw err;
  }
}

function decodeAs(format: PayloadFormat, payload: Uint8Array): DecodeResult {
  switch (format) {
    case PayloadFormat.OTLP_PROTO:
      return decodeOtlpProto(payload);
    case PayloadFormat.OTLP_JSON:
      // Outside the fast path (decodeWire).
      return decodeOtlpJson(payload);
    case PayloadFormat.ZIPKIN_JSON:
      return decodeZipkinJson(payload);
    case PayloadFormat.ZIPKIN_PROTO:
      return decodeZipkinProto(payload);
    case PayloadFormat.ZIPKIN_V1_JSON:
      return decodeZipkinV1Json(payload);
    case PayloadFormat.JAEGER_THRIFT_BINARY:
      return decodeJaegerThriftBatch(payload);
    case PayloadFormat.JAEGER_AGENT_COMPACT:
      return decodeJaegerAgentMessage(payload, 'compact');
    case PayloadFormat.JAEGER_AGENT_BINARY:
      return decodeJaegerAgentMessage(payload, 'binary');
  }
}

const FORMAT_NAMES: Record<PayloadFormat, string> = {
  [PayloadFormat.OTLP_PROTO]: 'OTLP protobuf',
  [PayloadFormat.OTLP_JSON]: 'OTLP JSON',
  [PayloadFormat.ZIPKIN_JSON]: 'Zipkin JSON v2',
  [PayloadFormat.ZIPKIN_PROTO]: 'Zipkin proto3',
  [PayloadFormat.ZIPKIN_V1_JSON]: 'Zipkin JSON v1',
  [PayloadFormat.JAEGER_THRIFT_BINARY]: 'Jaeger Thrift',
  [PayloadFormat.JAEGER_AGENT_COMPACT]: 'Jaeger agent compact Thrift',
  [PayloadFormat.JAEGER_AGENT_BINARY]: 'Jaeger agent binary Thrift',
};
