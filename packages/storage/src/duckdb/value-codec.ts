import type { AnyValue, Attributes, KeyValue } from '@clew/model';
import { anyValueToString, SharedAttributeBytes } from '@clew/model';
import type { AttrBloom } from './attr-bloom.js';
import { entryKey } from './attr-bloom.js';
import { ByteWriter } from './byte-writer.js';

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
// eslint-disable-next-line no-control-regex -- 0x19-0x1f are this codec's own separators, matched to escape them
const RESERVED = /[\x19-\x1f]/g;
// eslint-disable-next-line no-control-regex -- as RESERVED
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

/** The encoded attributes as a string (resources, scopes, links; spans write theirs with writeAttributes). */
export function encodeAttributes(attrs: Attributes): string {
  const w = new ByteWriter();
  writeAttributes(w, attrs);
  return w.toString();
}

const B_ENTRY = ENTRY.charCodeAt(0);
const B_KEY_END = KEY_END.charCodeAt(0);
const B_TYPE_END = TYPE_END.charCodeAt(0);

const KEY = new Uint32Array(2);

/**
 * Entries written before, of attributes the decoders share among spans (SharedAttributeBytes), with their bloom keys:
 * most of a span's attributes (methods, routes, hosts, status codes) are such an object, and what was written for one is
 * the same bytes and bloom key every time it comes back. A hit copies the bytes instead of converting the key and the
 * value's text to UTF-8 and hashing them (bench/encode.js: 3.9 µs a span before, 2.9 after). 128 bytes a slot.
 */
class EntryCache extends SharedAttributeBytes {
  static readonly SLOTS = 1 << 13;
  readonly keys = new Uint32Array(EntryCache.SLOTS * 2);
  /**
   * The bloom each slot's entry was last added to. A block's spans repeat the same entries, and a bloom's bits are
   * only ever set: an entry added to this bloom before needs no second add.
   */
  readonly added: (AttrBloom | undefined)[] = new Array<AttrBloom | undefined>(EntryCache.SLOTS).fill(undefined);

  constructor() {
    super(EntryCache.SLOTS, 128);
  }

  /** Keeps the entry and KEY, its bloom key, added to `bloom` (when given) just now. */
  keep(kv: KeyValue, slot: number, bytes: Uint8Array, from: number, to: number, bloom: AttrBloom | undefined): void {
    if (!this.set(kv, slot, bytes, from, to)) return;
    this.keys[slot * 2] = KEY[0]!;
    this.keys[slot * 2 + 1] = KEY[1]!;
    this.added[slot] = bloom;
  }
}

const entries = new EntryCache();

/**
 * Writes the entries; with a bloom, adds each entry (up to its TYPE_END, as attributePattern) to it.
 * The loops of a span's encoding (this one, writeBody's, SpanChunk's) index their arrays rather than use for…of: the
 * array iterator took so much of V8's inlining budget that in two processes out of three the writer's calls stayed
 * calls, and a span cost 5.0–5.5 µs to encode; indexed, 3.6–4.1 in every process (bench/README.md, 2026-12-06).
 */
export function writeAttributes(w: ByteWriter, attrs: Attributes, bloom?: AttrBloom): void {
  for (let i = 0; i < attrs.length; i++) {
    const kv = attrs[i]!;
    const slot = entries.slotOf(kv);
    if (slot >= 0 && entries.owners[slot] === kv) {
      w.copyWords(entries.words, slot * entries.wordsPerSlot, entries.lengths[slot]!);
      if (bloom !== undefined && entries.added[slot] !== bloom) {
        bloom.addKey(entries.keys[slot * 2]!, entries.keys[slot * 2 + 1]!);
        entries.added[slot] = bloom;
      }
    } else writeEntry(w, kv, slot, bloom);
  }
}

/** Writes one entry in full; keeps it in `slot` when there is one. */
function writeEntry(w: ByteWriter, kv: KeyValue, slot: number, bloom?: AttrBloom): void {
  const from = w.at;
  w.byte(B_ENTRY);
  w.text(kv.key);
  w.byte(B_KEY_END);
  const v = kv.value;
  const type = writeText(w, v);
  if (bloom || slot >= 0) entryKey(w.bytes, from, w.at, KEY);
  if (bloom) bloom.add(KEY);
  w.byte(B_TYPE_END);
  w.byte(type);
  // Kept up to its type letter: only scalars are (SharedAttributeBytes), and arrays and lists write a payload after it.
  if (slot >= 0) entries.keep(kv, slot, w.bytes, from, w.at, bloom);
  if (v.type === 'array') w.text(encodeAttributes(v.value.map((value) => ({ key: '', value }))));
  else if (v.type === 'kvlist') w.text(encodeAttributes(v.value));
}

/** The key of the bloom entry that a span with `key` = `value` (as text) has. */
export function attributeKey(key: string, value: string): Uint32Array {
  // The pattern without its closing TYPE_END: the bytes the writer hashed.
  const pattern = Buffer.from(attributePattern(key, value).slice(0, -1), 'utf8');
  const out = new Uint32Array(2);
  entryKey(pattern, 0, pattern.length, out);
  return out;
}

/** Writes the value's text and returns its type letter. Numbers need no escaping. */
function writeText(w: ByteWriter, v: AnyValue): number {
  switch (v.type) {
    case 'string':
      w.text(v.value);
      return 0x73; // s
    case 'bool':
      w.plain(v.value ? 'true' : 'false');
      return 0x62; // b
    case 'int':
      w.plain(v.value.toString());
      return 0x69; // i
    case 'double':
      w.plain(anyValueToString(v));
      // String(-0) is "0": keep the sign in the type letter.
      return Object.is(v.value, -0) ? 0x7a : 0x64; // z, d
    case 'bytes':
      w.plain(anyValueToString(v));
      return 0x79; // y
    case 'empty':
      return 0x65; // e
    case 'array':
      w.text(anyValueToString(v));
      return 0x61; // a, a nested payload follows
    case 'kvlist':
      w.text(anyValueToString(v));
      return 0x6b; // k, a nested payload follows
  }
}

export function decodeAttributes(s: string): Attributes {
  const out: { key: string; value: AnyValue }[] = [];
  // Walked with indexOf rather than split into parts: every read of a span decodes its attributes. Entries never
  // contain a raw ENTRY character (it is escaped), so each runs to the next one exactly.
  let at = s.length === 0 ? -1 : 0;
  while (at >= 0) {
    const k = s.indexOf(KEY_END, at + 1);
    const t = s.indexOf(TYPE_END, k + 1);
    const next = s.indexOf(ENTRY, t + 2);
    const value = decodeValue(s, k + 1, t, s.charCodeAt(t + 1), next < 0 ? s.length : next);
    out.push({ key: unescapeText(s.slice(at + 1, k)), value });
    at = next;
  }
  return out;
}

/** The value whose text is s[from, to), with its type letter and, for arrays and lists, the payload up to `end`. */
function decodeValue(s: string, from: number, to: number, type: number, end: number): AnyValue {
  switch (type) {
    case 0x73: // s
      return { type: 'string', value: unescapeText(s.slice(from, to)) };
    case 0x62: // b
      return { type: 'bool', value: to - from === 4 && s.startsWith('true', from) };
    case 0x69: // i
      return { type: 'int', value: decimalBigInt(s.slice(from, to)) };
    case 0x64: // d
      return { type: 'double', value: Number(s.slice(from, to)) };
    case 0x7a: // z
      return { type: 'double', value: -0 };
    case 0x79: // y
      return { type: 'bytes', value: new Uint8Array(Buffer.from(s.slice(from, to), 'base64')) };
    case 0x65: // e
      return { type: 'empty' };
    case 0x61: // a
      return { type: 'array', value: decodeAttributes(unescapeText(s.slice(to + 2, end))).map((kv) => kv.value) };
    case 0x6b: // k
      return { type: 'kvlist', value: decodeAttributes(unescapeText(s.slice(to + 2, end))) };
    default:
      throw new Error(`corrupt attribute encoding: unknown type '${s.charAt(to + 1)}'`);
  }
}

/**
 * A bigint's decimal text (as bigint.toString() wrote it). Up to 15 characters it is a safe integer, and
 * BigInt(Number(text)) is faster than BigInt(text).
 */
function decimalBigInt(text: string): bigint {
  return text.length > 0 && text.length < 16 ? BigInt(Number(text)) : BigInt(text);
}
