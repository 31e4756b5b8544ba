import type { AnyValue } from './attributes.js';

/** How {@link anyValueJsonText} writes maps, strings and the doubles JSON has no number for. */
export interface AnyValueJsonStyle {
  /**
   * Write as Go's json.Marshal writes pcommon's `AsRaw()` (what OpenTelemetry's collector puts in a Jaeger or
   * Zipkin tag): map keys sorted, and `<`, `>`, `&`, U+2028, U+2029 escaped in strings. Otherwise keys keep the
   * order they came in and strings are escaped as JSON.stringify escapes them. Either way a repeated key keeps its
   * last value (in its first place, when not sorted).
   */
  readonly go?: boolean;
  /** NaN and ±Infinity: `null` (as JSON.stringify writes them, the default), or a thrown RangeError (as json.Marshal refuses them). */
  readonly nonFinite?: 'null' | 'throw';
}

/**
 * An attribute value as JSON text, with int64 exact: 9007199254740993 is written as that number, never rounded
 * and never quoted (which JSON.stringify cannot do with a bigint). Bytes are base64, an empty value is null.
 * @example anyValueJsonText({ type: 'array', value: [int(9007199254740993n), str('a<b')] }, { go: true }) === '[9007199254740993,"a\\u003cb"]'
 */
export function anyValueJsonText(v: AnyValue, style: AnyValueJsonStyle = {}): string {
  switch (v.type) {
    case 'string':
      return style.go === true ? goHtmlSafe(JSON.stringify(v.value)) : JSON.stringify(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return v.value.toString();
    case 'double':
      if (!Number.isFinite(v.value)) {
        if (style.nonFinite === 'throw') throw new RangeError(`json: unsupported value: ${v.value}`);
        return 'null';
      }
      return JSON.stringify(v.value);
    case 'bytes':
      return JSON.stringify(Buffer.from(v.value).toString('base64'));
    case 'array':
      return '[' + v.value.map((item) => anyValueJsonText(item, style)).join(',') + ']';
    case 'kvlist': {
      const byKey = new Map<string, AnyValue>();
      for (const kv of v.value) byKey.set(kv.key, kv.value);
      const keys = [...byKey.keys()];
      if (style.go === true) keys.sort();
      const key = style.go === true ? (k: string) => goHtmlSafe(JSON.stringify(k)) : (k: string) => JSON.stringify(k);
      return '{' + keys.map((k) => key(k) + ':' + anyValueJsonText(byKey.get(k)!, style)).join(',') + '}';
    }
    case 'empty':
      return 'null';
  }
}

/**
 * JSON text with `<`, `>`, `&`, U+2028 and U+2029 escaped, as Go's json.Marshal writes them by default (HTML-safe).
 * Those characters can only occur inside strings in JSON text, so escaping them in finished text is exact.
 * @example goHtmlSafe(JSON.stringify({ q: 'a<b' })) === '{"q":"a\\u003cb"}'
 */
export function goHtmlSafe(jsonText: string): string {
  return jsonText.replace(/[<>&\u2028\u2029]/g, escapeChar);
}

function escapeChar(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}
