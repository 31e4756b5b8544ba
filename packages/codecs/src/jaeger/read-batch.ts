import type { JaegerBatch, JaegerLog, JaegerProcess, JaegerSpan, JaegerSpanRef, JaegerTag } from './jaeger-batch.js';
import type { ThriftReader } from './thrift-reader.js';
import { TType } from './thrift-reader.js';

const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/**
 * Reads a jaeger.thrift `Batch` struct with either protocol's reader. As Thrift's generated readers do, a field
 * with an unknown id, or a known id sent with another type, is skipped; a missing required field is an error.
 */
export function readBatch(r: ThriftReader): JaegerBatch {
  const start = r.pos;
  r.enter('Batch');
  let process: JaegerProcess | undefined;
  let spans: JaegerSpan[] | undefined;
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.STRUCT) process = readProcess(r);
    else if (r.fieldId === 2 && t === TType.LIST) spans = readList(r, readSpan);
    else r.skip(t);
  }
  if (process === undefined) r.fail('required field process is not set', start);
  if (spans === undefined) r.fail('required field spans is not set', start);
  r.leave();
  return { process, spans };
}

function readProcess(r: ThriftReader): JaegerProcess {
  const start = r.pos;
  r.enter('Process');
  let serviceName: string | undefined;
  let tags: JaegerTag[] | undefined;
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.STRING) serviceName = r.string();
    else if (r.fieldId === 2 && t === TType.LIST) tags = readList(r, readTag);
    else r.skip(t);
  }
  if (serviceName === undefined) r.fail('required field serviceName is not set', start);
  r.leave();
  return { serviceName, tags };
}

// Field ids of Span that are required, as bits: 1-5, 7, 8, 9.
const SPAN_REQUIRED = 0b1110111110;
const SPAN_FIELD_NAMES = ['', 'traceIdLow', 'traceIdHigh', 'spanId', 'parentSpanId', 'operationName', '', 'flags', 'startTime', 'duration'];

function readSpan(r: ThriftReader): JaegerSpan {
  const start = r.pos;
  r.enter('Span');
  let seen = 0;
  let traceIdLow = 0n;
  let traceIdHigh = 0n;
  let spanId = 0n;
  let parentSpanId = 0n;
  let operationName = '';
  let references: JaegerSpanRef[] = [];
  let flags = 0;
  let startTime = 0n;
  let duration = 0n;
  let tags: JaegerTag[] = [];
  let logs: JaegerLog[] = [];
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    const id = r.fieldId;
    if (t === TType.I64 && (id === 1 || id === 2 || id === 3 || id === 4 || id === 8 || id === 9)) {
      const v = r.i64();
      if (id === 1) traceIdLow = v;
      else if (id === 2) traceIdHigh = v;
      else if (id === 3) spanId = v;
      else if (id === 4) parentSpanId = v;
      else if (id === 8) startTime = v;
      else duration = v;
    } else if (id === 5 && t === TType.STRING) operationName = r.string();
    else if (id === 6 && t === TType.LIST) references = readList(r, readSpanRef);
    else if (id === 7 && t === TType.I32) flags = r.i32();
    else if (id === 10 && t === TType.LIST) tags = readList(r, readTag);
    else if (id === 11 && t === TType.LIST) logs = readList(r, readLog);
    else {
      r.skip(t);
      continue;
    }
    seen |= 1 << id;
  }
  const missing = SPAN_REQUIRED & ~seen;
  if (missing !== 0) r.fail(`required field ${SPAN_FIELD_NAMES[31 - Math.clz32(missing & -missing)]} is not set`, start);
  r.leave();
  return { traceIdLow, traceIdHigh, spanId, parentSpanId, operationName, references, flags, startTime, duration, tags, logs };
}

function readTag(r: ThriftReader): JaegerTag {
  const start = r.pos;
  r.enter('Tag');
  let key: string | undefined;
  let vType: number | undefined;
  let vStr = '';
  let vDouble = 0;
  let vBool = false;
  let vLong = 0n;
  let vBinary = EMPTY_BYTES;
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    switch (r.fieldId) {
      case 1:
        if (t === TType.STRING) key = r.string();
        else r.skip(t);
        break;
      case 2:
        if (t === TType.I32) vType = r.i32();
        else r.skip(t);
        break;
      case 3:
        if (t === TType.STRING) vStr = r.string();
        else r.skip(t);
        break;
      case 4:
        if (t === TType.DOUBLE) vDouble = r.double();
        else r.skip(t);
        break;
      case 5:
        if (t === TType.BOOL) vBool = r.bool();
        else r.skip(t);
        break;
      case 6:
        if (t === TType.I64) vLong = r.i64();
        else r.skip(t);
        break;
      case 7:
        if (t === TType.STRING) vBinary = r.binary();
        else r.skip(t);
        break;
      default:
        r.skip(t);
    }
  }
  if (key === undefined) r.fail('required field key is not set', start);
  if (vType === undefined) r.fail('required field vType is not set', start);
  r.leave();
  return { key, vType, vStr, vDouble, vBool, vLong, vBinary };
}

function readLog(r: ThriftReader): JaegerLog {
  const start = r.pos;
  r.enter('Log');
  let timestamp: bigint | undefined;
  let fields: JaegerTag[] | undefined;
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.I64) timestamp = r.i64();
    else if (r.fieldId === 2 && t === TType.LIST) fields = readList(r, readTag);
    else r.skip(t);
  }
  if (timestamp === undefined) r.fail('required field timestamp is not set', start);
  if (fields === undefined) r.fail('required field fields is not set', start);
  r.leave();
  return { timestamp, fields };
}

function readSpanRef(r: ThriftReader): JaegerSpanRef {
  const start = r.pos;
  r.enter('SpanRef');
  let seen = 0;
  let refType = 0;
  let traceIdLow = 0n;
  let traceIdHigh = 0n;
  let spanId = 0n;
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    const id = r.fieldId;
    if (id === 1 && t === TType.I32) refType = r.i32();
    else if (id === 2 && t === TType.I64) traceIdLow = r.i64();
    else if (id === 3 && t === TType.I64) traceIdHigh = r.i64();
    else if (id === 4 && t === TType.I64) spanId = r.i64();
    else {
      r.skip(t);
      continue;
    }
    seen |= 1 << id;
  }
  const missing = 0b11110 & ~seen;
  if (missing !== 0) r.fail(`required field ${REF_FIELD_NAMES[31 - Math.clz32(missing & -missing)]} is not set`, start);
  r.leave();
  return { refType, traceIdLow, traceIdHigh, spanId };
}

const REF_FIELD_NAMES = ['', 'refType', 'traceIdLow', 'traceIdHigh', 'spanId'];

/** A list of structs; a header announcing elements of another type is refused (they could not be read as structs). */
function readList<T>(r: ThriftReader, readOne: (r: ThriftReader) => T): T[] {
  const at = r.pos;
  const n = r.listBegin();
  if (r.elemType !== TType.STRUCT) r.fail(`expected a list of structs, not of Thrift type ${r.elemType}`, at);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(readOne(r));
  return out;
}
