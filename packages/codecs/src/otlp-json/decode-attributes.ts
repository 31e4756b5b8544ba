import type { AnyValue, KeyValue } from '@clew/model';
import { INT64_MAX, INT64_MIN, asArray, asBigInt, asBool, asBytes, asDouble, asObject, asString, fail, rethrowUnder } from './json-values.js';

/** Arrays and lists nest; beyond this it is an attack on the stack, not an attribute (as for protobuf). */
const MAX_VALUE_DEPTH = 64;
const EMPTY: AnyValue = Object.freeze({ type: 'empty' });

/** A JSON array of KeyValue objects; `where` is the path of the array, for errors. */
export function readAttributes(v: unknown, where: string, depth = 0): KeyValue[] {
  const items = asArray(v, where);
  const out = new Array<KeyValue>(items.length);
  for (let i = 0; i < items.length; i++) {
    try {
      const kv = asObject(items[i], '');
      const value = kv.value ?? undefined;
      out[i] = { key: asString(kv.key, '.key'), value: value === undefined ? EMPTY : readAnyValue(value, depth) };
    } catch (e) {
      rethrowUnder(e, `${where}[${i}]`);
    }
  }
  return out;
}

/**
 * One AnyValue object; `{}` is the empty value. Keys are visited rather than looked up (one key is the norm, and
 * both spellings are accepted); more than one member set is refused, as the protobuf JSON mapping does.
 */
function readAnyValue(v: unknown, depth: number): AnyValue {
  if (depth >= MAX_VALUE_DEPTH) fail('.value', `attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
  const o = asObject(v, '.value');
  let value = EMPTY;
  let member = '';
  for (const key in o) {
    const x = o[key];
    if (x === null || x === undefined) continue;
    let next: AnyValue;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        next = { type: 'string', value: asString(x, '.value.stringValue') };
        break;
      case 'boolValue':
      case 'bool_value':
        next = { type: 'bool', value: asBool(x, '.value.boolValue') };
        break;
      case 'intValue':
      case 'int_value':
        next = { type: 'int', value: asBigInt(x, '.value.intValue', INT64_MIN, INT64_MAX) };
        break;
      case 'doubleValue':
      case 'double_value':
        next = { type: 'double', value: asDouble(x, '.value.doubleValue') };
        break;
      case 'bytesValue':
      case 'bytes_value':
        next = { type: 'bytes', value: asBytes(x, '.value.bytesValue') };
        break;
      case 'arrayValue':
      case 'array_value':
        next = { type: 'array', value: readValueList(x, depth + 1) };
        break;
      case 'kvlistValue':
      case 'kvlist_value': {
        const list = asObject(x, '.value.kvlistValue');
        next = { type: 'kvlist', value: readAttributes(list.values ?? undefined, '.value.kvlistValue.values', depth + 1) };
        break;
      }
      default:
        continue; // unknown fields are ignored
    }
    if (member !== '') fail('.value', `AnyValue has both ${member} and ${key}`);
    member = key;
    value = next;
  }
  return value;
}

function readValueList(v: unknown, depth: number): AnyValue[] {
  const where = '.value.arrayValue.values';
  const items = asArray(asObject(v, '.value.arrayValue').values ?? undefined, where);
  const out = new Array<AnyValue>(items.length);
  for (let i = 0; i < items.length; i++) {
    try {
      out[i] = readAnyValue(items[i], depth);
    } catch (e) {
      // readAnyValue's paths start at ".value"; an array element is addressed by index instead.
      rethrowUnder(e, `${where}[${i}]`);
    }
  }
  return out;
}
