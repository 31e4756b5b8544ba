import type { AnyValue, Attributes } from '@clew/model';
import { anyValueToString } from '@clew/model';

/*
 * Attributes as one searchable, lossless string. Each entry is
 *   ENTRY key KEY_END text TYPE_END type [payload]
 * where `text` is anyValueToString(value), so the filter `key=value` is the substring
 * ENTRY key KEY_END value TYPE_END (see attributePattern) and DuckDB answers it with contains() over a
 * column it compresses with FSST. The type letter (and, for arrays and lists, a nested payload) restores the
 * exact value. Separator characters inside keys and values are escaped, so a match is always a whole entry.
 */
const ENTRY = '\x1e';
const KEY_END = '\x1f';
const TYPE_END = '\x1d';
const ESC = '\x1b';
/** Everything from 0x19 to 0x1f is reserved for this codec and the span codec. */
const RESERVED = /[\x19-\x1f]/g;

const HAS_RESERVED = /[\x19-\x1f]/;

export function escapeText(s: string): string {
  if (!HAS_RESERVED.test(s)) return s;
  return s.replace(RESERVED, (c) => ESC + String.fromCharCode(0x30 + c.charCodeAt(0) - 0x19));
}

export function unescapeText(s: string): string {
  if (!s.includes(ESC)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ESC) out += String.fromCharCode(s.charCodeAt(++i) - 0x30 + 0x19);
    else out += c;
  }
  return out;
}

/** The substring that occurs in an encoded attribute string exactly when it holds `key` with text `value`. */
export function attributePattern(key: string, value: string): string {
  return ENTRY + escapeText(key) + KEY_END + escapeText(value) + TYPE_END;
}

export function encodeAttributes(attrs: Attributes): string {
  let out = '';
  for (const kv of attrs) out += ENTRY + escapeText(kv.key) + KEY_END + encodeValue(kv.value);
  return out;
}

function encodeValue(v: AnyValue): string {
  switch (v.type) {
    case 'string':
      return escapeText(v.value) + TYPE_END + 's';
    case 'bool':
      return (v.value ? 'true' : 'false') + TYPE_END + 'b';
    case 'int':
      return v.value.toString() + TYPE_END + 'i';
    case 'double':
      // String(-0) is "0": keep the sign in the type letter.
      return anyValueToString(v) + TYPE_END + (Object.is(v.value, -0) ? 'z' : 'd');
    case 'bytes':
      return anyValueToString(v) + TYPE_END + 'y';
    case 'empty':
      return TYPE_END + 'e';
    case 'array': {
      const items = v.value.map((value) => ({ key: '', value }));
      return escapeText(anyValueToString(v)) + TYPE_END + 'a' + escapeText(encodeAttributes(items));
    }
    case 'kvlist':
      return escapeText(anyValueToString(v)) + TYPE_END + 'k' + escapeText(encodeAttributes(v.value));
  }
}

export function decodeAttributes(s: string): Attributes {
  const out: { key: string; value: AnyValue }[] = [];
  if (s.length === 0) return out;
  // Entries never contain a raw ENTRY character (it is escaped), so splitting is exact.
  const parts = s.split(ENTRY);
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const k = part.indexOf(KEY_END);
    const t = part.indexOf(TYPE_END, k + 1);
    const key = unescapeText(part.slice(0, k));
    out.push({ key, value: decodeValue(part.slice(k + 1, t), part[t + 1]!, part.slice(t + 2)) });
  }
  return out;
}

function decodeValue(text: string, type: string, payload: string): AnyValue {
  switch (type) {
    case 's':
      return { type: 'string', value: unescapeText(text) };
    case 'b':
      return { type: 'bool', value: text === 'true' };
    case 'i':
      return { type: 'int', value: BigInt(text) };
    case 'd':
      return { type: 'double', value: Number(text) };
    case 'z':
      return { type: 'double', value: -0 };
    case 'y':
      return { type: 'bytes', value: new Uint8Array(Buffer.from(text, 'base64')) };
    case 'e':
      return { type: 'empty' };
    case 'a':
      return { type: 'array', value: decodeAttributes(unescapeText(payload)).map((kv) => kv.value) };
    case 'k':
      return { type: 'kvlist', value: decodeAttributes(unescapeText(payload)) };
    default:
      throw new Error(`corrupt attribute encoding: unknown type '${type}'`);
  }
}
