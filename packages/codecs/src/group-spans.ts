import type { Resource, Scope, Span } from '@clew/model';

export interface ScopeGroup {
  readonly scope: Scope;
  readonly spans: Span[];
}
export interface ResourceGroup {
  readonly resource: Resource;
  readonly scopes: ScopeGroup[];
}

/**
 * Groups spans by Resource, then Scope, object identity (decoders share these objects, so identity is the
 * grouping the sender used), keeping first-seen order: the shape of ResourceSpans / ScopeSpans in both encodings.
 */
export function groupSpans(spans: readonly Span[]): ResourceGroup[] {
  const byResource = new Map<Resource, { group: ResourceGroup; byScope: Map<Scope, ScopeGroup> }>();
  const groups: ResourceGroup[] = [];
  for (const span of spans) {
    let entry = byResource.get(span.resource);
    if (entry === undefined) {
      entry = { group: { resource: span.resource, scopes: [] }, byScope: new Map() };
      byResource.set(span.resource, entry);
      groups.push(entry.group);
    }
    let scopeGroup = entry.byScope.get(span.scope);
    if (scopeGroup === undefined) {
      scopeGroup = { scope: span.scope, spans: [] };
      entry.byScope.set(span.scope, scopeGroup);
      entry.group.scopes.push(scopeGroup);
    }
    scopeGroup.spans.push(span);
  }
  return groups;
}
