import type { SpanId, TraceId } from './ids.js';
import type { Span, SpanKind, StatusCode } from './span.js';
import { serviceName } from './span.js';
import type { UnixNanos } from './time.js';

/**
 * What a timeline draws of a span: its place in the tree, its times, name, service, kind, status and event marks;
 * no attributes, links or resource beyond the service name. A store reads it without decoding the span's body.
 */
export interface SpanOutline {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  readonly parentSpanId: SpanId | null;
  readonly startTimeUnixNano: UnixNanos;
  readonly endTimeUnixNano: UnixNanos;
  readonly name: string;
  /** `service.name` of the span's resource (see serviceName). */
  readonly serviceName: string;
  readonly kind: SpanKind;
  readonly statusCode: StatusCode;
  readonly events: ReadonlyArray<{ readonly timeUnixNano: UnixNanos; readonly name: string }>;
}

/** The outline of a span read in full. */
export function spanOutline(s: Span): SpanOutline {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    name: s.name,
    serviceName: serviceName(s.resource),
    kind: s.kind,
    statusCode: s.status.code,
    events: s.events.map((e) => ({ timeUnixNano: e.timeUnixNano, name: e.name })),
  };
}

/** Orders spans as every trace answer lists them: by start time, then span id. */
export function compareSpanOrder(
  a: { readonly startTimeUnixNano: UnixNanos; readonly spanId: SpanId },
  b: { readonly startTimeUnixNano: UnixNanos; readonly spanId: SpanId },
): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}
