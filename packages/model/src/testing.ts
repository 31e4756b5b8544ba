import type { Attributes } from './attributes.js';
import { str } from './attributes.js';
import type { SpanId, TraceId } from './ids.js';
import type { Resource, Scope, Span } from './span.js';
import { SpanKind, StatusCode } from './span.js';
import type { UnixNanos } from './time.js';

let counter = 1;

/**
 * A fresh, unique trace id (deterministic within one process, for tests): `a`, then the counter in hex, zero-padded.
 * The padding is a digit the counter's own hex never starts with, so no two ids meet (padding with `a` made the
 * 39th id, …a27, equal the 2,599th, …a27).
 */
export function makeTraceId(): TraceId {
  return ('a' + (counter++).toString(16).padStart(31, '0')) as TraceId;
}

/** A fresh, unique span id (deterministic within one process, for tests): `b`, then the counter, zero-padded. */
export function makeSpanId(): SpanId {
  return ('b' + (counter++).toString(16).padStart(15, '0')) as SpanId;
}

export function makeResource(service: string, attributes: Attributes = []): Resource {
  return {
    attributes: [{ key: 'service.name', value: str(service) }, ...attributes],
    droppedAttributesCount: 0,
    entityRefs: [],
    schemaUrl: '',
  };
}

export const TEST_SCOPE: Scope = { name: 'clew-test', version: '1.0.0', attributes: [], droppedAttributesCount: 0, schemaUrl: '' };

/**
 * A span with sensible defaults; override what the test is about.
 * @example makeSpan({ traceId, name: 'GET /cart', resource: makeResource('cart'), startTimeUnixNano: t, endTimeUnixNano: t + 5_000_000n })
 */
export function makeSpan(over: Partial<Span> = {}): Span {
  const start = over.startTimeUnixNano ?? (1_700_000_000_000_000_000n as UnixNanos);
  return {
    traceId: makeTraceId(),
    spanId: makeSpanId(),
    parentSpanId: null,
    traceState: '',
    flags: 1,
    name: 'op',
    kind: SpanKind.INTERNAL,
    startTimeUnixNano: start,
    endTimeUnixNano: (start + 1_000_000n) as UnixNanos,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.UNSET, message: '' },
    resource: makeResource('test-service'),
    scope: TEST_SCOPE,
    ...over,
  };
}

export interface TreeNode {
  service: string;
  name: string;
  /** offset from the trace start and duration, in milliseconds */
  at: number;
  ms: number;
  kind?: SpanKind;
  attributes?: Attributes;
  error?: boolean;
  children?: TreeNode[];
}

/**
 * Builds a whole trace from a nested description, so a test reads like the trace it draws.
 * @example makeTrace(t0, { service: 'frontend', name: 'GET /', at: 0, ms: 10, children: [{ service: 'cart', name: 'get', at: 1, ms: 5 }] })
 */
export function makeTrace(start: UnixNanos, root: TreeNode, traceId: TraceId = makeTraceId()): Span[] {
  const spans: Span[] = [];
  const resources = new Map<string, Resource>();
  const walk = (node: TreeNode, parent: SpanId | null): void => {
    let resource = resources.get(node.service);
    if (!resource) resources.set(node.service, (resource = makeResource(node.service)));
    const s = (start + BigInt(Math.round(node.at * 1e6))) as UnixNanos;
    const span = makeSpan({
      traceId,
      parentSpanId: parent,
      name: node.name,
      kind: node.kind ?? (parent ? SpanKind.INTERNAL : SpanKind.SERVER),
      startTimeUnixNano: s,
      endTimeUnixNano: (s + BigInt(Math.round(node.ms * 1e6))) as UnixNanos,
      attributes: node.attributes ?? [],
      status: node.error ? { code: StatusCode.ERROR, message: 'failed' } : { code: StatusCode.UNSET, message: '' },
      resource,
    });
    spans.push(span);
    for (const c of node.children ?? []) walk(c, span.spanId);
  };
  walk(root, null);
  return spans;
}
