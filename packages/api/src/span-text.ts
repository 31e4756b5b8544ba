import type { ApiKeyValue } from './any-value.js';

/**
 * The words of a search inside a trace: lowercased, split on white space. Empty for a blank search.
 * @example searchWords(' Payment  VISA') // ['payment', 'visa']
 */
export function searchWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * What a search inside a trace looks through for one span, lowercased: service, name, span id, and attributes as
 * `key=value` (scalars only; arrays and maps contribute their key). The server's `/search` and the UI's quick
 * name-only matching both build on this, so a match means the same on either side.
 */
export function spanSearchText(service: string, name: string, spanId: string, attributes: readonly ApiKeyValue[] = []): string {
  let out = `${service} ${name} ${spanId}`;
  for (const a of attributes) out += ` ${a.key}=${'value' in a && typeof a.value !== 'object' ? a.value : ''}`;
  return out.toLowerCase();
}

/** True when every word appears somewhere in `text` (as given by {@link spanSearchText}). */
export const matchesWords = (text: string, words: readonly string[]): boolean => words.every((w) => text.includes(w));
