import type { AnyValue, KeyValue } from '@clew/model';
import { sharedKeyValue } from '@clew/model';
import { ByteCache } from './byte-cache.js';
import type { WireReader } from './wire-reader.js';

/** Arrays and lists nest; beyond this it is an attack on the stack, not an attribute. */
const MAX_VALUE_DEPTH = 64;

const EMPTY: AnyValue = Object.freeze({ type: 'empty' });
const TRUE: AnyValue = Object.freeze({ type: 'bool', value: true });
const FALSE: AnyValue = Object.freeze({ type: 'bool', value: false });

/**
 * Whole top-level attributes, by the bytes of their KeyValue message: most of a span's attributes (methods,
 * routes, hosts, status codes, db systems) repeat across spans and batches, and a hit skips decoding the key, the
 * value and both allocations. The model's attributes are read-only, so spans can share one object, as they share
 * Resources; each kept object is made shared (sharedKeyValue), so that the store's encoders write its entry once.
 * Only scalar values are kept: bytes are a mutable Uint8Array, arrays and lists are rare.
 */
const attributes = new ByteCache<KeyValue>(4096, 128);

/** Reads one KeyValue message (the field whose tag was just read) and appends it to `out`. */
export function readKeyValue(r: WireReader, wireType: number, end: number, out: KeyValue[], depth = 0): void {
  const stop = r.enter(wireType, end, 'KeyValue');
  const start = r.pos;
  // Nested values are left out: their depth, not only their bytes, decides whether they decode.
  const cacheable = depth === 0 && stop - start <= attributes.maxBytes;
  const hash = cacheable ? attributes.hash(r.view, start, stop) : 0;
  if (cacheable) {
    const known = attributes.find(hash, r.view, start, stop);
    if (known !== undefined) {
      r.pos = stop;
      r.leave();
      out.push(known);
      return;
    }
  }
  let key = '';
  let value = EMPTY;
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 1) key = r.string(wt, stop);
    else if (r.field === 2) value = readAnyValue(r, wt, stop, depth);
    else r.skip(wt, stop); // key_strindex (3) is for profiles only
  }
  r.leave();
  let kv: KeyValue;
  if (cacheable && isScalar(value) && attributes.admits(hash)) {
    kv = sharedKeyValue(key, value);
    attributes.put(hash, r.view, start, stop, kv);
  } else kv = { key, value };
  out.push(kv);
}

const isScalar = (v: AnyValue): boolean => v.type !== 'bytes' && v.type !== 'array' && v.type !== 'kvlist';

/** Reads one AnyValue message. Several values set: the last wins, as in protobufjs. */
function readAnyValue(r: WireReader, wireType: number, end: number, depth: number): AnyValue {
  if (depth >= MAX_VALUE_DEPTH) r.fail(`attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
  const stop = r.enter(wireType, end, 'AnyValue');
  let value = EMPTY;
  while (r.pos < stop) {
    const wt = r.tag(stop);
    switch (r.field) {
      case 1:
        value = { type: 'string', value: r.string(wt, stop) };
        break;
      case 2:
        value = r.bool(wt, stop) ? TRUE : FALSE;
        break;
      case 3:
        value = { type: 'int', value: r.int64(wt, stop) };
        break;
      case 4:
        value = { type: 'double', value: r.double(wt, stop) };
        break;
      case 5:
        value = { type: 'array', value: readList(r, wt, stop, depth + 1, 'ArrayValue') as AnyValue[] };
        break;
      case 6:
        value = { type: 'kvlist', value: readList(r, wt, stop, depth + 1, 'KeyValueList') as KeyValue[] };
        break;
      case 7:
        value = { type: 'bytes', value: r.bytes(wt, stop) };
        break;
      default: // string_value_strindex (8) is for profiles only
        r.skip(wt, stop);
    }
  }
  r.leave();
  return value;
}

/** ArrayValue (repeated AnyValue values = 1) or KeyValueList (repeated KeyValue values = 1). */
function readList(r: WireReader, wireType: number, end: number, depth: number, name: 'ArrayValue' | 'KeyValueList'): AnyValue[] | KeyValue[] {
  const stop = r.enter(wireType, end, name);
  const values: AnyValue[] = [];
  const pairs: KeyValue[] = [];
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field !== 1) r.skip(wt, stop);
    else if (name === 'ArrayValue') values.push(readAnyValue(r, wt, stop, depth));
    else readKeyValue(r, wt, stop, pairs, depth);
  }
  r.leave();
  return name === 'ArrayValue' ? values : pairs;
}
