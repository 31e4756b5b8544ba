import { anyValueJsonText } from './any-value-json.js';

/**
 * An attribute value with its OTLP type kept. Integers are int64 and held as bigint so values beyond 2^53 survive.
 * `empty` is OTLP's AnyValue with no value set.
 */
export type AnyValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'array'; readonly value: readonly AnyValue[] }
  | { readonly type: 'kvlist'; readonly value: Attributes }
  | { readonly type: 'empty' };

export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}

/** Attributes in the order they were sent (duplicates kept, as OTLP allows them on the wire). */
export type Attributes = readonly KeyValue[];

let nextSharedId = 0;

/** A KeyValue with the number sharedKeyValue gave it, in a private field. */
class SharedKeyValue implements KeyValue {
  readonly #id = nextSharedId;
  constructor(
    readonly key: string,
    readonly value: AnyValue,
  ) {
    nextSharedId = (nextSharedId + 1) & 0x3fffffff;
  }

  static idOf(kv: KeyValue): number {
    // instanceof rather than `#id in kv`, which V8 answers through a generic lookup stub: 14 ns against 6 a call,
    // made for every attribute the store encodes.
    return kv instanceof SharedKeyValue ? kv.#id : -1;
  }
}

/**
 * An attribute that a decoder hands to many spans (one object for the same bytes on the wire), with a number that
 * encoders can keep what they made of it under: attributes are read-only, so what an encoder made of one is right for
 * every span holding it. The number picks a slot in such a cache and wraps; the cache confirms a hit by the object
 * itself. A private field, so JSON, spreads and equality do not see it (and it costs a constructor, where a property
 * defined on a plain object cost about 350 ns). Scalar values only: bytes are a mutable array.
 */
export function sharedKeyValue(key: string, value: AnyValue): KeyValue {
  return new SharedKeyValue(key, value);
}

/** The number sharedKeyValue gave `kv`, or -1 when it has none. */
export function sharedAttributeId(kv: KeyValue): number {
  return SharedKeyValue.idOf(kv);
}

/**
 * Bytes an encoder wrote for attributes the decoders share (sharedKeyValue), kept by the attribute's number: what was
 * written for one is the same every time it comes back, so a hit copies the bytes instead of writing the key and the
 * value again. Direct-mapped (the number's low bits pick the slot); a slot holds its attribute object, which confirms a
 * hit, so a number another attribute had takes the slot over. Bytes are kept as words, to be copied a word at a time.
 * Scalars only (as decoders share them): a bytes value is a mutable array, and an array or list is not kept either.
 */
export class SharedAttributeBytes {
  readonly owners: (KeyValue | undefined)[];
  readonly words: Uint32Array;
  readonly lengths: Uint8Array;
  /** Where slot n's words start: n * wordsPerSlot. */
  readonly wordsPerSlot: number;
  private readonly bytes: Uint8Array;
  private readonly mask: number;

  /** `slots` a power of two; `maxBytes` (longer entries are not kept) a multiple of 4, at most 252. */
  constructor(
    slots: number,
    private readonly maxBytes: number,
  ) {
    this.owners = new Array<KeyValue | undefined>(slots).fill(undefined);
    this.words = new Uint32Array((slots * maxBytes) / 4);
    this.bytes = new Uint8Array(this.words.buffer);
    this.lengths = new Uint8Array(slots);
    this.wordsPerSlot = maxBytes / 4;
    this.mask = slots - 1;
  }

  /** The slot of `kv`, or -1 for an attribute no decoder shares. */
  slotOf(kv: KeyValue): number {
    const id = SharedKeyValue.idOf(kv);
    return id >= 0 ? id & this.mask : -1;
  }

  /**
   * Keeps bytes[from, to) as what was written for `kv` (its slotOf), unless longer than a slot or not a scalar: true
   * when kept.
   */
  set(kv: KeyValue, slot: number, bytes: Uint8Array, from: number, to: number): boolean {
    const n = to - from;
    const t = kv.value.type;
    if (n > this.maxBytes || t === 'bytes' || t === 'array' || t === 'kvlist') return false;
    const at = slot * this.maxBytes;
    const arena = this.bytes;
    for (let i = 0; i < n; i++) arena[at + i] = bytes[from + i]!;
    this.lengths[slot] = n;
    this.owners[slot] = kv;
    return true;
  }
}

export const str = (value: string): AnyValue => ({ type: 'string', value });
export const int = (value: bigint | number): AnyValue => ({ type: 'int', value: BigInt(value) });
export const dbl = (value: number): AnyValue => ({ type: 'double', value });
export const bool = (value: boolean): AnyValue => ({ type: 'bool', value });

/** The first value of `key`, or undefined. */
export function getAttribute(attrs: Attributes, key: string): AnyValue | undefined {
  for (const kv of attrs) if (kv.key === key) return kv.value;
  return undefined;
}

/** The first value of `key` when it is a string. */
export function getStringAttribute(attrs: Attributes, key: string): string | undefined {
  const v = getAttribute(attrs, key);
  return v?.type === 'string' ? v.value : undefined;
}

/**
 * The value as a user would type it in a search box: strings as they are, numbers and bools in their usual text,
 * bytes as base64, arrays and lists as JSON (keys in the order sent, int64 exact). Used to match `key=value`
 * filters and to show values.
 */
export function anyValueToString(v: AnyValue): string {
  switch (v.type) {
    case 'string':
      return v.value;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return v.value.toString();
    case 'double':
      return doubleToString(v.value);
    case 'bytes':
      return Buffer.from(v.value).toString('base64');
    case 'array':
    case 'kvlist':
      return anyValueJsonText(v);
    case 'empty':
      return '';
  }
}

function doubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  return String(d);
}
