import type { Context, SpanContext, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { TraceFlags, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { RANDOM_TRACE_ID_FLAG } from './random-trace-id.js';
import { W3CTraceState } from './tracestate.js';

/** The flags Trace Context defines; of any other bit the spec says "Vendors MUST set those to zero". */
const KNOWN_FLAGS = TraceFlags.SAMPLED | RANDOM_TRACE_ID_FLAG;

/** `context` with its span context changed by `change`: what one injector is given to write. */
export function withSpanContextChanged(context: Context, change: (spanContext: SpanContext) => Partial<SpanContext>): Context {
  const spanContext = trace.getSpanContext(context);
  return spanContext ? trace.setSpanContext(context, { ...spanContext, ...change(spanContext) }) : context;
}

/**
 * W3C `traceparent`/`tracestate`, parsed by OpenTelemetry's propagator with these corrections: the random-trace-id
 * flag (Level 2) is kept and unknown flags are zeroed; `tracestate` follows the current key grammar and a malformed
 * one is discarded whole; an empty `tracestate` header is never sent.
 */
export class W3CTraceContext implements TextMapPropagator {
  private readonly upstream = new W3CTraceContextPropagator();

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const written = withSpanContextChanged(context, ({ traceFlags, traceState }) => ({
      traceFlags: traceFlags & KNOWN_FLAGS,
      traceState: traceState?.serialize() ? traceState : undefined,
    }));
    this.upstream.inject(written, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const found = trace.getSpanContext(this.upstream.extract(context, carrier, getter));
    if (!found || found === trace.getSpanContext(context)) return context;
    const header = getter.get(carrier, 'tracestate');
    const traceState = header === undefined ? undefined : W3CTraceState.parse(Array.isArray(header) ? header.join(',') : header);
    return trace.setSpanContext(context, { ...found, traceFlags: found.traceFlags & KNOWN_FLAGS, traceState });
  }

  fields(): string[] {
    return this.upstream.fields();
  }
}
