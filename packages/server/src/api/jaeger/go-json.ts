import { goHtmlSafe } from '@clew/model';

/**
 * JSON text as Go's encoding/json writes it, which is what Jaeger's query service sends: like JSON.stringify, but
 * with `<`, `>`, `&`, U+2028 and U+2029 escaped (json.Marshal's HTML-safe default).
 */
export function goJsonStringify(value: unknown, indent?: string): string {
  return goHtmlSafe(JSON.stringify(value, null, indent));
}
