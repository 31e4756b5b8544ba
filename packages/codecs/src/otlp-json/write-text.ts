import type { AnyValue, Attributes, Resource, Scope, Span, SpanEvent, SpanLink } from '@clew/model';
import { SharedAttributeBytes } from '@clew/model';
import { groupSpans } from '../group-spans.js';

/**
 * Spans as OTLP/JSON text in UTF-8: the bytes of `JSON.stringify(encodeOtlpJson(spans))` (same members, same order,
 * same defaults left out), written straight from the spans into one buffer instead of through a tree of objects and
 * a string, which cost an export most of its time in allocation and garbage collection. `newline` ends the text with
 * "\n" (a line of OTLP JSON lines).
 */
export function encodeOtlpJsonText(spans: readonly Span[], newline = false): Buffer {
  const w = new JsonTextWriter();
  w.raw('{"resourceSpans":[');
  let firstResource = true;
  for (const g of groupSpans(spans)) {
    w.raw(firstResource ? '{"resource":' : ',{"resource":');
    firstResource = false;
    resource(w, g.resource);
    w.raw(',"scopeSpans":[');
    let firstScope = true;
    for (const sg of g.scopes) {
      w.raw(firstScope ? '{"scope":' : ',{"scope":');
      firstScope = false;
      scope(w, sg.scope);
      w.raw(',"spans":[');
      for (let i = 0; i < sg.spans.length; i++) {
        if (i > 0) w.raw(',');
        span(w, sg.spans[i]!);
      }
      w.raw(']');
      w.stringMember(',"schemaUrl":', sg.scope.schemaUrl);
      w.raw('}');
    }
    w.raw(']');
    w.stringMember(',"schemaUrl":', g.resource.schemaUrl);
    w.raw('}');
  }
  w.raw(newline ? ']}\n' : ']}');
  return w.finish();
}

/** One growing buffer, reused from call to call; finish() copies out what was written. */
let scratch = Buffer.allocUnsafe(1 << 20);

/** Whether this machine stores a Uint32Array's words little end first: copyWords writes them back as they were read. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The JSON written for attributes the decoders share among spans (SharedAttributeBytes): an export through a Clew
 * decodes the route's protobuf, whose repeated attributes (methods, routes, hosts, status codes) are one object each,
 * spelled the same every time. 192 bytes a slot.
 */
const entries = new SharedAttributeBytes(1 << 12, 192);

/**
 * Appends JSON text as UTF-8. Members are written with a leading comma (`,"name":`) and `open` remembers where an
 * object began, so that the comma of its first member can be taken back: default-valued members are left out
 * without building the object first.
 */
class JsonTextWriter {
  private buf = scratch;
  private view = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
  pos = 0;

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** The buffer written into (valid until the next write). */
  bytes(): Uint8Array {
    return this.buf;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = scratch = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** The first `n` bytes of words[from…] (JSON written before); the last word's spare bytes are written over. */
  copyWords(words: Uint32Array, from: number, n: number): void {
    this.ensure(n + 3);
    const view = this.view;
    const at = this.pos;
    for (let i = 0; i < n; i += 4) view.setUint32(at + i, words[from + (i >> 2)]!, LITTLE_ENDIAN);
    this.pos = at + n;
  }

  /** ASCII text that needs no escaping (punctuation, member names, numbers), copied char by char. */
  raw(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  /** A JSON string: printable ASCII copied as it is, anything else spelled by JSON.stringify. */
  string(s: string): void {
    this.ensure(s.length + 2);
    const start = this.pos;
    const buf = this.buf;
    let p = start;
    buf[p++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) {
        const text = JSON.stringify(s);
        const n = Buffer.byteLength(text, 'utf8');
        this.pos = start;
        this.ensure(n);
        this.pos += this.buf.write(text, this.pos, n, 'utf8');
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  /** `,"name":"value"` unless the value is '' (the protobuf default, left out). */
  stringMember(prefix: string, value: string): void {
    if (value === '') return;
    this.raw(prefix);
    this.string(value);
  }

  numberMember(prefix: string, value: number): void {
    if (value === 0) return;
    this.raw(prefix);
    this.raw(JSON.stringify(value));
  }

  /** A fixed64 timestamp as its decimal string, left out when zero. */
  nanosMember(prefix: string, ns: bigint): void {
    if (ns === 0n) return;
    this.raw(prefix);
    this.raw(`"${ns}"`);
  }

  /** Opens an object whose members all start with a comma; close() drops the first one's. */
  open(): number {
    this.raw('{');
    return this.pos;
  }

  close(membersAt: number): void {
    if (this.pos === membersAt) return this.raw('}');
    this.buf.copyWithin(membersAt, membersAt + 1, this.pos);
    this.buf[this.pos - 1] = 0x7d;
  }
}

function resource(w: JsonTextWriter, r: Resource): void {
  const at = w.open();
  attributed(w, r);
  if (r.entityRefs.length > 0) {
    w.raw(',"entityRefs":[');
    r.entityRefs.forEach((e, i) => {
      if (i > 0) w.raw(',');
      const refAt = w.open();
      w.stringMember(',"schemaUrl":', e.schemaUrl);
      w.stringMember(',"type":', e.type);
      stringsMember(w, ',"idKeys":', e.idKeys);
      stringsMember(w, ',"descriptionKeys":', e.descriptionKeys);
      w.close(refAt);
    });
    w.raw(']');
  }
  w.close(at);
}

function stringsMember(w: JsonTextWriter, prefix: string, values: readonly string[]): void {
  if (values.length === 0) return;
  w.raw(prefix);
  w.raw('[');
  values.forEach((v, i) => {
    if (i > 0) w.raw(',');
    w.string(v);
  });
  w.raw(']');
}

/** `prefix` (a member name and `[`), the items, `]`; nothing when there are none, as the object encoder leaves them out. */
function arrayMember<T>(w: JsonTextWriter, prefix: string, items: readonly T[], write: (w: JsonTextWriter, item: T) => void): void {
  if (items.length === 0) return;
  w.raw(prefix);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) w.raw(',');
    write(w, items[i]!);
  }
  w.raw(']');
}

function scope(w: JsonTextWriter, s: Scope): void {
  const at = w.open();
  w.stringMember(',"name":', s.name);
  w.stringMember(',"version":', s.version);
  attributed(w, s);
  w.close(at);
}

/** `{"traceId":…,"spanId":…[,"traceState":…]`, how a span and a link begin. */
function ids(w: JsonTextWriter, x: Pick<SpanLink, 'traceId' | 'spanId' | 'traceState'>): void {
  w.raw('{"traceId":');
  w.string(x.traceId);
  w.raw(',"spanId":');
  w.string(x.spanId);
  w.stringMember(',"traceState":', x.traceState);
}

function span(w: JsonTextWriter, s: Span): void {
  ids(w, s);
  if (s.parentSpanId !== null) {
    w.raw(',"parentSpanId":');
    w.string(s.parentSpanId);
  }
  w.numberMember(',"flags":', s.flags);
  w.stringMember(',"name":', s.name);
  w.numberMember(',"kind":', s.kind);
  w.nanosMember(',"startTimeUnixNano":', s.startTimeUnixNano);
  w.nanosMember(',"endTimeUnixNano":', s.endTimeUnixNano);
  attributed(w, s);
  arrayMember(w, ',"events":[', s.events, event);
  w.numberMember(',"droppedEventsCount":', s.droppedEventsCount);
  arrayMember(w, ',"links":[', s.links, link);
  w.numberMember(',"droppedLinksCount":', s.droppedLinksCount);
  if (s.status.message !== '' || s.status.code !== 0) {
    w.raw(',"status":');
    const at = w.open();
    w.stringMember(',"message":', s.status.message);
    w.numberMember(',"code":', s.status.code);
    w.close(at);
  }
  w.raw('}');
}

function event(w: JsonTextWriter, e: SpanEvent): void {
  const at = w.open();
  w.nanosMember(',"timeUnixNano":', e.timeUnixNano);
  w.stringMember(',"name":', e.name);
  attributed(w, e);
  w.close(at);
}

function link(w: JsonTextWriter, l: SpanLink): void {
  ids(w, l);
  attributed(w, l);
  w.numberMember(',"flags":', l.flags);
  w.raw('}');
}

/** A thing's attributes and how many it dropped, each left out when empty or zero. */
function attributed(w: JsonTextWriter, x: { readonly attributes: Attributes; readonly droppedAttributesCount: number }): void {
  if (x.attributes.length > 0) {
    w.raw(',"attributes":[');
    keyValues(w, x.attributes);
    w.raw(']');
  }
  w.numberMember(',"droppedAttributesCount":', x.droppedAttributesCount);
}

function keyValues(w: JsonTextWriter, attrs: Attributes): void {
  for (let i = 0; i < attrs.length; i++) {
    const kv = attrs[i]!;
    if (i > 0) w.raw(',');
    const slot = entries.slotOf(kv);
    if (slot >= 0 && entries.owners[slot] === kv) {
      w.copyWords(entries.words, slot * entries.wordsPerSlot, entries.lengths[slot]!);
      continue;
    }
    const from = w.pos;
    w.raw('{"key":');
    w.string(kv.key);
    w.raw(',"value":');
    anyValue(w, kv.value);
    w.raw('}');
    if (slot >= 0) entries.set(kv, slot, w.bytes(), from, w.pos);
  }
}

/** One AnyValue as anyValueJson gives it. */
function anyValue(w: JsonTextWriter, v: AnyValue): void {
  switch (v.type) {
    case 'string':
      w.raw('{"stringValue":');
      w.string(v.value);
      return w.raw('}');
    case 'bool':
      return w.raw(v.value ? '{"boolValue":true}' : '{"boolValue":false}');
    case 'int':
      return w.raw(`{"intValue":"${v.value}"}`);
    case 'double':
      // JSON has no NaN or infinities; the protobuf JSON mapping spells them as strings.
      return w.raw(`{"doubleValue":${Number.isFinite(v.value) ? JSON.stringify(v.value) : `"${v.value}"`}}`);
    case 'bytes':
      return w.raw(`{"bytesValue":"${Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('base64')}"}`);
    case 'array':
      if (v.value.length === 0) return w.raw('{"arrayValue":{}}');
      w.raw('{"arrayValue":{"values":[');
      for (let i = 0; i < v.value.length; i++) {
        if (i > 0) w.raw(',');
        anyValue(w, v.value[i]!);
      }
      return w.raw(']}}');
    case 'kvlist':
      if (v.value.length === 0) return w.raw('{"kvlistValue":{}}');
      w.raw('{"kvlistValue":{"values":[');
      keyValues(w, v.value);
      return w.raw(']}}');
    case 'empty':
      return w.raw('{}');
  }
}
