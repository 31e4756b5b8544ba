/*
 * A growing byte buffer that strings are written into as UTF-8 by a plain loop, escaping the codec's reserved
 * characters on the way: cheaper than building a string from pieces and having it flattened and converted again
 * at the native boundary. Lone surrogates become U+FFFD, as in any UTF-8 conversion.
 */
const ESC = 0x1b;
const RESERVED_FIRST = 0x19;
const RESERVED_LAST = 0x1f;

/** Strings longer than this that are plain printable ASCII are copied natively (which also flattens ropes). */
const NATIVE_FROM = 24;
const NOT_PLAIN_ASCII = /[^\x20-\x7e]/;

/** Whether this machine stores a Uint32Array's words little end first: copyWords writes them back as they were read. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class ByteWriter {
  bytes: Buffer;
  private view: DataView;
  at = 0;

  constructor(size = 256) {
    this.bytes = Buffer.allocUnsafe(size);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  private room(n: number): Buffer {
    if (this.at + n > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
      this.bytes.copy(grown, 0, 0, this.at);
      this.bytes = grown;
      this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
    }
    return this.bytes;
  }

  byte(b: number): void {
    this.room(1)[this.at++] = b;
  }

  /** Writes the first `n` bytes of words[from…] (bytes written before, escaped already). */
  copyWords(words: Uint32Array, from: number, n: number): void {
    this.room(n + 3);
    const view = this.view;
    const at = this.at;
    // A word at a time (a few dozen bytes, below what a native copy's call costs); the last word's spare bytes land
    // past the end and are written over.
    for (let i = 0; i < n; i += 4) view.setUint32(at + i, words[from + (i >> 2)]!, LITTLE_ENDIAN);
    this.at = at + n;
  }

  /** `s` as UTF-8, each reserved character (0x19–0x1f) written as ESC and a digit, as value-codec escapeText does. */
  text(s: string): void {
    this.write(s, true);
  }

  /** `s` as UTF-8, unescaped. */
  plain(s: string): void {
    this.write(s, false);
  }

  private write(s: string, escape: boolean): void {
    const n = s.length;
    const b = this.room(n * 3);
    if (n > NATIVE_FROM && !NOT_PLAIN_ASCII.test(s)) {
      this.at += b.write(s, this.at, 'latin1');
      return;
    }
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (escape && c >= RESERVED_FIRST && c <= RESERVED_LAST) {
          b[at++] = ESC;
          b[at++] = 0x30 + c - RESERVED_FIRST;
        } else b[at++] = c;
      } else if (c < 0x800) {
        b[at++] = 0xc0 | (c >> 6);
        b[at++] = 0x80 | (c & 0x3f);
      } else if ((c & 0xfc00) === 0xd800 && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c & 0x3ff) << 10) + (s.charCodeAt(++i) & 0x3ff);
        b[at++] = 0xf0 | (cp >> 18);
        b[at++] = 0x80 | ((cp >> 12) & 0x3f);
        b[at++] = 0x80 | ((cp >> 6) & 0x3f);
        b[at++] = 0x80 | (cp & 0x3f);
      } else {
        const u = (c & 0xf800) === 0xd800 ? 0xfffd : c;
        b[at++] = 0xe0 | (u >> 12);
        b[at++] = 0x80 | ((u >> 6) & 0x3f);
        b[at++] = 0x80 | (u & 0x3f);
      }
    }
    this.at = at;
  }

  toString(from = 0): string {
    return this.bytes.toString('utf8', from, this.at);
  }
}
