import type { MessageHeader } from './thrift-reader.js';
import { ThriftReader, TType } from './thrift-reader.js';

const PROTOCOL_ID = 0x82;
const VERSION = 1;
/** Compact type ids → the binary protocol's (which the shared code speaks). 1 and 2 are bool true and false. */
const TYPES: readonly number[] = [
  TType.STOP, TType.BOOL, TType.BOOL, TType.BYTE, TType.I16, TType.I32, TType.I64, TType.DOUBLE, TType.STRING,
  TType.LIST, TType.SET, TType.MAP, TType.STRUCT,
];
const TWO_32 = 4294967296;

/**
 * Thrift's compact protocol (TCompactProtocol): zigzag varints, field ids as deltas, bools folded into field
 * headers, little-endian doubles. What Jaeger clients send to the agent's port 6831 by default.
 */
export class CompactReader extends ThriftReader {
  /** The last field id of each struct being read (field ids are sent as deltas from it). */
  private readonly lastIds: number[] = [];
  private lastId = 0;
  /** A bool field's value, carried in its header's type. */
  private pendingBool: boolean | undefined;

  messageBegin(): MessageHeader {
    this.need(2, 'message header');
    const at = this.pos;
    const id = this.buf[this.pos++]!;
    if (id !== PROTOCOL_ID) this.fail(`bad protocol id 0x${id.toString(16)} (expected 0x82, Thrift compact)`, at);
    const vt = this.buf[this.pos++]!;
    if ((vt & 0x1f) !== VERSION) this.fail(`bad compact protocol version ${vt & 0x1f} (expected 1)`, at + 1);
    const seqid = this.varint32();
    return { name: this.string(), type: vt >> 5, seqid };
  }

  fieldBegin(): number {
    this.need(1, 'field header');
    const at = this.pos;
    const b = this.buf[this.pos++]!;
    const ctype = b & 0x0f;
    if (ctype === 0) return TType.STOP;
    const delta = b >> 4;
    this.lastId = this.fieldId = delta !== 0 ? this.lastId + delta : zigzag32(this.varint32());
    if (ctype === 1 || ctype === 2) this.pendingBool = ctype === 1;
    return this.type(ctype, at);
  }

  listBegin(): number {
    this.need(1, 'list header');
    const at = this.pos;
    const b = this.buf[this.pos++]!;
    this.elemType = this.type(b & 0x0f, at);
    const n = b >> 4;
    return this.checkSize(n === 15 ? this.varint32() : n, 'list', at);
  }

  mapBegin(): [number, number, number] {
    const at = this.pos;
    const n = this.checkSize(this.varint32(), 'map', at);
    if (n === 0) return [0, TType.STOP, TType.STOP];
    this.need(1, 'map types');
    const kv = this.buf[this.pos++]!;
    return [n, this.type(kv >> 4, at), this.type(kv & 0x0f, at)];
  }

  bool(): boolean {
    const pending = this.pendingBool;
    if (pending !== undefined) {
      this.pendingBool = undefined;
      return pending;
    }
    // A bool in a container is a byte of its own.
    this.need(1, 'bool');
    return this.buf[this.pos++] === 1;
  }

  i16(): number {
    return zigzag32(this.varint32());
  }

  i32(): number {
    return zigzag32(this.varint32());
  }

  i64(): bigint {
    const v = this.varint64();
    return (v >> 1n) ^ -(v & 1n);
  }

  double(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  protected binaryLength(): number {
    const at = this.pos;
    return this.checkSize(this.varint32(), 'string', at);
  }

  protected structBegin(): void {
    this.lastIds.push(this.lastId);
    this.lastId = 0;
  }

  protected structEnd(): void {
    this.lastId = this.lastIds.pop() ?? 0;
  }

  private type(ctype: number, at: number): number {
    const t = TYPES[ctype];
    if (t === undefined) this.fail(`unknown compact type ${ctype}`, at);
    return t;
  }

  /** An unsigned varint of up to 5 bytes, as a number (lengths, i16, i32). */
  private varint32(): number {
    const at = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.buf.length) this.fail('truncated varint', at);
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (v >= TWO_32) this.fail('varint overflows 32 bits', at);
        return v;
      }
      mul *= 128;
    }
    return this.fail('varint longer than 5 bytes', at);
  }

  /** An unsigned varint of up to 10 bytes, as a bigint (i64). */
  private varint64(): bigint {
    const at = this.pos;
    // Two 28-bit halves and the rest in numbers, one BigInt step at the end: the ids are all 64-bit.
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) this.fail('truncated varint', at);
      const b = this.buf[this.pos++]!;
      if (i < 4) lo += (b & 0x7f) * 2 ** (7 * i);
      else hi += (b & 0x7f) * 2 ** shift;
      if (i >= 4) shift += 7;
      if (b < 0x80) return BigInt.asUintN(64, (BigInt(hi) << 28n) | BigInt(lo));
    }
    return this.fail('varint longer than 10 bytes', at);
  }
}

/** A zigzag-encoded 32-bit value back to its signed value. */
function zigzag32(n: number): number {
  return (n >>> 1) ^ -(n & 1);
}
