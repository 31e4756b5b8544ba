import type { DecodeResult, JaegerBatch, JaegerSpan, JaegerTag } from '@clew/codecs';
import { DecodeError, jaegerToModel, SpanRefType, TagType } from '@clew/codecs';

/**
 * An integer literal of 16 digits or more (2^53 has 16) that is the value of a `"value"` member. Nothing inside a
 * string matches: the `"` before `value` follows `{`, `,` or whitespace, so it is not escaped, and an unescaped quote
 * followed by `v` cannot close a string (JSON allows only `,` `:` `]` `}` or whitespace there); so it opens the string
 * "value", which the colon makes a member name. Quoting a number where a value goes neither makes nor breaks JSON, so
 * text that is not JSON stays not JSON.
 */
const LONG_VALUE = /([{,][ \t\n\r]*"value"[ \t\n\r]*:[ \t\n\r]*)(-?[1-9]\d{15,})(?=[ \t\n\r,}])/g;

/**
 * A Jaeger UI JSON document's text parsed, with its int64 tag and log field values exact. Jaeger before v1.40 wrote
 * them as JSON numbers (model/converter/json/from_domain.go: `value = kv.Int64()`), which JSON.parse rounds past 2^53;
 * such literals are quoted first, as later Jaeger writes them, and the int64 case reads the string exactly.
 * @example parseJaegerJson('{"data":[…{"key":"n","type":"int64","value":9223372036854775807}…]}') // value "9223372036854775807"
 */
export function parseJaegerJson(text: string): unknown {
  return JSON.parse(text.replace(LONG_VALUE, '$1"$2"')) as unknown;
}

/**
 * One trace of a Jaeger UI JSON document (`{"data":[trace, …]}`, what Jaeger UI downloads and Jaeger's
 * /api/traces answers: internal/uimodel/model.go) in the model. Each process's spans become a jaeger.thrift Batch,
 * mapped by the same translator as Jaeger Thrift ingest (OpenTelemetry's jaegerthrift_to_traces.go), so both inputs
 * give the same spans. Throws a DecodeError saying which field is wrong.
 */
export function decodeJaegerJsonTrace(trace: unknown): DecodeResult {
  const t = object(trace, 'trace');
  const processes = t.processes === undefined ? {} : object(t.processes, 'processes');
  const byProcess = new Map<string, { process: JaegerBatch['process']; spans: JaegerSpan[] }>();
  array(t.spans, 'spans').forEach((raw, i) => {
    const s = object(raw, `spans[${i}]`);
    const where = `spans[${i}]`;
    // A span carries its process inline (older exports) or names one of the trace's processes.
    const processId = s.process !== undefined ? `\0${i}` : string(s.processID, `${where}.processID`);
    let group = byProcess.get(processId);
    if (!group) {
      const p = object(s.process ?? processes[processId], `${where}'s process "${processId}"`);
      const process = { serviceName: string(p.serviceName, 'serviceName'), tags: tags(p.tags ?? [], `process ${processId} tags`) };
      byProcess.set(processId, (group = { process, spans: [] }));
    }
    group.spans.push(span(s, where));
  });
  const out: DecodeResult = { spans: [], rejected: 0, rejectMessage: '' };
  for (const { process, spans } of byProcess.values()) {
    const r = jaegerToModel({ process, spans });
    out.spans.push(...r.spans);
    out.rejected += r.rejected;
    if (out.rejectMessage === '') out.rejectMessage = r.rejectMessage;
  }
  return out;
}

function span(s: Record<string, unknown>, where: string): JaegerSpan {
  const [traceIdHigh, traceIdLow] = traceId(s.traceID, `${where}.traceID`);
  const references = array(s.references ?? [], `${where}.references`).map((raw, i) => {
    const r = object(raw, `${where}.references[${i}]`);
    const [high, low] = traceId(r.traceID, `${where}.references[${i}].traceID`);
    const refType = r.refType === 'FOLLOWS_FROM' ? SpanRefType.FOLLOWS_FROM : SpanRefType.CHILD_OF;
    return { refType, traceIdHigh: high, traceIdLow: low, spanId: spanId(r.spanID, `${where}.references[${i}].spanID`) };
  });
  return {
    traceIdHigh,
    traceIdLow,
    spanId: spanId(s.spanID, `${where}.spanID`),
    // Jaeger's JSON gives the parent as a CHILD_OF reference only; the translator finds it there.
    parentSpanId: 0n,
    operationName: string(s.operationName, `${where}.operationName`),
    references,
    // `json:"flags,omitempty"` (internal/uimodel/model.go): none is 0, not sampled.
    flags: s.flags === undefined ? 0 : Number(s.flags),
    startTime: micros(s.startTime, `${where}.startTime`),
    duration: micros(s.duration, `${where}.duration`),
    tags: tags(s.tags ?? [], `${where}.tags`),
    logs: array(s.logs ?? [], `${where}.logs`).map((raw, i) => {
      const l = object(raw, `${where}.logs[${i}]`);
      return { timestamp: micros(l.timestamp, `${where}.logs[${i}].timestamp`), fields: tags(l.fields ?? [], `${where}.logs[${i}].fields`) };
    }),
  };
}

const NO_BYTES = new Uint8Array(0);

function tags(v: unknown, where: string): JaegerTag[] {
  return array(v, where).map((raw, i) => {
    const t = object(raw, `${where}[${i}]`);
    const key = string(t.key, `${where}[${i}].key`);
    const tag = { key, vType: TagType.STRING, vStr: '', vDouble: 0, vBool: false, vLong: 0n, vBinary: NO_BYTES };
    const value = t.value;
    switch (t.type ?? 'string') {
      case 'string':
        return { ...tag, vStr: typeof value === 'string' ? value : JSON.stringify(value) };
      case 'bool':
        return { ...tag, vType: TagType.BOOL, vBool: value === true || value === 'true' };
      case 'int64':
        return { ...tag, vType: TagType.LONG, vLong: int64(value, `${where}[${i}] (${key})`) };
      case 'float64':
        return { ...tag, vType: TagType.DOUBLE, vDouble: Number(value) };
      case 'binary':
        return { ...tag, vType: TagType.BINARY, vBinary: new Uint8Array(Buffer.from(String(value), 'base64')) };
      default:
        throw new DecodeError(`${where}[${i}] (${key}): unknown type ${JSON.stringify(t.type)}`);
    }
  });
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An int64 value, refused rather than changed: out of range, or a number JSON.parse may have rounded. */
function int64(v: unknown, where: string): bigint {
  let n: bigint;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) n = BigInt(v);
  // parseJaegerJson leaves no integer literal past 2^53 a number; one here came some other way, perhaps rounded.
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v)) throw new DecodeError(`${where}: int64 value ${v} is past 2^53 as a JSON number and may have been rounded; write it as a string ("value":"…")`);
  else throw new DecodeError(`${where}: int64 value ${JSON.stringify(v)} is not a whole number`);
  if (n < INT64_MIN || n > INT64_MAX) throw new DecodeError(`${where}: int64 value ${v} is out of range (${INT64_MIN} to ${INT64_MAX}, a 64-bit signed integer)`);
  return n;
}

function traceId(v: unknown, where: string): [bigint, bigint] {
  const hex = string(v, where);
  if (!/^[0-9a-fA-F]{1,32}$/.test(hex)) throw new DecodeError(`${where}: "${hex}" is not a trace id (up to 32 hex digits)`);
  const padded = hex.padStart(32, '0');
  return [BigInt('0x' + padded.slice(0, 16)), BigInt('0x' + padded.slice(16))];
}

function spanId(v: unknown, where: string): bigint {
  const hex = string(v, where);
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw new DecodeError(`${where}: "${hex}" is not a span id (up to 16 hex digits)`);
  return BigInt('0x' + hex);
}

function micros(v: unknown, where: string): bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new DecodeError(`${where}: ${JSON.stringify(v)} is not a whole number of microseconds`);
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DecodeError(`${where}: expected an object`);
  return v as Record<string, unknown>;
}

function array(v: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new DecodeError(`${where}: expected an array`);
  return v;
}

function string(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new DecodeError(`${where}: expected a string`);
  return v;
}
