/**
 * JSON text as Go's encoding/json writes it, which is what Jaeger's query service sends: like JSON.stringify, but
 * with `<`, `>`, `&`, U+2028 and U+2029 escaped (json.Marshal's HTML-safe default). Those characters can only occur
 * inside strings in JSON text, so escaping them after stringify is exact.
 */
export function goJsonStringify(value: unknown, indent?: string): string {
  return JSON.stringify(value, null, indent).replace(/[<>&\u2028\u2029]/g, escapeChar);
}

function escapeChar(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}
