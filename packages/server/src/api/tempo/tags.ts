import type { AnyValue } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import type { AttributeCatalog, AttributeScope } from '../native/attribute-catalog.js';
import { ClewError } from '../../errors.js';
import { INTRINSICS, UNSUPPORTED_INTRINSICS } from '../../query/traceql/intrinsics.js';

/**
 * TraceQL's intrinsics as Tempo lists them under the `intrinsic` scope (those Clew evaluates). Like Tempo's
 * search.GetVirtualIntrinsicValues, it leaves out intrinsics users rarely type (childCount, nestedSetLeft,
 * nestedSetRight, nestedSetParent, span:id, trace:id, span:parentID), though queries accept them.
 */
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
 * Values of a TraceQL identifier, as Tempo's traceql.ParseIdentifier reads it (an intrinsic, `.x`, or `x` scoped
 * by `span.`, `resource.`, `event.`, `link.` or `instrumentation.`), with their types: status and kind keywords,
 * span names and services from the Store, root service and span names and attribute values from what the catalog
 * has seen. Scopes Clew's TraceQL does not search (event, link, instrumentation) and intrinsics it keeps no
 * suggestions for are answered empty; text that is no identifier at all is a 400, with Tempo's message.
 */
export async function typedTagValues(store: SpanReader, catalog: AttributeCatalog, tag: string): Promise<TypedTagValue[]> {
  const strings = (values: readonly string[]) => values.map((value) => ({ type: 'string', value }));
  const intrinsic = INTRINSICS.get(tag);
  switch (intrinsic) {
    case 'status':
    case 'kind':
      return KEYWORDS[intrinsic]!.map((value) => ({ type: 'keyword', value }));
    case 'name':
      return strings(await spanNames(store));
    case 'rootName':
    case 'rootServiceName':
      return strings(catalog.rootValuesOf(intrinsic).sort());
  }
  if (intrinsic !== undefined || UNSUPPORTED_INTRINSICS.has(tag)) return []; // free text, measurements and ids are not suggested
  const scoped = /^(span|resource|event|link|instrumentation)?\.(.*)$/s.exec(tag);
  if (scoped === null) throw new ClewError('BAD_PARAMETER', `tag name is not valid intrinsic or scoped attribute: ${tag}`);
  const [, scope, key] = scoped as unknown as [string, string | undefined, string];
  if (scope !== undefined && scope !== 'span' && scope !== 'resource') return []; // not searched by Clew's TraceQL
  if (key === 'service.name' && scope !== 'span') return strings(await store.services());
  const info = catalog.keyInfo(key);
  if (info === undefined || !inScope(info.scopes, scope)) return [];
  const type = info.type === undefined ? undefined : TYPE_NAMES[info.type];
  if (type === undefined) return [];
  return catalog.valuesOf(key).sort().map((value) => ({ type, value }));
}

/** Tempo's well-known tags of the legacy search whose values are the trace roots' (vparquet's nonTraceQLAttributes). */
const LEGACY_ROOT_TAGS: Readonly<Record<string, 'rootServiceName' | 'rootName'>> = {
  'root.service.name': 'rootServiceName',
  rootServiceName: 'rootServiceName',
  'root.name': 'rootName',
  rootName: 'rootName',
};

/**
 * Plain values of a tag of the legacy search, as /api/search/tag/{tag}/values lists them: `service.name` and
 * `name` from the Store, `root.service.name` and `root.name` from the roots the catalog has seen, `status.code` its
 * keywords, any other tag the values of that span or resource attribute.
 */
export async function tagValues(store: SpanReader, catalog: AttributeCatalog, tag: string): Promise<string[]> {
  if (tag === 'service.name') return store.services();
  if (tag === 'name') return spanNames(store);
  if (tag === 'status.code') return [...KEYWORDS.status!];
  const root = LEGACY_ROOT_TAGS[tag];
  if (root !== undefined) return catalog.rootValuesOf(root).sort();
  const info = catalog.keyInfo(tag);
  return info !== undefined && inScope(info.scopes, undefined) ? catalog.valuesOf(tag).sort() : [];
}

/** Whether a key seen in `scopes` answers a lookup in `scope`; unscoped, as in Tempo, means span or resource. */
function inScope(scopes: ReadonlySet<AttributeScope>, scope: string | undefined): boolean {
  return scope === undefined ? scopes.has('span') || scopes.has('resource') : scopes.has(scope as AttributeScope);
}

/** Every span name the Store knows, across services, sorted. */
async function spanNames(store: SpanReader): Promise<string[]> {
  const names = new Set<string>();
  for (const service of await store.services()) for (const op of await store.operations({ service })) names.add(op.name);
  return [...names].sort();
}
