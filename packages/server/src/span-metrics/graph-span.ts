import type { GraphAttributeValues, GraphSpan } from '@clew/analysis';
import { graphAttributeSlots } from '@clew/analysis';
import type { Attributes, Span } from '@clew/model';
import { SpanKind, StatusCode } from '@clew/model';

/** The attributes service-graph pairing (with its default options, as the consumer's pairers have) reads, by slot. */
const SLOTS = graphAttributeSlots();
/** 1 at the char codes those names start with: most keys are passed over without a hash lookup. */
const FIRST_CHARS = new Uint8Array(128);
for (const name of SLOTS.keys()) FIRST_CHARS[name.charCodeAt(0) & 127] = 1;

/**
 * The attribute values pairing reads of the span being paired, written anew for each span: pairing reads a span
 * during its call only, so one array serves every span (a client span's attributes made an object each, a third of
 * what counting allocated).
 */
const SPAN_VALUES = new Array<string | undefined>(SLOTS.size).fill(undefined);

/**
 * The attribute values pairing reads, in SPAN_VALUES (undefined where absent): valid until the next call.
 * Undefined when there are none.
 */
function pickIntoScratch(attrs: Attributes): GraphAttributeValues | undefined {
  // A plain loop: Array.prototype.fill's call cost a fifth of picking a client span's values.
  for (let i = 0; i < SPAN_VALUES.length; i++) SPAN_VALUES[i] = undefined;
  let found = false;
  // Indexed, not for…of, as in the store's encoding (writeAttributes): the iterator costs V8's inlining budget.
  for (let i = 0; i < attrs.length; i++) {
    const kv = attrs[i]!;
    if (FIRST_CHARS[kv.key.charCodeAt(0) & 127] !== 1) continue;
    const slot = SLOTS.get(kv.key);
    if (slot === undefined) continue;
    const v = kv.value;
    const text = v.type === 'string' ? v.value : v.type === 'int' ? v.value.toString() : v.type === 'double' || v.type === 'bool' ? String(v.value) : undefined;
    if (text === undefined) continue;
    SPAN_VALUES[slot] = text;
    found = true;
  }
  return found ? SPAN_VALUES : undefined;
}

/**
 * The attribute values of a resource (or any attributes to keep) that service-graph pairing reads, in an array of
 * their own; undefined when there are none.
 */
export function pickGraphAttributes(attrs: Attributes): GraphAttributeValues | undefined {
  const picked = pickIntoScratch(attrs);
  return picked === undefined ? undefined : [...picked];
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
  attributeValues: undefined,
  resourceValues: undefined,
});

/**
 * Fills `out` with a span as service-graph pairing sees it; false for kinds that make no edge (internal,
 * unspecified). Times are the duration from 0, so they fit a number exactly; `epochMs` (its start's minute) places
 * the edge in its minute. `resourceValues` are pickGraphAttributes of the span's resource, worked out once per
 * resource by the caller.
 */
export function toGraphSpan(
  out: ScratchGraphSpan,
  span: Span,
  service: string,
  resourceValues: GraphAttributeValues | undefined,
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
  out.attributeValues = kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER || span.parentSpanId === null ? pickIntoScratch(span.attributes) : undefined;
  out.resourceValues = resourceValues;
  return true;
}
