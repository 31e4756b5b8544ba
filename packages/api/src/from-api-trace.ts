import type { Resource, Scope, Span, SpanId, SpanKind, StatusCode, TraceId, UnixNanos } from '@clew/model';
import { fromApiAttributes } from './any-value-convert.js';
import { SPAN_KIND_NAMES } from './query-params.js';
import type { ApiResource, ApiScope, ApiTrace } from './trace.js';
import { STATUS_CODE_NAMES } from './status-code-names.js';

function fromApiResource(r: ApiResource): Resource {
  return { attributes: fromApiAttributes(r.attributes), droppedAttributesCount: r.droppedAttributesCount, entityRefs: r.entityRefs, schemaUrl: r.schemaUrl };
}

function fromApiScope(s: ApiScope): Scope {
  return { name: s.name, version: s.version, attributes: fromApiAttributes(s.attributes), droppedAttributesCount: s.droppedAttributesCount, schemaUrl: s.schemaUrl };
}

/**
 * The model spans of an API trace, the exact reverse of {@link toApiTrace} (spans sharing a resource or scope share
 * the object). The UI does not need it (it works on API spans directly); it is here for tools and for the round-trip
 * test that proves the JSON loses nothing.
 */
export function fromApiTrace(trace: ApiTrace): Span[] {
  const resources = trace.resources.map(fromApiResource);
  const scopes = trace.scopes.map(fromApiScope);
  const traceId = trace.traceId as TraceId;
  return trace.spans.map((s) => ({
    traceId,
    spanId: s.spanId as SpanId,
    parentSpanId: s.parentSpanId as SpanId | null,
    traceState: s.traceState,
    flags: s.flags,
    name: s.name,
    kind: SPAN_KIND_NAMES.indexOf(s.kind) as SpanKind,
    startTimeUnixNano: BigInt(s.startTimeUnixNano) as UnixNanos,
    endTimeUnixNano: BigInt(s.endTimeUnixNano) as UnixNanos,
    attributes: fromApiAttributes(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({ ...e, timeUnixNano: BigInt(e.timeUnixNano) as UnixNanos, attributes: fromApiAttributes(e.attributes) })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({ ...l, traceId: l.traceId as TraceId, spanId: l.spanId as SpanId, attributes: fromApiAttributes(l.attributes) })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: STATUS_CODE_NAMES.indexOf(s.status.code) as StatusCode, message: s.status.message },
    resource: resources[s.resource]!,
    scope: scopes[s.scope]!,
  }));
}
