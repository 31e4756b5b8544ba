import type { JaegerBatch } from './jaeger-batch.js';
import { readBatch } from './read-batch.js';
import type { MessageHeader, ThriftReader } from './thrift-reader.js';
import { MessageType, TType } from './thrift-reader.js';

/** The one Agent method Clew accepts (agent.thrift: `oneway void emitBatch(1: jaeger.Batch batch)`). */
export const EMIT_BATCH = 'emitBatch';

/**
 * Reads and checks a datagram's message envelope: a CALL or ONEWAY message. The method name is returned, not
 * checked, so the caller can tell an unsupported method (emitZipkinBatch) from a malformed datagram.
 */
export function readAgentHeader(r: ThriftReader): MessageHeader {
  const header = r.messageBegin();
  if (header.type !== MessageType.ONEWAY && header.type !== MessageType.CALL) {
    r.fail(`message type ${header.type} is not a call (expected ONEWAY 4 or CALL 1)`, 0);
  }
  return header;
}

/** Reads `emitBatch`'s argument struct, which follows the envelope: field 1 is the Batch. */
export function readEmitBatchArgs(r: ThriftReader): JaegerBatch {
  const start = r.pos;
  r.enter('Agent_emitBatch_args');
  let batch: JaegerBatch | undefined;
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.STRUCT) batch = readBatch(r);
    else r.skip(t);
  }
  if (batch === undefined) r.fail('argument batch is not set', start);
  r.leave();
  return batch;
}
