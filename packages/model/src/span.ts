import type { Attributes } from './attributes.js';
import type { SpanId, TraceId } from './ids.js';
import type { UnixNanos } from './time.js';

/** OTLP span kinds, with their wire numbers. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP status codes, with their wire numbers. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

/** Lowercase names used by query APIs (Jaeger's `spanKind`, TraceQL's `kind`). */
export const SPAN_KIND_NAMES: Record<SpanKind, string> = {
  0: 'unspecified',
  1: 'internal',
  2: 'server',
  3: 'client',
  4: 'producer',
  5: 'consumer',
};

export interface EntityRef {
  readonly schemaUrl: string;
  readonly type: string;
  readonly idKeys: readonly string[];
  readonly descriptionKeys: readonly string[];
}

/** The entity that produced spans (OTLP Resource plus its ResourceSpans schema URL). Shared by reference. */
export interface Resource {
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly entityRefs: readonly EntityRef[];
  readonly schemaUrl: string;
}

/** The instrumentation library (OTLP InstrumentationScope plus its ScopeSpans schema URL). Shared by reference. */
export interface Scope {
  readonly name: string;
  readonly version: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly schemaUrl: string;
}

export interface SpanEvent {
  readonly timeUnixNano: UnixNanos;
  readonly name: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
}

export interface SpanLink {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  readonly traceState: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  /** OTLP Link.flags (fixed32): W3C trace flags in the low byte, is-remote bits above. */
  readonly flags: number;
}

export interface SpanStatus {
  readonly code: StatusCode;
  readonly message: string;
}

/**
 * One span, with everything OTLP can say about it. OTLP in, OTLP out gives back the same span field for field.
 * Timestamps are nanoseconds as bigint (see {@link UnixNanos}).
 */
export interface Span {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  /** null for a root span. */
  readonly parentSpanId: SpanId | null;
  readonly traceState: string;
  /** OTLP Span.flags (fixed32): W3C trace flags in the low byte, is-remote bits above. */
  readonly flags: number;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTimeUnixNano: UnixNanos;
  readonly endTimeUnixNano: UnixNanos;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly events: readonly SpanEvent[];
  readonly droppedEventsCount: number;
  readonly links: readonly SpanLink[];
  readonly droppedLinksCount: number;
  readonly status: SpanStatus;
  readonly resource: Resource;
  readonly scope: Scope;
}

/** The service a span belongs to: its resource's `service.name`, or OpenTelemetry's default when absent. */
export function serviceName(resource: Resource): string {
  for (const kv of resource.attributes) {
    if (kv.key === 'service.name' && kv.value.type === 'string') return kv.value.value;
  }
  return UNKNOWN_SERVICE;
}

export const UNKNOWN_SERVICE = 'unknown_service';

/** Span duration in nanoseconds (0 when the end is before the start). */
export function spanDuration(span: Span): bigint {
  const d = span.endTimeUnixNano - span.startTimeUnixNano;
  return d > 0n ? d : 0n;
}
