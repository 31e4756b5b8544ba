import type { ApiKeyValue } from './any-value.js';

/**
 * The words of a search inside a trace: lowercased, split on white space. Empty for a blank search.
 * @example searchWords(' Payment  VISA') // ['payment', 'visa']
 */
export function searchWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** What a span's search text takes besides its name and attributes: its status and its events. */
export interface SpanSearchExtras {
  /** OTLP status code: 2 adds `status=error`, 1 `status=ok`. */
  readonly statusCode?: number;
  readonly statusMessage?: string;
  /** Event names; of their attributes, only the exception's type and message (a stack trace would match too much). */
  readonly events?: readonly { readonly name: string; readonly attributes?: readonly ApiKeyValue[] }[];
}

/** The event attributes a search looks through, as the OpenTelemetry exception conventions name them. */
const SEARCHED_EVENT_KEYS = new Set(['exception.type', 'exception.message']);

/**
 * What a search inside a trace looks through for one span, lowercased: service, name, span id, attributes as
 * `key=value` (scalars only; arrays and maps contribute their key), and, from `extras`, `status=error` with the
 * status message, event names and exception types and messages. The server's `/search` and the UI's quick matching
 * of what the outline carries (status code and event names) both build on this, so a match means the same on
 * either side.
 * @example spanSearchText('payment', 'charge', '00f0…', [], { statusCode: 2, statusMessage: 'card declined' }) // '… status=error card declined'
 */
export function spanSearchText(service: string, name: string, spanId: string, attributes: readonly ApiKeyValue[] = [], extras: SpanSearchExtras = {}): string {
  let out = `${service} ${name} ${spanId}`;
  for (const a of attributes) out += ` ${keyValue(a)}`;
  if (extras.statusCode === 2) out += ' status=error';
  else if (extras.statusCode === 1) out += ' status=ok';
  if (extras.statusMessage) out += ` ${extras.statusMessage}`;
  for (const e of extras.events ?? []) {
    out += ` ${e.name}`;
    for (const a of e.attributes ?? []) if (SEARCHED_EVENT_KEYS.has(a.key)) out += ` ${keyValue(a)}`;
  }
  return out.toLowerCase();
}

const keyValue = (a: ApiKeyValue): string => `${a.key}=${'value' in a && typeof a.value !== 'object' ? a.value : ''}`;

/** True when every word appears somewhere in `text` (as given by {@link spanSearchText}). */
export const matchesWords = (text: string, words: readonly string[]): boolean => words.every((w) => text.includes(w));
