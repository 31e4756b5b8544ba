import type { KeyValue, Resource, Scope, Span } from '@clew/model';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A span being adjusted: its own fields may change, and Jaeger's adjusters attach warnings to it. */
export interface WorkingSpan extends Mutable<Omit<Span, 'resource' | 'scope'>> {
  warnings: string[];
}

export interface WorkingScope {
  readonly scope: Scope;
  spans: WorkingSpan[];
}

/**
 * One resource with its spans, as one OTLP ResourceSpans. Jaeger adjusts traces in this shape (ptrace.Traces), and
 * some adjusters change the resource all its spans share, so the resource's attributes are mutable here.
 */
export interface WorkingResource {
  readonly resource: Resource;
  attributes: KeyValue[];
  scopes: WorkingScope[];
}

/**
 * Groups a trace's spans by resource, then by scope, in order of first appearance: the OTLP shape Jaeger reads traces
 * back in. Resources and scopes are compared by content, since a store may rebuild equal objects per span.
 */
export function groupByResource(spans: readonly Span[]): WorkingResource[] {
  const resources = new Map<string, WorkingResource>();
  const scopesByResource = new Map<WorkingResource, Map<string, WorkingScope>>();
  for (const span of spans) {
    const rKey = contentKey(span.resource);
    let group = resources.get(rKey);
    if (!group) {
      group = { resource: span.resource, attributes: [...span.resource.attributes], scopes: [] };
      resources.set(rKey, group);
      scopesByResource.set(group, new Map());
    }
    const scopes = scopesByResource.get(group)!;
    const sKey = contentKey(span.scope);
    let scope = scopes.get(sKey);
    if (!scope) {
      scope = { scope: span.scope, spans: [] };
      scopes.set(sKey, scope);
      group.scopes.push(scope);
    }
    const { resource: _r, scope: _s, ...own } = span;
    scope.spans.push({ ...own, attributes: own.attributes, warnings: [] });
  }
  return [...resources.values()];
}

/** A text that is equal for values with equal content: bigint and bytes included, which JSON.stringify refuses. */
export function contentKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
    return v;
  });
}
