import { DecodeError } from '../decode-error.js';
import { StringCache } from '../otlp-proto/string-cache.js';

/** Thrift's type ids as the binary protocol writes them; the compact reader translates its own ids to these. */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

/** Message types of a Thrift call envelope. */
export const MessageType = { CALL: 1, REPLY: 2, EXCEPTION: 3, ONEWAY: 4 } as const;

export interface MessageHeader {
  readonly name: string;
  readonly type: number;
  readonly seqid: number;
}

/** Shared by all batches: tag keys, service and operation names repeat across them. Safe: JS runs one decode at a time. */
const strings = new StringCache();

/** Structs nested deeper than this (only unknown fields can nest at all in jaeger.thrift) are hostile input. */
const MAX_DEPTH = 64;

/**
 * A bounds-checked cursor over one Thrift protocol's bytes, the part both protocols share: the struct path for
 * error messages, nesting and length limits, and skipping unknown fields by type as Thrift requires. Every read
 * checks against the end of the input, so a length prefix can never make it read or allocate past it.
 */
export abstract class ThriftReader {
  readonly buf: Buffer;
  /** The same bytes as {@link buf}, for the string cache's hashing. */
  private readonly view: DataView;
  pos = 0;
  /** Field id of the last field header read. */
  fieldId = 0;
  /** Element type of the last list header read. */
  elemType = 0;
  private readonly path: string[] = [];

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws a DecodeError naming what was wrong, the byte offset and the struct being read. */
  fail(what: string, at = this.pos): never {
    const where = this.path.length > 0 ? ` in ${this.path[this.path.length - 1]}` : '';
    throw new DecodeError(`${what} at byte ${at}${where}`);
  }

  /** Starts reading a struct named `name` (for errors). Pair with {@link leave}. */
  enter(name: string): void {
    if (this.path.length >= MAX_DEPTH) this.fail(`structs nested deeper than ${MAX_DEPTH}`);
    this.path.push(name);
    this.structBegin();
  }

  leave(): void {
    this.path.pop();
    this.structEnd();
  }

  /** Checks that `n` more bytes are there, naming what they were for. */
  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) this.fail(`truncated ${what}: needs ${n} byte${n === 1 ? '' : 's'}, ${this.buf.length - this.pos} left`);
  }

  /** A container or string length: not negative and not more than the bytes left (each element takes at least one). */
  protected checkSize(size: number, what: string, at: number): number {
    if (size < 0) this.fail(`negative ${what} size ${size}`, at);
    if (size > this.buf.length - this.pos) this.fail(`${what} size ${size} is larger than the ${this.buf.length - this.pos} bytes left`, at);
    return size;
  }

  /** A string field's bytes as UTF-8. */
  string(): string {
    const len = this.binaryLength();
    const s = strings.get(this.buf, this.view, this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** A binary field's bytes (a copy: a view would keep the whole request's buffer alive with the span). */
  binary(): Uint8Array {
    const len = this.binaryLength();
    const out: Uint8Array = new Uint8Array(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return out;
  }

  /** Skips a value of type `type` (an unknown or mistyped field), however it nests. */
  skip(type: number, depth = 0): void {
    if (depth > MAX_DEPTH) this.fail(`values nested deeper than ${MAX_DEPTH}`);
    switch (type) {
      case TType.BOOL:
        this.bool();
        return;
      case TType.BYTE:
        this.need(1, 'byte');
        this.pos++;
        return;
      case TType.I16:
        this.i16();
        return;
      case TType.I32:
        this.i32();
        return;
      case TType.I64:
        this.i64();
        return;
      case TType.DOUBLE:
        this.double();
        return;
      case TType.STRING: {
        const len = this.binaryLength();
        this.pos += len;
        return;
      }
      case TType.STRUCT:
        this.structBegin();
        for (let t = this.fieldBegin(); t !== TType.STOP; t = this.fieldBegin()) this.skip(t, depth + 1);
        this.structEnd();
        return;
      case TType.LIST:
      case TType.SET: {
        const n = this.listBegin();
        const elem = this.elemType;
        for (let i = 0; i < n; i++) this.skip(elem, depth + 1);
        return;
      }
      case TType.MAP: {
        const [n, k, v] = this.mapBegin();
        for (let i = 0; i < n; i++) {
          this.skip(k, depth + 1);
          this.skip(v, depth + 1);
        }
        return;
      }
      default:
        this.fail(`unknown Thrift type ${type}`);
    }
  }

  /** Reads a message envelope (name, type, sequence id). */
  abstract messageBegin(): MessageHeader;
  /** Reads a field header; returns its type (STOP at the struct's end) and leaves the id in {@link fieldId}. */
  abstract fieldBegin(): number;
  /** Reads a list header; returns its size and leaves the element type in {@link elemType}. */
  abstract listBegin(): number;
  /** Reads a map header: size, key type, value type. */
  abstract mapBegin(): [number, number, number];
  abstract bool(): boolean;
  abstract i16(): number;
  abstract i32(): number;
  abstract i64(): bigint;
  abstract double(): number;
  /** The length prefix of a string or binary, checked against the bytes left. */
  protected abstract binaryLength(): number;
  protected abstract structBegin(): void;
  protected abstract structEnd(): void;
}
