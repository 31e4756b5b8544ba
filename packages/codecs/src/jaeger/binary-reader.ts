import type { MessageHeader } from './thrift-reader.js';
import { ThriftReader, TType } from './thrift-reader.js';

const VERSION_MASK = 0xffff0000 | 0;
const VERSION_1 = 0x80010000 | 0;

/**
 * Thrift's binary protocol (TBinaryProtocol): big-endian fixed-width integers, i32 length prefixes. What Jaeger
 * clients send to the collector's /api/traces and to the agent's port 6832.
 */
export class BinaryReader extends ThriftReader {
  messageBegin(): MessageHeader {
    const at = this.pos;
    const first = this.i32();
    if (first < 0) {
      // Strict: version and type in the first word, then the name.
      if ((first & VERSION_MASK) !== VERSION_1) this.fail(`bad message version 0x${(first >>> 0).toString(16)} (expected 0x8001xxxx)`, at);
      const name = this.string();
      return { name, type: first & 0xff, seqid: this.i32() };
    }
    // Old (non-strict) envelope, as thriftrw writes it: the name's length comes first.
    this.pos = at;
    const name = this.string();
    this.need(1, 'message type');
    const type = this.buf[this.pos++]!;
    return { name, type, seqid: this.i32() };
  }

  fieldBegin(): number {
    this.need(1, 'field header');
    const type = this.buf[this.pos++]!;
    if (type === TType.STOP) return type;
    this.fieldId = this.i16();
    return type;
  }

  listBegin(): number {
    this.need(5, 'list header');
    const at = this.pos;
    this.elemType = this.buf[this.pos++]!;
    return this.checkSize(this.i32(), 'list', at);
  }

  mapBegin(): [number, number, number] {
    this.need(6, 'map header');
    const at = this.pos;
    const k = this.buf[this.pos++]!;
    const v = this.buf[this.pos++]!;
    return [this.checkSize(this.i32(), 'map', at), k, v];
  }

  bool(): boolean {
    this.need(1, 'bool');
    return this.buf[this.pos++] !== 0;
  }

  i16(): number {
    this.need(2, 'i16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4, 'i32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i64(): bigint {
    this.need(8, 'i64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  double(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  protected binaryLength(): number {
    const at = this.pos;
    return this.checkSize(this.i32(), 'string', at);
  }

  protected structBegin(): void {}
  protected structEnd(): void {}
}
