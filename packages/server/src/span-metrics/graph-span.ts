import type { GraphSpan } from '@clew/analysis';
import { DEFAULT_DATABASE_NAME_ATTRIBUTES, DEFAULT_PEER_ATTRIBUTES } from '@clew/analysis';
import type { Attributes, Span } from '@clew/model';
import { SpanKind, StatusCode } from '@clew/model';

/** The attributes service-graph pairing looks at; only these are copied out of a span. */
const GRAPH_ATTRIBUTES = new Set<string>([
  ...DEFAULT_PEER_ATTRIBUTES,
  ...DEFAULT_DATABASE_NAME_ATTRIBUTES,
  'server.address',
  'network.peer.address',
  'network.peer.port',
  'messaging.system',
]);

function pick(attrs: Attributes): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const kv of attrs) {
    if (!GRAPH_ATTRIBUTES.has(kv.key)) continue;
    const v = kv.value;
    const text = v.type === 'string' ? v.value : v.type === 'int' ? v.value.toString() : v.type === 'double' || v.type === 'bool' ? String(v.value) : undefined;
    if (text !== undefined) (out ??= {})[kv.key] = text;
  }
  return out;
}

/**
 * A span as service-graph pairing sees it, or undefined for kinds that make no edge (internal, unspecified). Times
 * are the duration from 0, so they fit a number exactly; `epochMs` (its start) places the edge in its minute.
 */
export function graphSpan(span: Span, service: string, durationNanos: number, epochMs: number, position: number): GraphSpan | undefined {
  if (span.kind !== SpanKind.CLIENT && span.kind !== SpanKind.SERVER && span.kind !== SpanKind.PRODUCER && span.kind !== SpanKind.CONSUMER) {
    return undefined;
  }
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    kind: span.kind,
    service,
    start: 0,
    end: durationNanos,
    error: span.status.code === StatusCode.ERROR,
    epochMs,
    position,
    // Pairing reads attributes of client spans (databases, peers) and of root server spans (a peer naming the
    // virtual client); a non-root server span that finds no client is dropped, so its attributes are never read.
    attributes: span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER || span.parentSpanId === null ? pick(span.attributes) : undefined,
    resourceAttributes: resourcePick(span.resource.attributes),
  };
}

/** A resource is shared by all its spans: what it says for the graph is worked out once. */
const resourcePicks = new WeakMap<Attributes, Record<string, string> | null>();
function resourcePick(attrs: Attributes): Record<string, string> | undefined {
  let r = resourcePicks.get(attrs);
  if (r === undefined) {
    r = pick(attrs) ?? null;
    resourcePicks.set(attrs, r);
  }
  return r ?? undefined;
}
