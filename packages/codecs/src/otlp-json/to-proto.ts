import { isUtf8 } from 'node:buffer';
import { FIXED32, FIXED64, LEN, VARINT } from '../otlp-proto/wire-reader.js';
import { WireWriter } from '../otlp-proto/wire-writer.js';

/*
 * OTLP/JSON bytes straight to OTLP protobuf, without JSON.parse and without model spans: a scan over the bytes that
 * writes each field as it meets it. It is the fast path for what exporters write (the Collector's file exporter, the
 * SDKs' JSON exporters, `clew export`): known fields, valid ids, nothing refused. Anything else (an unknown or
 * repeated field, a null, base64 bytes, entity refs, a number beyond what a double holds exactly, a span whose ids
 * decodeOtlpJson would refuse, JSON it would refuse) makes it give up and answer undefined, and the caller decodes the
 * line with decodeOtlpJson, which accepts, refuses and explains exactly as before. So the two never disagree: where
 * this answers, decodeOtlpProto of its protobuf gives the spans decodeOtlpJson gives (to-proto.test.ts checks).
 */

/** The protobuf of a JSON document, and how many spans it holds (every one accepted). */
export interface ProtoOfJson {
  readonly proto: Uint8Array;
  readonly spans: number;
}

/**
 * The OTLP protobuf of an OTLP/JSON document, or undefined when the document holds anything outside the fast path
 * (then decodeOtlpJson it).
 * @example decodeOtlpProto(otlpJsonToProto(line)!.proto) // the spans decodeOtlpJson(line) gives
 */
export function otlpJsonToProto(json: Uint8Array): ProtoOfJson | undefined {
  // Ill-formed UTF-8 is left to decodeOtlpJson, whose decoding reads U+FFFD for it; well-formed, every string's
  // bytes are copied as they are (checked natively, once, rather than sequence by sequence here).
  if (!isUtf8(json)) return undefined;
  const t = new Transcoder(json);
  try {
    t.request();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
  return { proto: t.w.finish(), spans: t.spans };
}

/** A WireWriter that also copies bytes from the JSON as they are. */
class JsonWireWriter extends WireWriter {
  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Where the next byte goes; `rewind` to it drops what was written since. */
  mark(): number {
    return this.pos;
  }

  rewind(pos: number): void {
    this.pos = pos;
  }

  /** A fixed64 given as its low and high 32-bit words. */
  fixed64Words(lo: number, hi: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, lo, true);
    this.view.setUint32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  /**
   * The JSON string whose text starts at `src[at]` (past its opening quote) as a length-delimited field, copied as
   * it is (the document is well-formed UTF-8). Returns where its closing quote is, or -1, having written nothing,
   * when a byte stops the copy first (an escape, a control character: the caller reads it slowly).
   * An empty string is left out unless `keepEmpty`.
   */
  plainString(field: number, src: Uint8Array, at: number, keepEmpty: boolean): number {
    const start = this.pos;
    this.ensure(2);
    this.buf[this.pos++] = (field << 3) | LEN; // fields up to 15: a one-byte tag
    const lenAt = this.pos++;
    let i = at;
    for (;;) {
      const buf = this.buf;
      const lim = Math.min(src.length, i + buf.length - this.pos);
      let p = this.pos;
      while (i < lim && STRING_BYTE[src[i]!] === PLAIN) buf[p++] = src[i++]!;
      this.pos = p;
      if (i < lim || i === src.length) break;
      this.ensure(256);
    }
    if (src[i] !== QUOTE || (i === at && !keepEmpty)) {
      this.pos = start;
      return src[i] === QUOTE ? i : -1;
    }
    this.end(lenAt);
    return i;
  }
}

/** Thrown where the fast path stops: one object, made once. */
const GIVE_UP = new Error('outside the fast path');
const giveUp = (): never => {
  throw GIVE_UP;
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;

/** Hex digit values by byte (-1 for anything else). */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;

/** Values of JSON's one-letter escapes (0 where the letter is not one). */
const ESCAPES = new Uint8Array(128);
for (const [c, v] of [['"', 0x22], ['\\', 0x5c], ['/', 0x2f], ['b', 0x08], ['f', 0x0c], ['n', 0x0a], ['r', 0x0d], ['t', 0x09]] as const) ESCAPES[c.charCodeAt(0)] = v;

/**
 * What a byte is inside a string: PLAIN (copied as it is: printable ASCII and the bytes of other UTF-8, which the
 * document was checked for), or the end of a plain run (a quote, a backslash, a control character).
 */
const PLAIN = 0;
const STRING_BYTE = new Uint8Array(256).fill(1);
for (let c = 0x20; c < 0x100; c++) if (c !== QUOTE && c !== BACKSLASH) STRING_BYTE[c] = PLAIN;

/**
 * A KeyValue as writers put it, compact and key first: `{"key":"…","value":{"stringValue":…}}` (or intValue, boolValue,
 * doubleValue). Matched byte by byte, the value's member name past the quote that KV_VALUE ends with; a KeyValue
 * written any other way is read field by field. Attributes are most of a span's JSON: the transcoder took 2.6 µs a
 * span of the benchmark's JSON lines so, against 3.3 reading every KeyValue field by field.
 */
const KV_KEY = Buffer.from('{"key":"');
const KV_VALUE = Buffer.from(',"value":{"');
const KV_STRING = Buffer.from('stringValue":"');
/** The other value members it matches, each with its field (and bit) in AnyValue. */
const KV_SCALARS = [
  [Buffer.from('intValue":'), 3],
  [Buffer.from('boolValue":'), 2],
  [Buffer.from('doubleValue":'), 4],
] as const;

/** Whether `b` holds the bytes of `word` at `at`. */
function bytesAt(b: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at + word.length > b.length) return false;
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word[k]) return false;
  return true;
}

/** AnyValue's members nest; deeper than this is left to decodeOtlpJson (which refuses beyond 64). */
const MAX_DEPTH = 32;

/**
 * An object's field names (lowerCamelCase and snake_case, as the protobuf JSON mapping accepts), each to the bit that
 * stands for its field: a field met twice (under either name) gives up, as JSON.parse would keep only the last.
 */
class Fields {
  private readonly names: Uint8Array[] = [];
  private readonly bits: number[] = [];

  constructor(fields: Record<string, number>) {
    // lowerCamelCase names first, in field order; snake_case ones after them.
    for (const spelling of [0, 1]) {
      for (const [names, bit] of Object.entries(fields)) {
        const name = names.split(' ')[spelling];
        if (name === undefined) continue;
        this.names.push(Buffer.from(name, 'latin1'));
        this.bits.push(bit);
      }
    }
    this.after = new Int32Array(this.names.length + 1);
  }

  /**
   * Where each search starts: the name found after the last one found the last time (`after[k]` after name k, and
   * `after[names.length]` first in an object), then the ones after it. A writer puts an object's fields in the same
   * order every time, its optional fields left out alike, so most names are found at the first try. (Starting at the
   * name last found tried 3.4 names a field on the export's lines.)
   */
  private readonly after: Int32Array;
  /** The name last found. */
  private last = 0;

  /** Past the closing quote of the name last found. */
  end = 0;

  /** The bit of the name starting at `b[at]` (past its opening quote), or 0 for a name not known here; `first` in its object. */
  find(b: Uint8Array, at: number, first: boolean): number {
    const { names } = this;
    const from = first ? names.length : this.last;
    for (let k = this.after[from]!, tried = 0; tried < names.length; tried++, k = k + 1 === names.length ? 0 : k + 1) {
      const name = names[k]!;
      const n = name.length;
      if (b[at + n] !== QUOTE) continue;
      let i = 0;
      while (i < n && name[i] === b[at + i]) i++;
      if (i < n) continue;
      this.after[from] = k;
      this.last = k;
      this.end = at + n + 1;
      return this.bits[k]!;
    }
    return 0;
  }
}

const REQUEST = new Fields({ 'resourceSpans resource_spans': 1 });
const RESOURCE_SPANS = new Fields({ resource: 1, 'scopeSpans scope_spans': 2, 'schemaUrl schema_url': 4 });
const RESOURCE = new Fields({ attributes: 1, 'droppedAttributesCount dropped_attributes_count': 2 });
const SCOPE_SPANS = new Fields({ scope: 1, spans: 2, 'schemaUrl schema_url': 4 });
const SCOPE = new Fields({ name: 1, version: 2, attributes: 4, 'droppedAttributesCount dropped_attributes_count': 8 });
const SPAN = new Fields({
  'traceId trace_id': 1 << 0,
  'spanId span_id': 1 << 1,
  'traceState trace_state': 1 << 2,
  'parentSpanId parent_span_id': 1 << 3,
  name: 1 << 4,
  kind: 1 << 5,
  'startTimeUnixNano start_time_unix_nano': 1 << 6,
  'endTimeUnixNano end_time_unix_nano': 1 << 7,
  attributes: 1 << 8,
  'droppedAttributesCount dropped_attributes_count': 1 << 9,
  events: 1 << 10,
  'droppedEventsCount dropped_events_count': 1 << 11,
  links: 1 << 12,
  'droppedLinksCount dropped_links_count': 1 << 13,
  status: 1 << 14,
  flags: 1 << 15,
});
const EVENT = new Fields({ 'timeUnixNano time_unix_nano': 1, name: 2, attributes: 4, 'droppedAttributesCount dropped_attributes_count': 8 });
const LINK = new Fields({
  'traceId trace_id': 1,
  'spanId span_id': 2,
  'traceState trace_state': 4,
  attributes: 8,
  'droppedAttributesCount dropped_attributes_count': 16,
  flags: 32,
});
const STATUS = new Fields({ code: 1, message: 2 });
const KEY_VALUE = new Fields({ key: 1, value: 2 });
const ANY_VALUE = new Fields({
  'stringValue string_value': 1,
  'boolValue bool_value': 2,
  'intValue int_value': 3,
  'doubleValue double_value': 4,
  'arrayValue array_value': 5,
  'kvlistValue kvlist_value': 6,
});
const VALUES = new Fields({ values: 1 });

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'].map((s) => Buffer.from(s));
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'].map((s) => Buffer.from(s));
const NON_FINITE = new Map([['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]]);

class Transcoder {
  readonly w: JsonWireWriter;
  spans = 0;
  private i = 0;
  /** Where the last string scanned starts and ends (its bytes, between the quotes), and whether it had escapes. */
  private from = 0;
  private to = 0;
  private escaped = false;
  /** The low and high 32-bit words of the last integer read. */
  private lo = 0;
  private hi = 0;

  constructor(private readonly b: Uint8Array) {
    // About half the JSON's size: sized so that the buffer rarely grows.
    this.w = new JsonWireWriter(256 + (b.length >>> 1));
  }

  request(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(REQUEST, first, seen);
      if (f === 0) break;
      seen |= f;
      this.open(OPEN_ARRAY);
      for (let n = 0; this.item(n); n++) this.message(1, () => this.resourceSpans());
    }
    if ((seen & 1) === 0) giveUp(); // not OTLP, or an empty document: decodeOtlpJson says which
    this.ws();
    if (this.i !== this.b.length) giveUp();
  }

  private resourceSpans(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(RESOURCE_SPANS, first, seen);
      if (f === 0) return;
      seen |= f;
      if (f === 1) this.message(1, () => this.resource());
      else if (f === 2) {
        this.open(OPEN_ARRAY);
        for (let n = 0; this.item(n); n++) this.message(2, () => this.scopeSpans());
      } else this.string(3, false);
    }
  }

  private resource(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(RESOURCE, first, seen);
      if (f === 0) return;
      seen |= f;
      if (f === 1) this.attributes(1);
      else this.uint32(2, VARINT);
    }
  }

  private scopeSpans(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(SCOPE_SPANS, first, seen);
      if (f === 0) return;
      seen |= f;
      if (f === 1) this.message(1, () => this.scope());
      else if (f === 2) {
        this.open(OPEN_ARRAY);
        for (let n = 0; this.item(n); n++) {
          const at = this.w.begin(2);
          this.span();
          this.w.end(at);
          this.spans++;
        }
      } else this.string(3, false);
    }
  }

  private scope(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(SCOPE, first, seen);
      if (f === 0) return;
      seen |= f;
      if (f === 1) this.string(1, false);
      else if (f === 2) this.string(2, false);
      else if (f === 4) this.attributes(3);
      else this.uint32(4, VARINT);
    }
  }

  private span(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(SPAN, first, seen);
      if (f === 0) break;
      seen |= f;
      switch (f) {
        case 1 << 0:
          this.id(1, 16, false);
          break;
        case 1 << 1:
          this.id(2, 8, false);
          break;
        case 1 << 2:
          this.string(3, false);
          break;
        case 1 << 3:
          this.parentId();
          break;
        case 1 << 4:
          this.string(5, false);
          break;
        case 1 << 5:
          this.enumValue(6, SPAN_KINDS);
          break;
        case 1 << 6:
          this.fixed64(7);
          break;
        case 1 << 7:
          this.fixed64(8);
          break;
        case 1 << 8:
          this.attributes(9);
          break;
        case 1 << 9:
          this.uint32(10, VARINT);
          break;
        case 1 << 10:
          this.open(OPEN_ARRAY);
          for (let n = 0; this.item(n); n++) this.message(11, () => this.event());
          break;
        case 1 << 11:
          this.uint32(12, VARINT);
          break;
        case 1 << 12:
          this.open(OPEN_ARRAY);
          for (let n = 0; this.item(n); n++) this.message(13, () => this.link());
          break;
        case 1 << 13:
          this.uint32(14, VARINT);
          break;
        case 1 << 14:
          this.message(15, () => this.status());
          break;
        default:
          this.uint32(16, FIXED32);
      }
    }
    // Without both ids decodeOtlpJson refuses the span (and says why).
    if ((seen & 3) !== 3) giveUp();
  }

  private event(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(EVENT, first, seen);
      if (f === 0) return;
      seen |= f;
      if (f === 1) this.fixed64(1);
      else if (f === 2) this.string(2, false);
      else if (f === 4) this.attributes(3);
      else this.uint32(4, VARINT);
    }
  }

  private link(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(LINK, first, seen);
      if (f === 0) break;
      seen |= f;
      if (f === 1) this.id(1, 16, true);
      else if (f === 2) this.id(2, 8, true);
      else if (f === 4) this.string(3, false);
      else if (f === 8) this.attributes(4);
      else if (f === 16) this.uint32(5, VARINT);
      else this.uint32(6, FIXED32);
    }
    if ((seen & 3) !== 3) giveUp();
  }

  private status(): void {
    let seen = 0;
    this.open(OPEN_OBJECT);
    for (let first = true; ; first = false) {
      const f = this.field(STATUS, first, seen);
      if (f === 0) return;
      seen |= f;
      if (f === 1) this.enumValue(3, STATUS_CODES);
      else this.string(2, false);
    }
  }

  /** A JSON array of KeyValue objects, each a message in `field`. */
  private attributes(field: number, depth = 0): void {
    this.open(OPEN_ARRAY);
    for (let n = 0; this.item(n); n++) {
      if (depth < MAX_DEPTH && this.compactKeyValue(field)) continue;
      const at = this.w.begin(field);
      let seen = 0;
      this.open(OPEN_OBJECT);
      for (let first = true; ; first = false) {
        const f = this.field(KEY_VALUE, first, seen);
        if (f === 0) break;
        seen |= f;
        if (f === 1) this.string(1, false);
        else {
          const value = this.w.begin(2);
          this.anyValue(depth);
          this.w.end(value);
        }
      }
      // Without a value it is the empty value, which protobuf says with an empty AnyValue (as encodeOtlpProto does).
      if ((seen & 2) === 0) this.w.message(2, () => undefined);
      this.w.end(at);
    }
  }

  /**
   * A KeyValue in `field` written as KV_KEY says, with a plain key and a string, int, bool or double value: true
   * having read it, or false having read and written nothing (then it is read field by field, which decides what any
   * other form means). Writes what the field-by-field reading writes.
   */
  private compactKeyValue(field: number): boolean {
    const { b, w } = this;
    const i0 = this.i;
    if (!bytesAt(b, i0, KV_KEY)) return false;
    const mark = w.mark();
    const at = w.begin(field);
    const keyEnd = w.plainString(1, b, i0 + KV_KEY.length, false);
    const value = w.begin(2);
    const read = keyEnd >= 0 && bytesAt(b, keyEnd + 1, KV_VALUE) && this.compactValue(keyEnd + 1 + KV_VALUE.length);
    if (read && b[this.i] === CLOSE_OBJECT && b[this.i + 1] === CLOSE_OBJECT) {
      this.i += 2;
      w.end(value);
      w.end(at);
      return true;
    }
    this.i = i0;
    w.rewind(mark);
    return false;
  }

  /** The AnyValue member named at `b[i]` (KV_STRING or one of KV_SCALARS) and its value: true having read them. */
  private compactValue(i: number): boolean {
    const b = this.b;
    if (bytesAt(b, i, KV_STRING)) {
      const end = this.w.plainString(1, b, i + KV_STRING.length, true);
      this.i = end + 1;
      return end >= 0;
    }
    for (const [name, member] of KV_SCALARS) {
      if (!bytesAt(b, i, name)) continue;
      this.i = i + name.length;
      this.scalar(member);
      return true;
    }
    return false;
  }

  /** AnyValue's bool (2), int (3) or double (4) member, its value at `this.i`. */
  private scalar(member: number): void {
    const w = this.w;
    this.ws();
    if (member === 3) this.int64(3);
    else if (member === 2) {
      w.tag(2, VARINT);
      w.varint(this.bool() ? 1 : 0);
    } else {
      w.tag(4, FIXED64);
      w.double(this.double());
    }
  }

  /** The body of an AnyValue; `{}` is the empty value. */
  private anyValue(depth: number): void {
    if (depth >= MAX_DEPTH) giveUp();
    this.open(OPEN_OBJECT);
    const f = this.field(ANY_VALUE, true, 0);
    if (f === 0) return;
    switch (f) {
      case 1:
        this.string(1, true);
        break;
      case 2:
      case 3:
      case 4:
        this.scalar(f);
        break;
      case 5:
        this.message(5, () => {
          this.valuesOf(() => {
            this.open(OPEN_ARRAY);
            for (let n = 0; this.item(n); n++) this.message(1, () => this.anyValue(depth + 1));
          });
        });
        break;
      default:
        this.message(6, () => this.valuesOf(() => this.attributes(1, depth + 1)));
    }
    // A second member is refused by decodeOtlpJson; an unknown one is left to it too.
    if (this.field(ANY_VALUE, false, 0) !== 0) giveUp();
  }

  /** An ArrayValue or KeyValueList object: its one field, `values`, read by `values`. */
  private valuesOf(values: () => void): void {
    this.open(OPEN_OBJECT);
    if (this.field(VALUES, true, 0) === 0) return;
    values();
    if (this.field(VALUES, false, 1) !== 0) giveUp();
  }

  private message(field: number, body: () => void): void {
    const at = this.w.begin(field);
    body();
    this.w.end(at);
  }

  // ——— JSON tokens ———

  private ws(): void {
    const b = this.b;
    if (b[this.i]! > 0x20) return;
    let i = this.i;
    for (let c = b[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++i]);
    this.i = i;
  }

  private open(c: number): void {
    this.ws();
    if (this.b[this.i] !== c) giveUp();
    this.i++;
  }

  /**
   * The next field of an object (its bit in `fields`), positioned at its value, or 0 at the object's end. Gives up
   * on a field not in `fields`, on one in `seen` already, and on a null value (which JSON reads as absent).
   */
  private field(fields: Fields, first: boolean, seen: number): number {
    this.ws();
    const b = this.b;
    if (b[this.i] === CLOSE_OBJECT) {
      this.i++;
      return 0;
    }
    if (!first) {
      if (b[this.i] !== COMMA) giveUp();
      this.i++;
      this.ws();
    }
    if (b[this.i] !== QUOTE) giveUp();
    // A name with an escape or other bytes matches none of the names, and gives up as an unknown one.
    const bit = fields.find(b, this.i + 1, first);
    if (bit === 0 || (seen & bit) !== 0) giveUp();
    this.i = fields.end;
    if (b[this.i] !== COLON) {
      this.ws();
      if (b[this.i] !== COLON) giveUp();
    }
    this.i++;
    if (b[this.i]! <= 0x20) this.ws();
    if (b[this.i] === 0x6e) giveUp(); // null
    return bit;
  }

  /** Whether the array has an item at `n` (positioned at it), or has ended (past its `]`). */
  private item(n: number): boolean {
    this.ws();
    if (this.b[this.i] === CLOSE_ARRAY) {
      this.i++;
      return false;
    }
    if (n > 0) {
      if (this.b[this.i] !== COMMA) giveUp();
      this.i++;
    }
    return true;
  }

  /**
   * Scans a string, setting from/to around its bytes and `escaped`. Gives up on JSON.parse's errors (a raw control
   * character, an unknown escape).
   */
  private scan(): void {
    this.ws();
    const b = this.b;
    if (b[this.i] !== QUOTE) giveUp();
    let i = this.i + 1;
    this.from = i;
    this.escaped = false;
    for (;;) {
      while (STRING_BYTE[b[i]!] === PLAIN) i++;
      const c = b[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        this.escaped = true;
        i += b[i + 1] === 0x75 ? 6 : 2;
      } else giveUp(); // a control character, or the end of the input
    }
    this.to = i;
    this.i = i + 1;
  }

  /** A string in `field`; an empty one is left out unless `keepEmpty` (a oneof member says its type even empty). */
  private string(field: number, keepEmpty: boolean): void {
    if (this.b[this.i] === QUOTE) {
      const end = this.w.plainString(field, this.b, this.i + 1, keepEmpty);
      if (end >= 0) {
        this.i = end + 1;
        return;
      }
    }
    // plainString stopped at a backslash (scan gives up on anything else): the string has escapes.
    this.scan();
    const at = this.w.begin(field);
    this.unescape();
    this.w.end(at);
  }

  /** Writes the scanned string's text with its escapes undone, as UTF-8. */
  private unescape(): void {
    const { b, w } = this;
    for (let i = this.from; i < this.to; ) {
      const c = b[i]!;
      if (c !== BACKSLASH) {
        w.byte(c);
        i++;
        continue;
      }
      const e = b[i + 1]!;
      if (e !== 0x75) {
        const v = e < 128 ? ESCAPES[e]! : 0;
        if (v === 0) giveUp();
        w.byte(v);
        i += 2;
        continue;
      }
      let cp = hex4(b, i + 2);
      i += 6;
      if (cp >= 0xd800 && cp <= 0xdfff) {
        // A surrogate pair; a lone surrogate is left to decodeOtlpJson.
        const low = cp <= 0xdbff && b[i] === BACKSLASH && b[i + 1] === 0x75 ? hex4(b, i + 2) : -1;
        if (low < 0xdc00 || low > 0xdfff) giveUp();
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i += 6;
      }
      if (cp < 0x80) w.byte(cp);
      else if (cp < 0x800) {
        w.byte(0xc0 | (cp >> 6));
        w.byte(0x80 | (cp & 0x3f));
      } else if (cp < 0x10000) {
        w.byte(0xe0 | (cp >> 12));
        w.byte(0x80 | ((cp >> 6) & 0x3f));
        w.byte(0x80 | (cp & 0x3f));
      } else {
        w.byte(0xf0 | (cp >> 18));
        w.byte(0x80 | ((cp >> 12) & 0x3f));
        w.byte(0x80 | ((cp >> 6) & 0x3f));
        w.byte(0x80 | (cp & 0x3f));
      }
    }
  }

  /**
   * A trace or span id in hex, `bytes` long, as a bytes field. Gives up on anything decodeOtlpJson would refuse the
   * span for: not hex, another length, all zero (a link may be all zero).
   */
  private id(field: number, bytes: number, zeroAllowed: boolean): void {
    this.scan();
    const { b, from } = this;
    if (this.escaped || this.to - from !== bytes * 2) giveUp();
    const w = this.w;
    w.tag(field, LEN);
    w.varint(bytes);
    let any = 0;
    for (let k = 0; k < bytes; k++) {
      const v = (HEX[b[from + 2 * k]!]! << 4) | HEX[b[from + 2 * k + 1]!]!;
      if (v < 0) giveUp();
      any |= v;
      w.byte(v);
    }
    if (any === 0 && !zeroAllowed) giveUp();
  }

  /** parentSpanId: empty or all zero is no parent (nothing written), else 8 bytes of hex. */
  private parentId(): void {
    this.scan();
    const { b, from, to } = this;
    if (to === from) return;
    if (this.escaped || to - from !== 16) giveUp();
    let zero = true;
    for (let i = from; i < to; i++) {
      if (HEX[b[i]!]! < 0) giveUp();
      if (b[i] !== ZERO) zero = false;
    }
    if (zero) return;
    const w = this.w;
    w.tag(4, LEN);
    w.varint(8);
    for (let i = from; i < to; i += 2) w.byte((HEX[b[i]!]! << 4) | HEX[b[i + 1]!]!);
  }

  /**
   * An unsigned integer, a JSON number or a string of decimal digits, into lo/hi. A number is read only below 2^53
   * (JSON.parse rounds beyond; decodeOtlpJson then works from the rounded value).
   */
  private unsigned(max64: boolean): void {
    this.ws();
    const b = this.b;
    const quoted = b[this.i] === QUOTE;
    let i = quoted ? this.i + 1 : this.i;
    const from = i;
    // Up to 15 digits are exact as a double; the rest (timestamps have 19) carried into two 32-bit words.
    let v = 0;
    for (let c = b[i]!; c >= ZERO && c <= ZERO + 9 && i - from < 15; c = b[++i]!) v = v * 10 + (c - ZERO);
    let hi = Math.floor(v / 0x100000000);
    let lo = v - hi * 0x100000000;
    for (let c = b[i]!; c >= ZERO && c <= ZERO + 9; c = b[++i]!) {
      lo = lo * 10 + (c - ZERO);
      const carry = Math.floor(lo / 0x100000000);
      lo -= carry * 0x100000000;
      hi = hi * 10 + carry;
      if (hi > 0xffffffff) giveUp(); // beyond 64 bits: decodeOtlpJson says so
    }
    const digits = i - from;
    if (digits === 0 || (!max64 && hi !== 0)) giveUp();
    if (quoted) {
      if (b[i] !== QUOTE) giveUp();
      i++;
    } else if (hi >= 0x200000 || (digits > 1 && b[from] === ZERO) || b[i] === 0x2e || b[i] === 0x65 || b[i] === 0x45) giveUp();
    this.i = i;
    this.lo = lo;
    this.hi = hi;
  }

  /** A uint32 (a count or flags) in `field` as a varint or fixed32; 0 is left out, as proto3 does. */
  private uint32(field: number, wireType: number): void {
    this.unsigned(false);
    if (this.lo === 0) return;
    this.w.tag(field, wireType);
    if (wireType === VARINT) this.w.varint(this.lo);
    else this.w.fixed32(this.lo);
  }

  private fixed64(field: number): void {
    this.unsigned(true);
    if (this.lo === 0 && this.hi === 0) return;
    this.w.tag(field, FIXED64);
    this.w.fixed64Words(this.lo, this.hi);
  }

  /** An AnyValue's int64: non-negative and below 2^53 as a Number, anything else through BigInt (rare). */
  private int64(field: number): void {
    this.ws();
    const b = this.b;
    const negative = b[this.i] === MINUS || (b[this.i] === QUOTE && b[this.i + 1] === MINUS);
    this.w.tag(field, VARINT);
    if (!negative) {
      this.unsigned(true);
      if (this.hi > 0x7fffffff) giveUp(); // beyond int64: decodeOtlpJson says so
      if (this.hi >= 0x200000) this.w.int64((BigInt(this.hi) << 32n) | BigInt(this.lo));
      else this.w.varint(this.hi * 0x100000000 + this.lo);
      return;
    }
    const quoted = b[this.i] === QUOTE;
    const from = this.i + (quoted ? 2 : 1);
    let i = from;
    while (b[i]! >= ZERO && b[i]! <= ZERO + 9) i++;
    if (i === from || i - from > 19 || (quoted ? b[i] !== QUOTE : (i - from > 1 && b[from] === ZERO) || b[i] === 0x2e || b[i] === 0x65 || b[i] === 0x45)) giveUp();
    const v = -BigInt(Buffer.from(b.buffer, b.byteOffset + from, i - from).toString('latin1'));
    if (v < -(2n ** 63n) || (!quoted && v < -(2n ** 53n - 1n))) giveUp();
    this.w.int64(v);
    this.i = quoted ? i + 1 : i;
  }

  /** An enum as its integer (within the enum) or its name; 0 is left out. */
  private enumValue(field: number, names: readonly Uint8Array[]): void {
    this.ws();
    const b = this.b;
    let v: number;
    if (b[this.i] === QUOTE && !(b[this.i + 1]! >= ZERO && b[this.i + 1]! <= ZERO + 9)) {
      this.scan();
      v = names.findIndex((name) => name.length === this.to - this.from && !this.escaped && name.every((c, k) => b[this.from + k] === c));
      if (v < 0) giveUp();
    } else {
      this.unsigned(false);
      v = this.lo;
      if (v >= names.length) giveUp();
    }
    if (v === 0) return;
    this.w.tag(field, VARINT);
    this.w.varint(v);
  }

  private bool(): boolean {
    const b = this.b;
    const i = this.i;
    if (b[i] === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
      this.i += 4;
      return true;
    }
    if (b[i] === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
      this.i += 5;
      return false;
    }
    return giveUp();
  }

  /** A double: a JSON number, or "NaN", "Infinity", "-Infinity" (other strings are left to decodeOtlpJson). */
  private double(): number {
    const b = this.b;
    if (b[this.i] === QUOTE) {
      this.scan();
      const v = this.escaped ? undefined : NON_FINITE.get(Buffer.from(b.buffer, b.byteOffset + this.from, this.to - this.from).toString('latin1'));
      return v ?? giveUp();
    }
    // JSON's number grammar, then Number() of the same text (what JSON.parse gives).
    const from = this.i;
    let i = from;
    if (b[i] === MINUS) i++;
    if (b[i] === ZERO) i++;
    else if (b[i]! > ZERO && b[i]! <= ZERO + 9) while (b[i]! >= ZERO && b[i]! <= ZERO + 9) i++;
    else giveUp();
    if (b[i] === 0x2e) {
      const f = ++i;
      while (b[i]! >= ZERO && b[i]! <= ZERO + 9) i++;
      if (i === f) giveUp();
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === MINUS) i++;
      const e = i;
      while (b[i]! >= ZERO && b[i]! <= ZERO + 9) i++;
      if (i === e) giveUp();
    }
    this.i = i;
    return Number(Buffer.from(b.buffer, b.byteOffset + from, i - from).toString('latin1'));
  }
}

/** Four hex digits at `at` as a number, giving up on anything else. */
function hex4(b: Uint8Array, at: number): number {
  let v = 0;
  for (let k = at; k < at + 4; k++) {
    const d = HEX[b[k] ?? QUOTE]!;
    if (d < 0) giveUp();
    v = (v << 4) | d;
  }
  return v;
}
