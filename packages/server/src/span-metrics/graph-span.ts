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

/** Every name pairing reads, as undefined: the shape of SPAN_ATTRIBUTES. */
const NO_GRAPH_ATTRIBUTES: Readonly<Record<string, undefined>> = Object.fromEntries([...GRAPH_ATTRIBUTES].map((k) => [k, undefined]));
/**
 * The attributes pairing reads of the span being paired, written anew for each span: pairing reads a span during its
 * call only, so one object serves every span (a client span's attributes made an object each, a third of what
 * counting allocated).
 */
const SPAN_ATTRIBUTES: Record<string, string | undefined> = { ...NO_GRAPH_ATTRIBUTES };

/**
 * The attributes pairing reads, as text, in SPAN_ATTRIBUTES (every other name undefined, which reads as absent):
 * valid until the next call. Undefined when there are none.
 */
function pickIntoScratch(attrs: Attributes): Readonly<Record<string, string>> | undefined {
  Object.assign(SPAN_ATTRIBUTES, NO_GRAPH_ATTRIBUTES);
  let found = false;
  for (const kv of attrs) {
    // Every key pairing reads starts with d, m, n, p or s: most keys are passed over without a hash lookup.
    const c = kv.key.charCodeAt(0);
    if (c !== 100 && c !== 109 && c !== 110 && c !== 112 && c !== 115) continue;
    if (!GRAPH_ATTRIBUTES.has(kv.key)) continue;
    const v = kv.value;
    const text = v.type === 'string' ? v.value : v.type === 'int' ? v.value.toString() : v.type === 'double' || v.type === 'bool' ? String(v.value) : undefined;
    if (text === undefined) continue;
    SPAN_ATTRIBUTES[kv.key] = text;
    found = true;
  }
  return found ? (SPAN_ATTRIBUTES as Readonly<Record<string, string>>) : undefined;
}

/**
 * The attributes of a resource (or any attributes to keep) that service-graph pairing reads, as text, in an object
 * of their own; undefined when there are none.
 */
export function pickGraphAttributes(attrs: Attributes): Record<string, string> | undefined {
  const picked = pickIntoScratch(attrs);
  if (picked === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(picked) as Array<[string, string | undefined]>) if (v !== undefined) out[k] = v;
  return out;
}

/** A GraphSpan whose fields are written in place: pairing reads a span during the call only. */
export type ScratchGraphSpan = { -readonly [K in keyof GraphSpan]: GraphSpan[K] };

export const newScratchGraphSpan = (): ScratchGraphSpan => ({
  traceId: '',
  spanId: '',
  parentSpanId: null,
  kind: SpanKind.UNSPECIFIED,
  service: '',
  start: 0,
  end: 0,
  error: false,
  epochMs: 0,
  position: 0,
  attributes: undefined,
  resourceAttributes: undefined,
});

/**
 * Fills `out` with a span as service-graph pairing sees it; false for kinds that make no edge (internal,
 * unspecified). Times are the duration from 0, so they fit a number exactly; `epochMs` (its start's minute) places
 * the edge in its minute. `resourceAttributes` are pickGraphAttributes of the span's resource, worked out once per
 * resource by the caller.
 */
export function toGraphSpan(
  out: ScratchGraphSpan,
  span: Span,
  service: string,
  resourceAttributes: Readonly<Record<string, string>> | undefined,
  durationNanos: number,
  epochMs: number,
  position: number,
): boolean {
  const kind = span.kind;
  if (kind !== SpanKind.CLIENT && kind !== SpanKind.SERVER && kind !== SpanKind.PRODUCER && kind !== SpanKind.CONSUMER) return false;
  out.traceId = span.traceId;
  out.spanId = span.spanId;
  out.parentSpanId = span.parentSpanId;
  out.kind = kind;
  out.service = service;
  out.end = durationNanos;
  out.error = span.status.code === StatusCode.ERROR;
  out.epochMs = epochMs;
  out.position = position;
  // Pairing reads attributes of client spans (databases, peers) and of root server spans (a peer naming the
  // virtual client); a non-root server span that finds no client is dropped, so its attributes are never read.
  out.attributes = kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER || span.parentSpanId === null ? pickIntoScratch(span.attributes) : undefined;
  out.resourceAttributes = resourceAttributes;
  return true;
}
