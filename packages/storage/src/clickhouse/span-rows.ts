import type { AnyValue, Attributes, Span, SpanId, SpanKind, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import { anyValueToString, serviceName, spanOutline } from '@clew/model';
import { ByteWriter } from '../duckdb/byte-writer.js';
import { decodeBody, decodeResource, decodeScope, encodeResource, encodeScope, statusCode, writeBody } from '../duckdb/span-codec.js';
import { RowBinaryWriter } from './row-binary.js';
import { PID, SID, TID } from './sql.js';

/**
 * The columns of the spans INSERT, in the order appendRow writes them (RowBinary has no names). What repeats along
 * a batch is written once and copied: the (source, wal_pos, day) of the append, each resource's and each scope's.
 */
export const INSERT_COLUMNS =
  'tenant, service, name, start, dur, trace_id, span_id, parent_id, kind, status, attr_keys, attr_values, attr_types, ' +
  'event_keys, event_values, body, source, wal_pos, day, res_keys, res_values, resource, scope';

/** The columns toSpan reads back, ids as hex. */
export const READ_COLUMNS = `${TID} AS tid, ${SID} AS sid, ${PID} AS pid, start, dur, name, kind, status, attr_keys, attr_values, attr_types, resource, scope, body`;
export interface ReadRow {
  tid: string;
  sid: string;
  pid: string;
  start: string;
  dur: string;
  name: string;
  kind: number;
  status: number;
  attr_keys: string[];
  attr_values: string[];
  attr_types: string;
  resource: string;
  scope: string;
  body: string;
}

export const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** The letter of a value's type, as value-codec writes it; `a` and `k` (nested values) are also kept in `body`. */
function typeLetter(v: AnyValue): string {
  switch (v.type) {
    case 'string':
      return 's';
    case 'bool':
      return 'b';
    case 'int':
      return 'i';
    case 'double':
      // String(-0) is "0": the sign rides in the letter.
      return Object.is(v.value, -0) ? 'z' : 'd';
    case 'bytes':
      return 'y';
    case 'empty':
      return 'e';
    case 'array':
      return 'a';
    case 'kvlist':
      return 'k';
  }
}

const NESTED = /[ak]/;

/** The value back from its text and type letter; nested ones (`a`, `k`) come from `body` instead. */
function fromText(text: string, type: string): AnyValue {
  switch (type) {
    case 's':
      return { type: 'string', value: text };
    case 'b':
      return { type: 'bool', value: text === 'true' };
    case 'i':
      return { type: 'int', value: BigInt(text) };
    case 'd':
      return { type: 'double', value: Number(text) };
    case 'z':
      return { type: 'double', value: -0 };
    case 'y':
      return { type: 'bytes', value: new Uint8Array(Buffer.from(text, 'base64')) };
    case 'e':
      return { type: 'empty' };
    default:
      throw new Error(`corrupt span row: attribute type '${type}'`);
  }
}

/** The parts of a row that repeat along a batch, encoded once each. */
export class RepeatedParts {
  private readonly parts = new Map<object, Buffer>();

  /** res_keys, res_values and the encoded resource; then the encoded scope. */
  of(o: Span['resource'] | Span['scope'], kind: 'resource' | 'scope'): Buffer {
    let part = this.parts.get(o);
    if (part === undefined) {
      const w = new RowBinaryWriter(256);
      if (kind === 'resource') {
        const r = o as Span['resource'];
        w.strings(r.attributes.map((kv) => kv.key));
        w.strings(r.attributes.map((kv) => anyValueToString(kv.value)));
        w.string(encodeResource(r));
      } else w.string(encodeScope(o as Span['scope']));
      this.parts.set(o, (part = Buffer.from(w.view())));
    }
    return part;
  }
}

/**
 * Writes the row of a span. Throws a RangeError for what the table cannot hold (an id that is not lowercase hex of
 * the right length), before anything is sent. `append` is the encoded (source, wal_pos, day) of the batch.
 */
export function appendRow(w: RowBinaryWriter, s: Span, tenant: Tenant, append: Buffer, repeated: RepeatedParts): void {
  if (!TRACE_ID.test(s.traceId)) throw new RangeError(`not a trace id: ${JSON.stringify(s.traceId)}`);
  if (!SPAN_ID.test(s.spanId)) throw new RangeError(`not a span id: ${JSON.stringify(s.spanId)}`);
  if (s.parentSpanId !== null && !SPAN_ID.test(s.parentSpanId)) throw new RangeError(`not a parent span id: ${JSON.stringify(s.parentSpanId)}`);
  w.string(tenant);
  w.string(serviceName(s.resource));
  w.string(s.name);
  w.u64(s.startTimeUnixNano);
  w.u64(s.endTimeUnixNano - s.startTimeUnixNano);
  w.hex(s.traceId);
  w.hex(s.spanId);
  if (s.parentSpanId === null) w.u8(1);
  else {
    w.u8(0);
    w.hex(s.parentSpanId);
  }
  w.u8(s.kind & 0xff);
  w.u8(s.status.code & 0xff);
  const attrs = s.attributes;
  w.strings(attrs.map((kv) => kv.key));
  w.strings(attrs.map((kv) => anyValueToString(kv.value)));
  let types = '';
  for (const kv of attrs) types += typeLetter(kv.value);
  w.string(types);
  const eventAttrs = s.events.length === 0 ? [] : s.events.flatMap((e) => e.attributes);
  w.strings(eventAttrs.map((kv) => kv.key));
  w.strings(eventAttrs.map((kv) => anyValueToString(kv.value)));
  // The body: nested attribute values (their text is not lossless), events and rare fields; most spans have none.
  const nested = NESTED.test(types) ? attrs.filter((kv) => kv.value.type === 'array' || kv.value.type === 'kvlist') : [];
  body.at = 0;
  writeBody(body, nested.length === attrs.length ? s : { ...s, attributes: nested });
  w.utf8(body.bytes, body.at);
  w.raw(append);
  w.raw(repeated.of(s.resource, 'resource'));
  w.raw(repeated.of(s.scope, 'scope'));
}

const body = new ByteWriter(1024);

/** The encoded (source, wal_pos, day) of an append, repeated on each of its rows. */
export function appendPart(source: string, walPos: bigint, day: number): Buffer {
  const w = new RowBinaryWriter(64);
  w.string(source);
  w.u64(walPos);
  w.u32(day);
  return Buffer.from(w.view());
}

/** A span back from its row, exactly as appended. Resources and scopes repeat: `cache` decodes each text once. */
export function toSpan(r: ReadRow, cache: Map<string, unknown>): Span {
  const start = BigInt(r.start) as UnixNanos;
  const { attributes: nested, events, rest } = decodeBody(r.body, start);
  let n = 0;
  const attributes: Attributes = r.attr_keys.map((key, i) => {
    const type = r.attr_types[i]!;
    return { key, value: type === 'a' || type === 'k' ? nested[n++]!.value : fromText(r.attr_values[i]!, type) };
  });
  let resource = cache.get(r.resource) as Span['resource'] | undefined;
  if (resource === undefined) cache.set(r.resource, (resource = decodeResource(r.resource)));
  let scope = cache.get(r.scope) as Span['scope'] | undefined;
  if (scope === undefined) cache.set(r.scope, (scope = decodeScope(r.scope)));
  return {
    traceId: r.tid as TraceId,
    spanId: r.sid as SpanId,
    parentSpanId: r.pid === '' ? null : (r.pid as SpanId),
    traceState: rest.traceState,
    flags: rest.flags,
    name: r.name,
    kind: Number(r.kind) as SpanKind,
    startTimeUnixNano: start,
    endTimeUnixNano: BigInt.asUintN(64, start + BigInt(r.dur)) as UnixNanos,
    attributes,
    droppedAttributesCount: rest.droppedAttributesCount,
    events,
    droppedEventsCount: rest.droppedEventsCount,
    links: rest.links,
    droppedLinksCount: rest.droppedLinksCount,
    status: { code: statusCode(Number(r.status)), message: rest.statusMessage },
    resource,
    scope,
  };
}

/** The outline of a row (decoding it whole: outlines of ClickHouse rows skip nothing yet). */
export const toOutline = (r: ReadRow, cache: Map<string, unknown>): SpanOutline => spanOutline(toSpan(r, cache));
