import { ClewError } from '../../errors.js';

/**
 * Jaeger's tag filters (query_parser.go parseTags): repeated `tag=key:value` (the value may itself hold colons) and
 * `tags` holding a JSON object of strings; a JSON tag wins over a simple one with the same key.
 * @example parseTagParams(['http.status_code:500'], ['{"error":"true"}'])
 */
export function parseTagParams(simpleTags: readonly string[], jsonTags: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const tag of simpleTags) {
    const parts = tag.split(':');
    if (parts.length <= 1) throw new ClewError('BAD_PARAMETER', `malformed 'tag' parameter, expecting key:value, received: ${tag}`);
    out.set(parts[0]!, parts.slice(1).join(':'));
  }
  for (const tags of jsonTags) {
    const parsed = parseStringMap(tags);
    if (typeof parsed === 'string') throw new ClewError('BAD_PARAMETER', `malformed 'tags' parameter, cannot unmarshal JSON: ${parsed}`);
    for (const [k, v] of parsed) out.set(k, v);
  }
  return out;
}

/**
 * JSON text as Go's json.Unmarshal into map[string]string reads it: an object of strings (or null, meaning none).
 * Returns the map, or Go's error text (approximated for syntax errors, whose wording JavaScript's parser does not
 * share).
 */
export function parseStringMap(text: string): Map<string, string> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return goSyntaxError(text, e as Error);
  }
  if (value === null) return new Map();
  if (typeof value !== 'object' || Array.isArray(value)) {
    return `json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]string`;
  }
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string' && v !== null) return `json: cannot unmarshal ${goJsonKind(v)} into Go value of type string`;
    out.set(k, v ?? '');
  }
  return out;
}

function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v; // number, string, boolean as Go names them ("bool" aside)
}

function goSyntaxError(text: string, e: Error): string {
  const position = /position (\d+)/.exec(e.message)?.[1];
  const at = position === undefined ? -1 : Number(position);
  if (text.trim() === '' || at >= text.trimEnd().length || /end of JSON input|Unterminated/i.test(e.message)) {
    return 'unexpected end of JSON input';
  }
  const c = at >= 0 ? text[at] : /Unexpected token '?(.)'?/.exec(e.message)?.[1];
  if (c === undefined) return e.message;
  const expecting = /property name/.test(e.message) ? 'beginning of object key string' : 'beginning of value';
  return `invalid character '${c}' looking for ${expecting}`;
}
