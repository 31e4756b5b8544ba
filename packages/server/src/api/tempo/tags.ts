import type { AnyValue } from '@clew/model';
import type { Store } from '@clew/storage';
import type { AttributeCatalog, AttributeScope } from '../native/attribute-catalog.js';
import { ClewError } from '../../errors.js';

/** TraceQL's intrinsics as Tempo lists them under the `intrinsic` scope (those Clew evaluates). */
export const INTRINSIC_TAGS: readonly string[] = [
  'duration', 'kind', 'name', 'rootName', 'rootServiceName', 'span:duration', 'span:kind', 'span:name', 'span:status',
  'span:statusMessage', 'status', 'statusMessage', 'trace:duration', 'trace:rootName', 'trace:rootService', 'traceDuration',
];

/** Scopes Tempo accepts in `scope=`; Clew knows attributes of the first two, and the intrinsics. */
const SCOPES = ['span', 'resource', 'intrinsic', 'event', 'link', 'instrumentation'] as const;
export type TagScope = (typeof SCOPES)[number];

/** Tempo's `scope=` parameter: undefined (or `all`) for every scope; an unknown scope is a 400. */
export function parseScope(text: string | null): TagScope | undefined {
  if (text === null || text === '' || text === 'all') return undefined;
  if (!(SCOPES as readonly string[]).includes(text)) throw new ClewError('BAD_PARAMETER', `invalid scope: ${text}`);
  return text as TagScope;
}

/** Attribute keys the catalog has seen in `scope` (span or resource), sorted. */
export function attributeKeys(catalog: AttributeCatalog, scope: AttributeScope): string[] {
  return catalog.keysOf().filter((k) => catalog.keyInfo(k)?.scopes.has(scope));
}

/** Tag names of one scope, as /api/v2/search/tags lists them. */
export function tagNamesOf(catalog: AttributeCatalog, scope: TagScope): string[] {
  if (scope === 'intrinsic') return [...INTRINSIC_TAGS];
  if (scope === 'span' || scope === 'resource') return attributeKeys(catalog, scope);
  return []; // events, links and scopes are not searched by Clew's TraceQL
}

/** A typed tag value of /api/v2/search/tag/{tag}/values. */
export interface TypedTagValue {
  readonly type: string;
  readonly value: string;
}

const KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  status: ['error', 'ok', 'unset'],
  kind: ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'],
};

/** TraceQL value types as Tempo names them (traceql.StaticType): a double is a float. */
const TYPE_NAMES: Partial<Record<AnyValue['type'], string>> = { string: 'string', int: 'int', double: 'float', bool: 'bool' };

/**
 * Values of a TraceQL identifier (`resource.service.name`, `span.http.method`, `.region`, `name`, `status`, …)
 * with their types: intrinsics from the Store (service and span names) or their fixed keywords, attributes from
 * what the catalog has seen in that scope. Throws a 400 for text that is neither.
 */
export async function typedTagValues(store: Store, catalog: AttributeCatalog, tag: string): Promise<TypedTagValue[]> {
  const intrinsic = tag.startsWith('span:') || tag.startsWith('trace:') ? tag.slice(tag.indexOf(':') + 1) : tag;
  const strings = (values: readonly string[]) => values.map((value) => ({ type: 'string', value }));
  switch (intrinsic) {
    case 'status':
    case 'kind':
      return KEYWORDS[intrinsic]!.map((value) => ({ type: 'keyword', value }));
    case 'name':
    case 'rootName':
      return strings(await spanNames(store));
    case 'rootServiceName':
    case 'rootService':
      return strings(await store.services());
    case 'statusMessage':
    case 'duration':
    case 'traceDuration':
      return []; // not kept as suggestions: free text and measurements
  }
  const scoped = /^(span|resource)?\.(.+)$/.exec(tag);
  if (scoped === null) throw new ClewError('BAD_PARAMETER', `tag name is not valid intrinsic or scoped attribute: ${tag}`);
  const [, scope, key] = scoped as unknown as [string, AttributeScope | undefined, string];
  if (key === 'service.name' && scope !== 'span') return strings(await store.services());
  const info = catalog.keyInfo(key);
  if (info === undefined || (scope !== undefined && !info.scopes.has(scope))) return [];
  const type = info.type === undefined ? undefined : TYPE_NAMES[info.type];
  if (type === undefined) return [];
  return catalog.valuesOf(key).sort().map((value) => ({ type, value }));
}

/** Plain values of a tag of the legacy search, as /api/search/tag/{tag}/values lists them. */
export async function tagValues(store: Store, catalog: AttributeCatalog, tag: string): Promise<string[]> {
  if (tag === 'service.name') return store.services();
  if (tag === 'name') return spanNames(store);
  return catalog.valuesOf(tag).sort();
}

/** Every span name the Store knows, across services, sorted. */
async function spanNames(store: Store): Promise<string[]> {
  const names = new Set<string>();
  for (const service of await store.services()) for (const op of await store.operations({ service })) names.add(op.name);
  return [...names].sort();
}
