import type { AnyValue, KeyValue } from '@clew/model';
import { anyValueJsonText } from '@clew/model';
import type { JaegerKeyValue } from './jaeger-json-types.js';

const JS_MAX_SAFE = (1n << 53n) - 1n;

/**
 * An OTLP attribute as a Jaeger tag, as the OpenTelemetry Jaeger translator (attributeToJaegerProtoTag) and Jaeger's
 * UI converter (convertKeyValues) write it together: arrays and maps become JSON strings, bytes become binary
 * (base64 in JSON), int64 outside JavaScript's safe range becomes a decimal string.
 */
export function toJaegerTag(kv: KeyValue): JaegerKeyValue {
  const v = kv.value;
  switch (v.type) {
    case 'string':
      return { key: kv.key, type: 'string', value: v.value };
    case 'bool':
      return { key: kv.key, type: 'bool', value: v.value };
    case 'int':
      return { key: kv.key, type: 'int64', value: v.value > JS_MAX_SAFE || v.value < -JS_MAX_SAFE ? v.value.toString() : Number(v.value) };
    case 'double':
      return { key: kv.key, type: 'float64', value: v.value };
    case 'bytes':
      return { key: kv.key, type: 'binary', value: Buffer.from(v.value).toString('base64') };
    case 'array':
    case 'kvlist':
      return { key: kv.key, type: 'string', value: pcommonAsString(v) };
    case 'empty':
      // The translator leaves an empty value's tag at the zero type, which is STRING, with an empty string.
      return { key: kv.key, type: 'string', value: '' };
  }
}

export const stringTag = (key: string, value: string): JaegerKeyValue => ({ key, type: 'string', value });

/**
 * pcommon.Value.AsString for arrays and maps: json.Marshal of AsRaw(), so map keys sorted (a repeated key keeps its
 * last value), int64 exact, bytes base64, empty as null. Go gives "" when the JSON cannot be written (NaN, ±Inf).
 */
export function pcommonAsString(v: AnyValue): string {
  try {
    return anyValueJsonText(v, { go: true, nonFinite: 'throw' });
  } catch {
    return '';
  }
}
