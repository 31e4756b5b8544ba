import type { Resource, Scope, Span } from '@clew/model';
import { compareSpanOrder, serviceName, SPAN_KIND_NAMES } from '@clew/model';
import { toApiAttributes } from './any-value-convert.js';
import type { SpanKindName } from './query-params.js';
import { STATUS_CODE_NAMES } from './status-code-names.js';
import type { ApiResource, ApiScope, ApiSpan, ApiTrace } from './trace.js';

/**
 * Interns resources or scopes: by reference first (the store and the decoders share them), then by content, so equal
 * ones from different store partitions still appear once.
 */
class Interner<M extends object, A> {
  readonly list: A[] = [];
  private readonly byRef = new Map<M, number>();
  private readonly byContent = new Map<string, number>();
  constructor(private readonly convert: (m: M) => A) {}

  indexOf(m: M): number {
    let i = this.byRef.get(m);
    if (i === undefined) {
      const a = this.convert(m);
      const key = JSON.stringify(a);
      i = this.byContent.get(key);
      if (i === undefined) this.byContent.set(key, (i = this.list.push(a) - 1));
      this.byRef.set(m, i);
    }
    return i;
  }
}

function toApiResource(r: Resource): ApiResource {
  return {
    serviceName: serviceName(r),
    attributes: toApiAttributes(r.attributes),
    droppedAttributesCount: r.droppedAttributesCount,
    entityRefs: r.entityRefs.map((e) => ({ ...e, idKeys: [...e.idKeys], descriptionKeys: [...e.descriptionKeys] })),
    schemaUrl: r.schemaUrl,
  };
}

function toApiScope(s: Scope): ApiScope {
  return { ...s, attributes: toApiAttributes(s.attributes) };
}

/** A copy of `spans` in the native API's order: by start time, then span id. Every trace answer numbers spans so. */
export function sortSpans(spans: readonly Span[]): Span[] {
  return [...spans].sort(compareSpanOrder);
}

/**
 * A trace's spans (all of one trace id, as Store.getTrace gives them) as the native API's JSON trace, spans ordered
 * by start time then span id. Linear in the spans, plus the sort.
 */
export function toApiTrace(spans: readonly Span[]): ApiTrace {
  const resources = new Interner(toApiResource);
  const scopes = new Interner(toApiScope);
  const apiSpans: ApiSpan[] = sortSpans(spans).map((s) => ({
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    traceState: s.traceState,
    flags: s.flags,
    name: s.name,
    kind: SPAN_KIND_NAMES[s.kind] as SpanKindName,
    startTimeUnixNano: s.startTimeUnixNano.toString(),
    endTimeUnixNano: s.endTimeUnixNano.toString(),
    status: { code: STATUS_CODE_NAMES[s.status.code]!, message: s.status.message },
    attributes: toApiAttributes(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({ ...e, timeUnixNano: e.timeUnixNano.toString(), attributes: toApiAttributes(e.attributes) })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({ ...l, attributes: toApiAttributes(l.attributes) })),
    droppedLinksCount: s.droppedLinksCount,
    resource: resources.indexOf(s.resource),
    scope: scopes.indexOf(s.scope),
  }));
  return { traceId: spans[0]?.traceId ?? '', resources: resources.list, scopes: scopes.list, spans: apiSpans };
}
