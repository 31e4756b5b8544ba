import type { JaegerBatch, JaegerLog, JaegerProcess, JaegerSpan, JaegerSpanRef, JaegerTag, ThriftProtocol } from '@clew/codecs';
import { MessageType, TagType, TType } from '@clew/codecs';

/**
 * A Thrift writer for tests, in the binary or compact protocol: no Node client speaks compact, so tests build
 * compact datagrams with it, and check it against the binary path (thriftrw, which jaeger-client uses, and the
 * same batch decoded through both protocols).
 */
export class ThriftWriter {
  private readonly bytes: number[] = [];
  private lastIds: number[] = [];
  private lastId = 0;

  constructor(readonly protocol: ThriftProtocol) {}

  finish(): Buffer {
    return Buffer.from(this.bytes);
  }

  /** A message envelope: strict binary (0x8001), or compact (0x82). */
  message(name: string, type: number, seqid: number): this {
    if (this.protocol === 'binary') {
      this.i32((0x80010000 | type) | 0);
      this.string(name);
      this.i32(seqid);
    } else {
      this.bytes.push(0x82, (type << 5) | 1);
      this.varint(seqid >>> 0);
      this.string(name);
    }
    return this;
  }

  structBegin(): this {
    this.lastIds.push(this.lastId);
    this.lastId = 0;
    return this;
  }

  structEnd(): this {
    this.bytes.push(TType.STOP);
    this.lastId = this.lastIds.pop() ?? 0;
    return this;
  }

  /** A field header. For a compact bool field pass its value: compact folds it into the header. */
  field(type: number, id: number, boolValue?: boolean): this {
    if (this.protocol === 'binary') {
      this.bytes.push(type);
      this.i16(id);
      return this;
    }
    const ctype = type === TType.BOOL ? (boolValue ? 1 : 2) : COMPACT[type]!;
    const delta = id - this.lastId;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | ctype);
    else {
      this.bytes.push(ctype);
      this.varint(zigzag(id));
    }
    this.lastId = id;
    return this;
  }

  list(elemType: number, size: number): this {
    if (this.protocol === 'binary') {
      this.bytes.push(elemType);
      this.i32(size);
    } else if (size < 15) this.bytes.push((size << 4) | COMPACT[elemType]!);
    else {
      this.bytes.push(0xf0 | COMPACT[elemType]!);
      this.varint(size);
    }
    return this;
  }

  /** A bool field's value (binary only: compact wrote it in the field header). */
  boolValue(v: boolean): this {
    if (this.protocol === 'binary') this.bytes.push(v ? 1 : 0);
    return this;
  }

  i16(v: number): this {
    if (this.protocol === 'binary') this.bytes.push((v >> 8) & 0xff, v & 0xff);
    else this.varint(zigzag(v));
    return this;
  }

  i32(v: number): this {
    if (this.protocol === 'binary') this.bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    else this.varint(zigzag(v));
    return this;
  }

  i64(v: bigint): this {
    if (this.protocol === 'binary') {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt.asIntN(64, v));
      this.bytes.push(...b);
    } else {
      let u = BigInt.asUintN(64, (BigInt.asIntN(64, v) << 1n) ^ (BigInt.asIntN(64, v) >> 63n));
      while (u >= 0x80n) {
        this.bytes.push(Number(u & 0x7fn) | 0x80);
        u >>= 7n;
      }
      this.bytes.push(Number(u));
    }
    return this;
  }

  double(v: number): this {
    const b = Buffer.alloc(8);
    if (this.protocol === 'binary') b.writeDoubleBE(v);
    else b.writeDoubleLE(v);
    this.bytes.push(...b);
    return this;
  }

  string(v: string | Uint8Array): this {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    if (this.protocol === 'binary') this.i32(b.length);
    else this.varint(b.length);
    this.bytes.push(...b);
    return this;
  }

  /** Raw bytes, for hand-made damage. */
  raw(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  private varint(n: number): void {
    let v = n >>> 0;
    while (v >= 0x80) {
      this.bytes.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.bytes.push(v);
  }
}

/** Binary type ids → compact ones. */
const COMPACT: Record<number, number> = {
  [TType.BYTE]: 3, [TType.I16]: 4, [TType.I32]: 5, [TType.I64]: 6, [TType.DOUBLE]: 7, [TType.STRING]: 8,
  [TType.LIST]: 9, [TType.SET]: 10, [TType.MAP]: 11, [TType.STRUCT]: 12, [TType.BOOL]: 1,
};

function zigzag(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

/** A jaeger.thrift Batch struct in `protocol`. */
export function encodeJaegerBatch(batch: JaegerBatch, protocol: ThriftProtocol): Buffer {
  const w = new ThriftWriter(protocol);
  writeBatch(w, batch);
  return w.finish();
}

/** An `Agent.emitBatch` oneway message carrying `batch`: one agent datagram. */
export function encodeEmitBatch(batch: JaegerBatch, protocol: ThriftProtocol, seqid = 0): Buffer {
  const w = new ThriftWriter(protocol).message('emitBatch', MessageType.ONEWAY, seqid);
  w.structBegin().field(TType.STRUCT, 1);
  writeBatch(w, batch);
  w.structEnd();
  return w.finish();
}

export function writeBatch(w: ThriftWriter, b: JaegerBatch): void {
  w.structBegin().field(TType.STRUCT, 1);
  writeProcess(w, b.process);
  w.field(TType.LIST, 2).list(TType.STRUCT, b.spans.length);
  for (const s of b.spans) writeSpan(w, s);
  w.structEnd();
}

function writeProcess(w: ThriftWriter, p: JaegerProcess): void {
  w.structBegin().field(TType.STRING, 1).string(p.serviceName);
  if (p.tags !== undefined) writeTags(w, 2, p.tags);
  w.structEnd();
}

function writeSpan(w: ThriftWriter, s: JaegerSpan): void {
  w.structBegin();
  w.field(TType.I64, 1).i64(s.traceIdLow).field(TType.I64, 2).i64(s.traceIdHigh);
  w.field(TType.I64, 3).i64(s.spanId).field(TType.I64, 4).i64(s.parentSpanId);
  w.field(TType.STRING, 5).string(s.operationName);
  if (s.references.length > 0) {
    w.field(TType.LIST, 6).list(TType.STRUCT, s.references.length);
    for (const r of s.references) writeRef(w, r);
  }
  w.field(TType.I32, 7).i32(s.flags).field(TType.I64, 8).i64(s.startTime).field(TType.I64, 9).i64(s.duration);
  if (s.tags.length > 0) writeTags(w, 10, s.tags);
  if (s.logs.length > 0) {
    w.field(TType.LIST, 11).list(TType.STRUCT, s.logs.length);
    for (const l of s.logs) writeLog(w, l);
  }
  w.structEnd();
}

function writeRef(w: ThriftWriter, r: JaegerSpanRef): void {
  w.structBegin().field(TType.I32, 1).i32(r.refType).field(TType.I64, 2).i64(r.traceIdLow);
  w.field(TType.I64, 3).i64(r.traceIdHigh).field(TType.I64, 4).i64(r.spanId).structEnd();
}

function writeLog(w: ThriftWriter, l: JaegerLog): void {
  w.structBegin().field(TType.I64, 1).i64(l.timestamp);
  writeTags(w, 2, l.fields);
  w.structEnd();
}

function writeTags(w: ThriftWriter, id: number, tags: readonly JaegerTag[]): void {
  w.field(TType.LIST, id).list(TType.STRUCT, tags.length);
  for (const t of tags) writeTag(w, t);
}

/** Only the value field the type uses, as Jaeger clients write tags. */
function writeTag(w: ThriftWriter, t: JaegerTag): void {
  w.structBegin().field(TType.STRING, 1).string(t.key).field(TType.I32, 2).i32(t.vType);
  if (t.vType === TagType.STRING) w.field(TType.STRING, 3).string(t.vStr);
  else if (t.vType === TagType.DOUBLE) w.field(TType.DOUBLE, 4).double(t.vDouble);
  else if (t.vType === TagType.BOOL) w.field(TType.BOOL, 5, t.vBool).boolValue(t.vBool);
  else if (t.vType === TagType.LONG) w.field(TType.I64, 6).i64(t.vLong);
  else if (t.vType === TagType.BINARY) w.field(TType.STRING, 7).string(t.vBinary);
  w.structEnd();
}

/** A tag with every value field at its default but the one `vType` uses. */
export function jaegerTag(key: string, value: string | number | boolean | bigint | Uint8Array, double = false): JaegerTag {
  const base = { key, vType: TagType.STRING, vStr: '', vDouble: 0, vBool: false, vLong: 0n, vBinary: new Uint8Array(0) };
  if (typeof value === 'string') return { ...base, vStr: value };
  if (typeof value === 'boolean') return { ...base, vType: TagType.BOOL, vBool: value };
  if (typeof value === 'bigint') return { ...base, vType: TagType.LONG, vLong: value };
  if (typeof value === 'number') return double ? { ...base, vType: TagType.DOUBLE, vDouble: value } : { ...base, vType: TagType.LONG, vLong: BigInt(value) };
  return { ...base, vType: TagType.BINARY, vBinary: value };
}
