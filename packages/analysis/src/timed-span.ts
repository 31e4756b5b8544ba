import type { Span, SpanOutline } from '@clew/model';
import { serviceName, StatusCode } from '@clew/model';

/**
 * What the analysis functions need of a span. Times are **nanoseconds from the trace's earliest start**, as plain
 * numbers: exact for any trace shorter than 2^53 ns (104 days), and an order of magnitude faster than bigint
 * arithmetic over 50,000 spans. Every function takes an array of these and answers by index into it, so results
 * line up with whatever array the caller built them from (the API trace's `spans`, for the UI).
 */
export interface TimedSpan {
  readonly spanId: string;
  /** null for a root; may name a span that is not in the trace (an orphan). */
  readonly parentSpanId: string | null;
  readonly start: number;
  readonly end: number;
  readonly service: string;
  readonly name: string;
  readonly error: boolean;
}

/** The least a JSON trace must carry to be analysed: the native API's ApiTrace fits (without importing it). */
export interface TraceJsonLike {
  readonly resources: readonly { readonly serviceName: string }[];
  readonly spans: readonly {
    readonly spanId: string;
    readonly parentSpanId: string | null;
    readonly name: string;
    readonly startTimeUnixNano: string;
    readonly endTimeUnixNano: string;
    readonly status: { readonly code: string };
    readonly resource: number;
  }[];
}

/** The spans of a native API trace (`GET /api/clew/v1/traces/:id`), in the same order. Linear. */
export function timedSpansFromApi(trace: TraceJsonLike): TimedSpan[] {
  const starts = trace.spans.map((s) => BigInt(s.startTimeUnixNano));
  const t0 = minOf(starts);
  return trace.spans.map((s, i) => ({
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    start: Number(starts[i]! - t0),
    end: Number(BigInt(s.endTimeUnixNano) - t0),
    service: trace.resources[s.resource]?.serviceName ?? '',
    name: s.name,
    error: s.status.code === 'error',
  }));
}

/** Model spans (as the Store gives them), in the same order. Linear. */
export function timedSpansFromModel(spans: readonly Span[]): TimedSpan[] {
  const t0 = minOf(spans.map((s) => s.startTimeUnixNano));
  return spans.map((s) => ({
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    start: Number(s.startTimeUnixNano - t0),
    end: Number(s.endTimeUnixNano - t0),
    service: serviceName(s.resource),
    name: s.name,
    error: s.status.code === StatusCode.ERROR,
  }));
}

function minOf(values: readonly bigint[]): bigint {
  let min = values[0] ?? 0n;
  for (const v of values) if (v < min) min = v;
  return min;
}

/** A span's duration; 0 when its end is before its start (clock skew, bad instrumentation). */
export const durationOf = (s: TimedSpan): number => Math.max(0, s.end - s.start);

/** Timed spans from span outlines (what a store reads without attributes), times from the earliest start. */
export function timedSpansFromOutline(spans: readonly SpanOutline[]): TimedSpan[] {
  const t0 = minOf(spans.map((s) => s.startTimeUnixNano));
  return spans.map((s) => ({
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    start: Number(s.startTimeUnixNano - t0),
    end: Number(s.endTimeUnixNano - t0),
    service: s.serviceName,
    name: s.name,
    error: s.statusCode === StatusCode.ERROR,
  }));
}
