import type { ApiAnyValue } from '@clew/api';

/** An attribute value as text: strings bare, int64 exactly (it arrives as a decimal string), nested values as JSON. */
export function valueText(v: ApiAnyValue): string {
  switch (v.type) {
    case 'string':
    case 'int':
    case 'bytes':
      return v.value;
    case 'bool':
    case 'double':
      return String(v.value);
    case 'array':
    case 'kvlist':
      return JSON.stringify(toJson(v));
    case 'empty':
      return '';
  }
}

function toJson(v: ApiAnyValue): unknown {
  switch (v.type) {
    case 'array':
      return v.value.map(toJson);
    case 'kvlist':
      return Object.fromEntries(v.value.map((kv) => [kv.key, toJson(kv)]));
    case 'empty':
      return null;
    default:
      return v.value;
  }
}
