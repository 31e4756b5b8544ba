import type { AnyValue, Attributes, KeyValue } from '@clew/model';
import type { ApiAnyValue, ApiKeyValue } from './any-value.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/** A model value as JSON-friendly typed data (see {@link ApiAnyValue}). */
export function toApiAnyValue(v: AnyValue): ApiAnyValue {
  switch (v.type) {
    case 'int':
      return { type: 'int', value: v.value.toString() };
    case 'double':
      return { type: 'double', value: Number.isFinite(v.value) ? v.value : (String(v.value) as 'NaN' | 'Infinity' | '-Infinity') };
    case 'bytes':
      return { type: 'bytes', value: bytesToBase64(v.value) };
    case 'array':
      return { type: 'array', value: v.value.map(toApiAnyValue) };
    case 'kvlist':
      return { type: 'kvlist', value: toApiAttributes(v.value) };
    default:
      return v;
  }
}

export function toApiAttributes(attrs: Attributes): ApiKeyValue[] {
  return attrs.map((kv) => ({ key: kv.key, ...toApiAnyValue(kv.value) }));
}

/** The reverse of {@link toApiAnyValue}. */
export function fromApiAnyValue(v: ApiAnyValue): AnyValue {
  switch (v.type) {
    case 'string':
    case 'bool':
      return { type: v.type, value: v.value } as AnyValue;
    case 'int':
      return { type: 'int', value: BigInt(v.value) };
    case 'double':
      return { type: 'double', value: Number(v.value) };
    case 'bytes':
      return { type: 'bytes', value: base64ToBytes(v.value) };
    case 'array':
      return { type: 'array', value: v.value.map(fromApiAnyValue) };
    case 'kvlist':
      return { type: 'kvlist', value: fromApiAttributes(v.value) };
    case 'empty':
      return { type: 'empty' };
  }
}

export function fromApiAttributes(attrs: readonly ApiKeyValue[]): KeyValue[] {
  return attrs.map(({ key, ...value }) => ({ key, value: fromApiAnyValue(value as ApiAnyValue) }));
}
