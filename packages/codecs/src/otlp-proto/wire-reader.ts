import { DecodeError } from '../decode-error.js';
import { idHex } from './hex.js';
import { StringCache } from './string-cache.js';

/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const SGROUP = 3;
export const EGROUP = 4;
export const FIXED32 = 5;

const TWO_32 = 4294967296;
/** Shared by all requests: keys and service names repeat across batches too. Safe: JS runs one decode at a time. */
const strings = new StringCache();
/** Unknown groups nest; deeper than this is hostile input, not telemetry (protobufjs uses the same limit). */
const MAX_GROUP_DEPTH = 100;

/**
 * A bounds-checked cursor over protobuf bytes. Every read checks against `end` (the enclosing message's end), so
 * a length prefix can never make it read, or allocate, past the input: a lie is a DecodeError, not a big buffer.
 * Typed reads take the wire type of the tag just read and refuse a mismatch: protobufjs would misread the bytes.
 */
export class WireReader {
  readonly buf: Buffer;
  /** The same bytes as {@link buf}, for 4-byte compares and fixed-width reads. */
  readonly view: DataView;
  pos = 0;
  /** The messages being read, outermost first, for error messages. */
  private readonly path: string[] = ['ExportTraceServiceRequest'];
  /** Where the last 16-byte trace id was read, and its hex (see {@link traceIdHex}). */
  private lastTraceIdAt = -1;
  private lastTraceId = '';
  /** Field number of the last tag read, for error messages and group matching. */
  field = 0;

  constructor(bytes: Uint8Array) {
    // A Buffer view (no copy) gives native utf8/hex/float reads.
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(what: string, at = this.pos): never {
    throw new DecodeError(`${what} at byte ${at} in ${this.path[this.path.length - 1]}`);
  }

  /** Starts reading a nested message named `name` (for errors); returns where it ends. Pair with {@link leave}. */
  enter(wireType: number, end: number, name: string): number {
    this.expect(wireType, LEN);
    const stop = this.delimited(end);
    this.path.push(name);
    return stop;
  }

  leave(): void {
    this.path.pop();
  }

  /** Reads a tag; returns its wire type and leaves the field number in `field`. */
  tag(end: number): number {
    const at = this.pos;
    const t = this.varint32(end);
    if (this.pos - at > 5) this.fail('invalid tag (varint longer than 5 bytes)', at);
    const field = t >>> 3;
    if (field === 0) this.fail('invalid field number 0', at);
    this.field = field;
    return t & 7;
  }

  /** A varint's low 32 bits, unsigned (how proto reads uint32 and enums from a 64-bit varint). */
  varint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    // Fast path whenever the longest legal varint fits in the buffer (not just the message: small messages end
    // within 10 bytes of most of their tags); running past `end` is caught after.
    if (pos + 10 > buf.length) return this.varint32Slow(end);
    let b = buf[pos++]!;
    let v = b & 0x7f;
    if (b >= 0x80) {
      b = buf[pos++]!;
      v |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        b = buf[pos++]!;
        v |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[pos++]!;
          v |= (b & 0x7f) << 21;
          if (b >= 0x80) {
            b = buf[pos++]!;
            v |= b << 28;
            if (b >= 0x80) pos = this.skipHighBytes(pos);
          }
        }
      }
    }
    if (pos > end) this.fail('truncated varint');
    this.pos = pos;
    return v >>> 0;
  }

  /** Bytes 6..10 of a varint hold only bits that 32-bit fields drop; the 10th may carry only bit 63. */
  private skipHighBytes(pos: number): number {
    for (let i = 0; i < 5; i++) {
      const b = this.buf[pos++]!;
      if (b < 0x80) {
        if (i === 4 && b > 1) this.fail('overlong varint');
        return pos;
      }
    }
    this.fail('overlong varint (more than 10 bytes)');
  }

  private varint32Slow(end: number): number {
    let v = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.fail('truncated varint');
      const b = this.buf[this.pos++]!;
      if (i < 5) v = (v | ((b & 0x7f) << (7 * i))) >>> 0;
      if (b < 0x80) {
        if (i === 9 && b > 1) this.fail('overlong varint');
        return v;
      }
    }
    this.fail('overlong varint (more than 10 bytes)');
  }

  /** A varint as a signed int64 (two's complement), exact beyond 2^53. */
  /** A uint32 field (or an enum: callers sign it with `| 0`). */
  uint32(wireType: number, end: number): number {
    this.expect(wireType, VARINT);
    return this.varint32(end);
  }

  int64(wireType: number, end: number): bigint {
    this.expect(wireType, VARINT);
    const start = this.pos;
    const lo = this.varint32(end);
    if (this.pos - start <= 4) return BigInt(lo); // at most 28 bits: no high word
    // Re-read the high word: bits 32..63 live in bytes 5..10.
    let hi = (this.buf[start + 4]! & 0x7f) >>> 4;
    for (let i = 5; start + i < this.pos; i++) hi = (hi | ((this.buf[start + i]! & 0x7f) << (7 * i - 32))) >>> 0;
    if (hi < 0x200000) return BigInt(hi * TWO_32 + lo); // below 2^53: one exact double
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  bool(wireType: number, end: number): boolean {
    this.expect(wireType, VARINT);
    const start = this.pos;
    const lo = this.varint32(end);
    if (lo !== 0) return true;
    // Any set bit counts, including bits above 32.
    for (let i = start; i < this.pos; i++) if ((this.buf[i]! & 0x7f) !== 0) return true;
    return false;
  }

  fixed32(wireType: number, end: number): number {
    this.expect(wireType, FIXED32);
    if (this.pos + 4 > end) this.fail('truncated fixed32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed64(wireType: number, end: number): bigint {
    this.expect(wireType, FIXED64);
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    // DataView's bigint read is one allocation; assembling from two halves measured 1.5x slower.
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  double(wireType: number, end: number): number {
    this.expect(wireType, FIXED64);
    if (this.pos + 8 > end) this.fail('truncated double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns where the length-delimited field ends, checked against `end`. */
  delimited(end: number): number {
    const at = this.pos;
    const start = this.pos;
    const len = this.varint32(end);
    // A length needs at most 5 bytes; longer ones (or the high bit) claim more than any buffer we can hold.
    if (this.pos - start > 5 || len > end - this.pos) this.fail(`length ${len} past the end of the message`, at);
    return this.pos + len;
  }

  /**
   * A UTF-8 string. Invalid UTF-8 becomes U+FFFD rather than refusing the batch, as protobufjs and Node do; a
   * mangled attribute is better than a lost trace. Short strings come from a cache: keys and service names repeat.
   */
  string(wireType: number, end: number): string {
    this.expect(wireType, LEN);
    const stop = this.delimited(end);
    const start = this.pos;
    this.pos = stop;
    return strings.get(this.buf, this.view, start, stop);
  }

  /** Lowercase hex of a bytes field (ids), whatever its length; validation judges the length later. */
  hex(wireType: number, end: number): string {
    this.expect(wireType, LEN);
    const stop = this.delimited(end);
    const start = this.pos;
    this.pos = stop;
    return idHex(this.buf, start, stop - start);
  }

  /**
   * Like {@link hex}, but returns the previous trace id's string when the bytes are the same: spans of one trace
   * usually arrive together, and then they also share one string.
   */
  traceIdHex(wireType: number, end: number): string {
    this.expect(wireType, LEN);
    const stop = this.delimited(end);
    const start = this.pos;
    const len = stop - start;
    this.pos = stop;
    const prev = this.lastTraceIdAt;
    if (len === 16 && prev >= 0) {
      const b = this.buf;
      let i = 0;
      while (i < 16 && b[prev + i] === b[start + i]) i++;
      if (i === 16) return this.lastTraceId;
    }
    const hex = idHex(this.buf, start, len);
    if (len === 16) {
      this.lastTraceIdAt = start;
      this.lastTraceId = hex;
    }
    return hex;
  }

  /** A copy of a bytes field, so a kept attribute does not pin the whole request body in memory. */
  bytes(wireType: number, end: number): Uint8Array {
    this.expect(wireType, LEN);
    const stop = this.delimited(end);
    // Copied through a plain Uint8Array view: Buffer's own slice goes through its species constructor, slowly.
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.pos, stop - this.pos).slice();
    this.pos = stop;
    return out;
  }

  /** Fails unless the field just read has the wire type its schema says. */
  expect(wireType: number, want: number): void {
    if (wireType !== want) this.fail(`wrong wire type ${wireType} for field ${this.field} (expected ${want})`);
  }

  /** Skips the value of a field this reader does not know, whatever its wire type. */
  skip(wireType: number, end: number): void {
    this.skipValue(wireType, end, 0);
  }

  private skipValue(wireType: number, end: number, depth: number): void {
    switch (wireType) {
      case VARINT:
        this.varint32(end);
        return;
      case FIXED64:
        if (this.pos + 8 > end) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.delimited(end);
        return;
      case FIXED32:
        if (this.pos + 4 > end) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      case SGROUP:
        this.skipGroup(end, depth);
        return;
      case EGROUP:
        return this.fail(`unexpected end-group for field ${this.field}`);
      default:
        this.fail(`invalid wire type ${wireType}`);
    }
  }

  /** Skips up to the end-group tag with the same field number; a group must close inside its message. */
  private skipGroup(end: number, depth: number): void {
    if (depth >= MAX_GROUP_DEPTH) this.fail('groups nested too deep');
    const field = this.field;
    for (;;) {
      if (this.pos >= end) this.fail(`unterminated group for field ${field}`);
      const wt = this.tag(end);
      if (wt === EGROUP) {
        if (this.field !== field) this.fail(`end-group for field ${this.field} closes group ${field}`);
        return;
      }
      this.skipValue(wt, end, depth + 1);
    }
  }
}
