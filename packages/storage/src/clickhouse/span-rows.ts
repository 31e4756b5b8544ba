import type { AnyValue, Attributes, Resource, Span, SpanId, SpanKind, Tenant, TraceId, UnixNanos } from '@clew/model';
import { anyValueToString } from '@clew/model';
import { ByteWriter } from '../duckdb/byte-writer.js';
import { decodeBody, decodeScope, encodeScope, statusCode, writeBody } from '../duckdb/span-codec.js';
import { missingResource } from './resources.js';
import { RowBinaryWriter } from './row-binary.js';
import { PID, SID, TID } from './sql.js';

/**
 * The columns of the spans INSERT, in the order appendRow writes them (RowBinary has no names). What repeats along
 * a batch is written once and copied: the (source, wal_pos, day) of the append, and each scope.
 */
export const INSERT_COLUMNS =
  'tenant, service, name, start, dur, trace_id, span_id, parent_id, kind, status, attr_keys, attr_values, attr_types, ' +
  'event_keys, event_values, body, source, wal_pos, day, resource_id, scope';

/**
 * Bytes to reserve per span for its row: realistic spans (bench/lib/generate.js, ~10 attributes) take ~480. A
 * buffer that has to grow copies what it holds into one twice its size, about 2% of a collector's CPU in profiles when
 * 320 were reserved.
 */
export const ROW_BYTES = 640;

/** The columns toSpan reads back, ids as hex. */
export const READ_COLUMNS = `${TID} AS tid, ${SID} AS sid, ${PID} AS pid, service, start, dur, name, kind, status, attr_keys, attr_values, attr_types, toString(resource_id) AS rid, scope, body`;
export interface ReadRow {
  tid: string;
  sid: string;
  pid: string;
  service: string;
  start: string;
  dur: string;
  name: string;
  kind: number;
  status: number;
  attr_keys: string[];
  attr_values: string[];
  attr_types: string;
  rid: string;
  scope: string;
  body: string;
}

export const TRACE_ID = /^[0-9a-f]{32}$/;

/** The letter of a value's type (a char code), as value-codec writes it; `a` and `k` (nested) are also kept in `body`. */
function typeLetter(v: AnyValue): number {
  switch (v.type) {
    case 'string':
      return 0x73; // s
    case 'bool':
      return 0x62; // b
    case 'int':
      return 0x69; // i
    case 'double':
      // String(-0) is "0": the sign rides in the letter.
      return Object.is(v.value, -0) ? 0x7a : 0x64; // z, d
    case 'bytes':
      return 0x79; // y
    case 'empty':
      return 0x65; // e
    case 'array':
      return 0x61; // a
    case 'kvlist':
      return 0x6b; // k
  }
}

/** Array(String) of the keys, then Array(String) of the values as text. */
function writeAttributeArrays(w: RowBinaryWriter, attrs: Attributes): void {
  w.count(attrs.length);
  for (const kv of attrs) w.string(kv.key);
  w.count(attrs.length);
  for (const kv of attrs) w.string(kv.value.type === 'string' ? kv.value.value : anyValueToString(kv.value));
}

/** event_keys and event_values: every event's attributes, in order, as writeAttributeArrays writes a span's. */
function writeEventAttributes(w: RowBinaryWriter, events: Span['events']): void {
  let n = 0;
  for (const e of events) n += e.attributes.length;
  w.count(n);
  for (const e of events) for (const kv of e.attributes) w.string(kv.key);
  w.count(n);
  for (const e of events) for (const kv of e.attributes) w.string(kv.value.type === 'string' ? kv.value.value : anyValueToString(kv.value));
}

/** The attr_types String (one letter per attribute); whether any value is nested. */
function writeTypes(w: RowBinaryWriter, attrs: Attributes): boolean {
  w.count(attrs.length);
  let nested = false;
  for (const kv of attrs) {
    const letter = typeLetter(kv.value);
    if (letter === 0x61 || letter === 0x6b) nested = true;
    w.u8(letter);
  }
  return nested;
}


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

/** Each scope of a batch, encoded once (decoders hand out one object per scope). */
export class BatchScopes {
  private readonly parts = new Map<object, Buffer>();

  of(scope: Span['scope']): Buffer {
    let part = this.parts.get(scope);
    if (part === undefined) {
      const w = new RowBinaryWriter(256);
      w.string(encodeScope(scope));
      this.parts.set(scope, (part = Buffer.from(w.view())));
    }
    return part;
  }
}

/**
 * Writes the row of a span. Throws a RangeError for what the table cannot hold (an id that is not lowercase hex of
 * the right length), before anything is sent. `append` is the encoded (source, wal_pos, day) of the batch; the
 * resource is stored apart (resources.ts), under `resourceId`.
 */
export function appendRow(
  w: RowBinaryWriter,
  s: Span,
  tenant: Tenant,
  service: string,
  append: Buffer,
  resourceId: bigint,
  scopes: BatchScopes,
): void {
  w.string(tenant);
  w.string(service);
  w.string(s.name);
  w.u64(s.startTimeUnixNano);
  w.u64(s.endTimeUnixNano - s.startTimeUnixNano);
  if (!w.hexId(s.traceId, 16)) throw new RangeError(`not a trace id: ${JSON.stringify(s.traceId)}`);
  if (!w.hexId(s.spanId, 8)) throw new RangeError(`not a span id: ${JSON.stringify(s.spanId)}`);
  if (s.parentSpanId === null) w.u8(1);
  else {
    w.u8(0);
    if (!w.hexId(s.parentSpanId, 8)) throw new RangeError(`not a parent span id: ${JSON.stringify(s.parentSpanId)}`);
  }
  w.u8(s.kind & 0xff);
  w.u8(s.status.code & 0xff);
  const attrs = s.attributes;
  writeAttributeArrays(w, attrs);
  const nested = writeTypes(w, attrs);
  if (s.events.length === 0) {
    w.count(0);
    w.count(0);
  } else writeEventAttributes(w, s.events);
  // The body: nested attribute values (their text is not lossless), events and rare fields; most spans have none.
  body.at = 0;
  const kept = nested ? attrs.filter((kv) => kv.value.type === 'array' || kv.value.type === 'kvlist') : NONE;
  writeBody(body, s, undefined, kept);
  w.utf8(body.bytes, body.at);
  w.raw(append);
  w.u64(resourceId);
  w.raw(scopes.of(s.scope));
}

const body = new ByteWriter(1024);
const NONE: Attributes = [];

/** The encoded (source, wal_pos, day) of an append, repeated on each of its rows. */
export function appendPart(source: string, walPos: bigint, day: number): Buffer {
  const w = new RowBinaryWriter(64);
  w.string(source);
  w.u64(walPos);
  w.u32(day);
  return Buffer.from(w.view());
}

/**
 * A span back from its row, exactly as appended, with its resource from `resources` (by id). Scopes repeat: `cache`
 * decodes each text once.
 */
export function toSpan(r: ReadRow, resources: ReadonlyMap<string, Resource>, cache: Map<string, unknown>): Span {
  const start = BigInt(r.start) as UnixNanos;
  const { attributes: nested, events, rest } = decodeBody(r.body, start);
  let n = 0;
  const attributes: Attributes = r.attr_keys.map((key, i) => {
    const type = r.attr_types[i]!;
    return { key, value: type === 'a' || type === 'k' ? nested[n++]!.value : fromText(r.attr_values[i]!, type) };
  });
  const resource = resources.get(r.rid) ?? missingResource(r.service);
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
