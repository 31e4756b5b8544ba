import { createHmac } from 'node:crypto';
import type { Attributes, KeyValue, Resource, Scope } from '@clew/model';
import { mapAttributes, mapStrings } from './attribute-map.js';
import type { Processor, ProcessorOutput } from './processor.js';
import { mapSpans, memoized } from './processor.js';

/**
 * A cheap test a string must pass before a preset's expression runs on it: most values hold no '@', no run of
 * digits and no 'Bearer', and skipping the expression for them is most of the redact processor's cost.
 */
export const PRESET_HINTS: Readonly<Record<RedactPreset, (s: string) => boolean>> = {
  email: (s) => s.includes('@'),
  card: (s) => /\d{4}/.test(s),
  bearer: (s) => s.includes('Bearer'),
};

/** Patterns shipped as examples, used by name (`preset: email`). Each is a JavaScript regular expression, global. */
export const REDACT_PRESETS = {
  /** An e-mail address. */
  email: String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`,
  /** A payment card number: 13 to 19 digits, optionally grouped by spaces or dashes. */
  card: String.raw`\b(?:\d[ -]?){12,18}\d\b`,
  /** A bearer token, as in an Authorization header: the scheme is kept, the token masked. */
  bearer: String.raw`(?<=\bBearer\s+)[A-Za-z0-9\-._~+/]+=*`,
} as const;
export type RedactPreset = keyof typeof REDACT_PRESETS;

export interface RedactOptions {
  readonly name?: string;
  /** Attribute keys removed wherever they occur (span, event, link, resource and scope attributes). */
  readonly dropKeys?: readonly string[];
  /** Masks: every match of `pattern` in a string value (of `keys` only, when given) becomes `replacement`. */
  readonly mask?: ReadonlyArray<{
    readonly pattern: string;
    readonly replacement: string;
    readonly keys?: readonly string[];
    /** A cheap test a string must pass for the pattern to run on it (see PRESET_HINTS). */
    readonly hint?: (s: string) => boolean;
  }>;
  /** Keys whose string values are replaced by a keyed hash (HMAC-SHA256, 32 hex digits): equal values stay equal. */
  readonly hashKeys?: readonly string[];
  readonly hashSecret?: string;
}

/**
 * Removes secrets before anything touches the disk: drops keys, masks matches, or replaces values with a keyed
 * hash, in every attribute a span carries (its own, its events' and links', its resource's and scope's, nested
 * values included) and in its status message.
 * @example redactProcessor({ dropKeys: ['password'], mask: [{ pattern: REDACT_PRESETS.email, replacement: '[email]' }] })
 */
export function redactProcessor(opts: RedactOptions): Processor {
  const drop = new Set(opts.dropKeys ?? []);
  const hashed = new Set(opts.hashKeys ?? []);
  const masks = (opts.mask ?? []).map((m) => ({ re: new RegExp(m.pattern, 'g'), replacement: m.replacement, keys: m.keys && new Set(m.keys), hint: m.hint }));
  const secret = opts.hashSecret ?? '';
  const hash = (s: string): string => createHmac('sha256', secret).update(s).digest('hex').slice(0, 32);
  const maskText = (key: string | undefined, s: string): string => {
    let out = s;
    for (const m of masks) {
      if (m.keys !== undefined && (key === undefined || !m.keys.has(key))) continue;
      if (m.hint === undefined || m.hint(out)) out = out.replace(m.re, m.replacement);
    }
    return out;
  };
  const redactPair = (kv: KeyValue): KeyValue | null => {
    if (drop.has(kv.key)) return null;
    const value = mapStrings(kv.value, (s) => (hashed.has(kv.key) ? hash(s) : maskText(kv.key, s)));
    return value === kv.value ? kv : { key: kv.key, value };
  };
  const redact = (attrs: Attributes): Attributes => mapAttributes(attrs, redactPair);
  const name = opts.name ?? 'redact';
  return {
    name,
    process(spans): ProcessorOutput {
      // Per batch: resources and scopes are shared by reference, so each is redacted once and shared again.
      const resourceOf = memoized((r: Resource): Resource => {
        const attributes = redact(r.attributes);
        return attributes === r.attributes ? r : { ...r, attributes };
      });
      const scopeOf = memoized((s: Scope): Scope => {
        const attributes = redact(s.attributes);
        return attributes === s.attributes ? s : { ...s, attributes };
      });
      return mapSpans(spans, (s) => {
        const attributes = redact(s.attributes);
        const resource = resourceOf(s.resource);
        const scope = scopeOf(s.scope);
        const message = maskText(undefined, s.status.message);
        const events = redactEach(s.events, redact);
        const links = redactEach(s.links, redact);
        if (attributes === s.attributes && resource === s.resource && scope === s.scope && message === s.status.message && events === s.events && links === s.links) {
          return s;
        }
        return {
          ...s,
          attributes,
          resource,
          scope,
          status: message === s.status.message ? s.status : { ...s.status, message },
          events,
          links,
        };
      });
    },
  };
}

/** Events or links with their attributes redacted; the same array when none changed. */
function redactEach<T extends { readonly attributes: Attributes }>(items: readonly T[], redact: (a: Attributes) => Attributes): readonly T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const attributes = redact(item.attributes);
    if (attributes !== item.attributes) out ??= items.slice(0, i);
    out?.push(attributes === item.attributes ? item : { ...item, attributes });
  }
  return out ?? items;
}
