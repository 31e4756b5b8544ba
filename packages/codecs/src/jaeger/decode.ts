import { DecodeError } from '../decode-error.js';
import type { DecodeResult } from '../decode-result.js';
import { BinaryReader } from './binary-reader.js';
import { CompactReader } from './compact-reader.js';
import type { JaegerBatch } from './jaeger-batch.js';
import { EMIT_BATCH, readAgentHeader, readEmitBatchArgs } from './read-agent-message.js';
import { readBatch } from './read-batch.js';
import type { MessageHeader, ThriftReader } from './thrift-reader.js';
import { jaegerToModel } from './to-model.js';

/** The two Thrift protocols Jaeger's agent listens for: compact on 6831, binary on 6832. */
export type ThriftProtocol = 'compact' | 'binary';

/**
 * Decodes the body of a Jaeger collector `POST /api/traces`: one jaeger.thrift Batch in Thrift's binary protocol
 * (what jaeger-client's HTTPSender sends). Throws DecodeError saying what was wrong and at which byte.
 * @example decodeJaegerThriftBatch(body).spans
 */
export function decodeJaegerThriftBatch(body: Uint8Array): DecodeResult {
  return jaegerToModel(readJaegerThriftBatch(body));
}

/** The Batch of a `POST /api/traces` body, before mapping. */
export function readJaegerThriftBatch(body: Uint8Array): JaegerBatch {
  // Bytes after the Batch are ignored, as by the collector's Thrift deserializer.
  return readBatch(new BinaryReader(body));
}

/**
 * Decodes one Jaeger agent datagram: an `Agent.emitBatch` call message in the compact (port 6831) or binary (6832)
 * protocol. Any other method is refused with a DecodeError, as is malformed input.
 */
export function decodeJaegerAgentMessage(datagram: Uint8Array, protocol: ThriftProtocol): DecodeResult {
  return jaegerToModel(readJaegerAgentMessage(datagram, protocol).batch);
}

/** An agent datagram's envelope and Batch, before mapping. */
export function readJaegerAgentMessage(datagram: Uint8Array, protocol: ThriftProtocol): { header: MessageHeader; batch: JaegerBatch } {
  const r = reader(datagram, protocol);
  const header = readAgentHeader(r);
  if (header.name !== EMIT_BATCH) throw new DecodeError(unsupportedMethod(header.name));
  // Bytes after the message are ignored, as by the agent (clients may send a buffer larger than the message).
  return { header, batch: readEmitBatchArgs(r) };
}

/**
 * Only an agent datagram's envelope: lets a receiver tell a method it does not serve (e.g. emitZipkinBatch) from a
 * malformed datagram before decoding the rest. Throws DecodeError when the envelope itself is malformed.
 */
export function readJaegerAgentHeader(datagram: Uint8Array, protocol: ThriftProtocol): MessageHeader {
  return readAgentHeader(reader(datagram, protocol));
}

function unsupportedMethod(name: string): string {
  return `unsupported Agent method ${JSON.stringify(name)} (only emitBatch is accepted)`;
}

function reader(bytes: Uint8Array, protocol: ThriftProtocol): ThriftReader {
  return protocol === 'compact' ? new CompactReader(bytes) : new BinaryReader(bytes);
}
