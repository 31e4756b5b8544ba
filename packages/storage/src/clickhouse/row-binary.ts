import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/*
 * ClickHouse's RowBinary input format, written straight into one growing buffer: no per-row objects, no JSON, and
 * on the server no text parsing (18.16 parses JSONEachRow at a few thousand wide rows a second per core). Strings
 * are a LEB128 length and their UTF-8 bytes (lone surrogates become U+FFFD, as in any UTF-8 conversion), integers
 * little-endian, FixedString its bytes, arrays a LEB128 count and their elements, Nullable a 0/1 byte first.
 */

/** A string of at most this many UTF-16 units has at most 127 UTF-8 bytes: its length fits in one LEB128 byte. */
const ONE_BYTE_LENGTH = 42;

/** A hex digit's value for its char code, 16 for what is not a lowercase hex digit. */
const NIBBLE = new Uint8Array(128).fill(16);
for (let i = 0; i < 10; i++) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[0x61 + i] = 10 + i;

export class RowBinaryWriter {
  bytes: Buffer;
  /** Over `bytes`, for 64-bit integers: DataView's setBigUint64 wraps modulo 2^64 itself and allocates nothing. */
  private data: DataView;
  at = 0;

  constructor(size = 1 << 20) {
    this.bytes = Buffer.allocUnsafe(size);
    this.data = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  }

  private room(n: number): Buffer {
    if (this.at + n > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
      this.bytes.copy(grown, 0, 0, this.at);
      this.bytes = grown;
      this.data = new DataView(grown.buffer, grown.byteOffset, grown.length);
    }
    return this.bytes;
  }

  u8(n: number): void {
    this.room(1)[this.at++] = n;
  }

  u32(n: number): void {
    this.room(4).writeUInt32LE(n >>> 0, this.at);
    this.at += 4;
  }

  /** A UInt64: `n` modulo 2^64. */
  u64(n: bigint): void {
    this.room(8);
    this.data.setBigUint64(this.at, n, true);
    this.at += 8;
  }

  /** A LEB128 length or count (of an array's elements). */
  count(n: number): void {
    const b = this.room(5);
    while (n >= 0x80) {
      b[this.at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[this.at++] = n;
  }

  string(s: string): void {
    const len = s.length;
    if (len <= ONE_BYTE_LENGTH) {
      // Short strings are mostly ASCII: a plain loop beats the native call's fixed cost.
      const b = this.room(1 + len * 3);
      const at = this.at;
      for (let i = 0; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          const n = b.write(s, at + 1, 'utf8');
          b[at] = n;
          this.at = at + 1 + n;
          return;
        }
        b[at + 1 + i] = c;
      }
      b[at] = len;
      this.at = at + 1 + len;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.count(n);
    this.at += this.room(n).write(s, this.at, 'utf8');
  }

  /** A String from the first `n` bytes of `utf8`, already UTF-8. */
  utf8(utf8: Buffer, n: number): void {
    this.count(n);
    utf8.copy(this.room(n), this.at, 0, n);
    this.at += n;
  }

  /** A FixedString(hex.length / 2) from lowercase hex (checked by the caller). */
  hex(hex: string): void {
    this.at += this.room(hex.length >> 1).write(hex, this.at, 'hex');
  }

  /**
   * A FixedString(n) from exactly 2n lowercase hex digits, checked as they are converted (a plain loop: cheaper than
   * a regular expression and the native hex decoder for ids this short). Returns false, having written nothing that
   * counts, for anything else.
   */
  hexId(hex: string, n: number): boolean {
    if (hex.length !== n << 1) return false;
    const b = this.room(n);
    let at = this.at;
    for (let i = 0; i < hex.length; i += 2) {
      const c1 = hex.charCodeAt(i);
      const c2 = hex.charCodeAt(i + 1);
      const hi = c1 < 128 ? NIBBLE[c1]! : 16;
      const lo = c2 < 128 ? NIBBLE[c2]! : 16;
      if ((hi | lo) > 15) return false;
      b[at++] = (hi << 4) | lo;
    }
    this.at = at;
    return true;
  }

  strings(list: readonly string[]): void {
    this.count(list.length);
    for (const s of list) this.string(s);
  }

  /** The bytes of another writer (a part encoded once and repeated on many rows). */
  raw(part: Buffer): void {
    part.copy(this.room(part.length), this.at);
    this.at += part.length;
  }

  /** What was written so far (a view, not a copy). */
  view(): Buffer {
    return this.bytes.subarray(0, this.at);
  }
}

/**
 * One `INSERT INTO <into> FORMAT RowBinary` of `data` over ClickHouse's HTTP interface (@clickhouse/client sends only
 * text formats): one block, so one part. Throws ClickHouse's own message when it refuses.
 *
 * Through node:http, the Buffer written as it is (fetch copied a Buffer body once, and again for a possible
 * redirect: together ~12% of a collector's CPU at 40k spans/s), on a connection of its own: an INSERT carries tens
 * of thousands of spans, so a connect each costs nothing, and a kept-alive socket that the server closes after its
 * keep_alive_timeout (3 s) while a loaded client still counts it as open failed INSERTs with EPIPE now and then.
 */
export function postRowBinary(server: { readonly url: string; readonly authorization: string }, into: string, data: Buffer): Promise<void> {
  const url = new URL(`${server.url}/?query=${encodeURIComponent(`INSERT INTO ${into} FORMAT RowBinary`)}`);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    let answered = false;
    const req = send(url, { method: 'POST', agent: false, headers: { Authorization: server.authorization, 'Content-Length': data.length } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        // Redirects are refused: the body would have to be sent again to where the server points.
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(Buffer.concat(chunks).toString('utf8').trim() || `HTTP ${status}`));
      });
    });
    // Once the server answered (a refusal may come before it read the whole body), its answer is what counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(data);
  });
}
