import { FIXED32, FIXED64, LEN, VARINT } from './wire-reader.js';

/** Hex digit values by char code (-1 for anything else). */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;

/** Strings this short (in UTF-16 units) take at most 127 UTF-8 bytes, so their length fits one byte. */
const ONE_BYTE_LENGTH = 42;

/**
 * An appending protobuf writer over one growing buffer. A length-delimited field reserves one byte for its
 * length and, when the body turns out longer than 127 bytes, shifts it right to make room: one copy per nesting
 * level instead of a sizing pass over the whole tree.
 */
export class WireWriter {
  protected buf: Buffer;
  protected view: DataView;
  protected pos = 0;

  /** `sizeHint`: the bytes expected, so that a large message is not built through many doublings of the buffer. */
  constructor(sizeHint = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(64, sizeHint));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  finish(): Uint8Array {
    // A copy of what was written, as a plain Uint8Array: the working buffer is larger and reused by nothing else.
    return new Uint8Array(this.buf.subarray(0, this.pos));
  }

  protected ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
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
    // Most integers are small and positive: a Number varint is far cheaper than BigInt arithmetic.
    if (v >= 0n && v <= 0x1fffffffffffffn) return this.varint(Number(v));
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
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true);
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

  /** A string field, UTF-8 written straight into the buffer (no intermediate copy). */
  string(field: number, s: string): void {
    this.tag(field, LEN);
    if (s.length <= ONE_BYTE_LENGTH) {
      this.ensure(1 + s.length * 3);
      const lenAt = this.pos;
      // ASCII, the common case, copied char by char (Buffer#write costs more than the copy for short strings).
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[lenAt + 1 + i] = c;
      }
      const n = i === s.length ? i : this.buf.write(s, lenAt + 1, 'utf8');
      this.buf[lenAt] = n;
      this.pos = lenAt + 1 + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  /** A bytes field from hex text (ids): `hex.length / 2` bytes, parsed straight into the buffer. */
  hexBytes(field: number, hex: string): void {
    const n = hex.length >> 1;
    this.tag(field, LEN);
    this.varint(n);
    this.ensure(n);
    for (let i = 0; i < n; i++) this.buf[this.pos++] = (HEX[hex.charCodeAt(2 * i)]! << 4) | HEX[hex.charCodeAt(2 * i + 1)]!;
  }

  /** Writes field `field` as a nested message whose body `body` writes. */
  message(field: number, body: () => void): void {
    const at = this.begin(field);
    body();
    this.end(at);
  }

  /** Opens a nested message in field `field`; `end` with what it returns closes it (message() without a closure). */
  begin(field: number): number {
    this.tag(field, LEN);
    this.ensure(1);
    return this.pos++;
  }

  end(lenAt: number): void {
    const len = this.pos - lenAt - 1;
    let extra = 0;
    for (let v = len; v >= 0x80; v = Math.floor(v / 0x80)) extra++;
    if (extra > 0) {
      this.ensure(extra);
      this.buf.copyWithin(lenAt + 1 + extra, lenAt + 1, this.pos);
      this.pos += extra;
    }
    // The length goes in the byte reserved and the `extra` made room for: written here, not with varint(), whose
    // ensure() at lenAt would grow the buffer copying only what lies before lenAt, losing the body.
    let at = lenAt;
    let v = len;
    for (; v >= 0x80; v = Math.floor(v / 0x80)) this.buf[at++] = (v % 0x80) | 0x80;
    this.buf[at] = v;
  }

  // Proto3 leaves default values off the wire; these helpers do so for the scalar fields.
  uint32Field(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, VARINT);
    this.varint(v >>> 0);
  }
  fixed32Field(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, FIXED32);
    this.fixed32(v);
  }
  fixed64Field(field: number, v: bigint): void {
    if (v === 0n) return;
    this.tag(field, FIXED64);
    this.fixed64(v);
  }
  stringField(field: number, s: string): void {
    if (s !== '') this.string(field, s);
  }
}
