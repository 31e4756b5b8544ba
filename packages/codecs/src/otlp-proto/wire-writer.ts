import { FIXED32, FIXED64, LEN, VARINT } from './wire-reader.js';

const TWO_32 = 4294967296;

/**
 * An appending protobuf writer over one growing buffer. A length-delimited field reserves one byte for its
 * length and, when the body turns out longer than 127 bytes, shifts it right to make room: one copy per nesting
 * level instead of a sizing pass over the whole tree.
 */
export class WireWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** An unsigned varint of a non-negative safe integer. */
  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** An int64 as a varint, two's complement for negatives (10 bytes), exact beyond 2^53. */
  int64(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  fixed64(v: bigint): void {
    this.ensure(8);
    const u = BigInt.asUintN(64, v);
    this.view.setUint32(this.pos, Number(u % BigInt(TWO_32)), true);
    this.view.setUint32(this.pos + 4, Number(u / BigInt(TWO_32)), true);
    this.pos += 8;
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, Buffer.from(s, 'utf8'));
  }

  /** Writes field `field` as a nested message whose body `body` writes. */
  message(field: number, body: () => void): void {
    this.tag(field, LEN);
    this.ensure(1);
    const lenAt = this.pos++;
    body();
    const len = this.pos - lenAt - 1;
    let extra = 0;
    for (let v = len; v >= 0x80; v = Math.floor(v / 0x80)) extra++;
    if (extra > 0) {
      this.ensure(extra);
      this.buf.copyWithin(lenAt + 1 + extra, lenAt + 1, this.pos);
      this.pos += extra;
    }
    const end = this.pos;
    this.pos = lenAt;
    this.varint(len);
    this.pos = end;
  }

  // Proto3 leaves default values off the wire; these helpers do so for the scalar fields.
  uint32Field(field: number, v: number): void {
    if (v !== 0) (this.tag(field, VARINT), this.varint(v >>> 0));
  }
  fixed32Field(field: number, v: number): void {
    if (v !== 0) (this.tag(field, FIXED32), this.fixed32(v));
  }
  fixed64Field(field: number, v: bigint): void {
    if (v !== 0n) (this.tag(field, FIXED64), this.fixed64(v));
  }
  stringField(field: number, s: string): void {
    if (s !== '') this.string(field, s);
  }
}
