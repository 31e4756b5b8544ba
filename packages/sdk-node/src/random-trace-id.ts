import type { Context, Span, SpanContext, SpanOptions, Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import { context as contextApi, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * W3C Trace Context Level 2's random-trace-id flag: at least the right-most 7 bytes of the trace id were chosen at
 * random, so downstream systems may sample or shard by them.
 */
export const RANDOM_TRACE_ID_FLAG = 0x02;

/**
 * Sets the random-trace-id flag on a span just started, as Level 2 asks: on a trace id the SDK generated (its
 * RandomIdGenerator draws all 16 bytes at random), and on a continued trace whose parent carries the flag. A trace
 * id from elsewhere without it (B3, Jaeger, a traceparent without the flag) never gets it.
 *
 * The span context is changed in place because OpenTelemetry JS's Tracer builds it from the sampling decision alone
 * (sdk-trace Tracer.startSpan: SAMPLED or NONE) and offers no hook; each span owns that object, so the span's own
 * `spanContext()`, what exporters and log correlation read, and what is injected downstream all see the flag.
 */
function markRandomTraceId(span: Span, parent: SpanContext | undefined): void {
  const own = span.spanContext();
  // A suppressed span shares the API's INVALID_SPAN_CONTEXT, and a no-op tracer hands back the parent's own object.
  if (!isSpanContextValid(own) || own === parent) return;
  const continued = parent !== undefined && isSpanContextValid(parent) && parent.traceId === own.traceId;
  if (!continued || (parent.traceFlags & RANDOM_TRACE_ID_FLAG) !== 0) own.traceFlags |= RANDOM_TRACE_ID_FLAG;
}

class RandomTraceIdTracer implements Tracer {
  constructor(private readonly tracer: Tracer) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = contextApi.active()): Span {
    const span = this.tracer.startSpan(name, options, ctx);
    markRandomTraceId(span, options.root ? undefined : trace.getSpanContext(ctx));
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = args.length > 1 ? (args[0] as SpanOptions) : {};
    const ctx = args.length > 2 ? (args[1] as Context) : contextApi.active();
    const span = this.startSpan(name, options, ctx);
    return contextApi.with(trace.setSpan(ctx, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

/** What a tracer provider may offer beyond the API's interface (the SDK's has both). */
interface Flushable {
  forceFlush?(): Promise<void>;
  shutdown?(): Promise<void>;
}

/** `provider`, with every span it starts carrying the random-trace-id flag where Level 2 asks for it. */
export function withRandomTraceIds(provider: TracerProvider & Flushable): TracerProvider & Flushable {
  const tracers = new WeakMap<Tracer, Tracer>();
  return {
    getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
      const tracer = provider.getTracer(name, version, options);
      let wrapped = tracers.get(tracer);
      if (!wrapped) tracers.set(tracer, (wrapped = new RandomTraceIdTracer(tracer)));
      return wrapped;
    },
    // Code that flushes through the global provider (the aws-lambda instrumentation does) reaches the SDK's.
    forceFlush: () => provider.forceFlush?.() ?? Promise.resolve(),
    shutdown: () => provider.shutdown?.() ?? Promise.resolve(),
  };
}

/** The API's global provider: a proxy whose delegate is the provider `NodeSDK.start()` registered. */
interface ProxyProvider extends TracerProvider {
  getDelegate?(): TracerProvider;
  setDelegate?(delegate: TracerProvider): void;
}

/**
 * Puts {@link withRandomTraceIds} around the tracer provider the SDK has just registered. Call it right after
 * `NodeSDK.start()`, before any span starts: tracers handed out earlier are proxies that find their delegate on
 * first use, so instrumentations registered before the SDK started get the wrapped tracers too.
 */
export function markRandomTraceIds(): void {
  const global = trace.getTracerProvider() as ProxyProvider;
  if (typeof global.getDelegate !== 'function' || typeof global.setDelegate !== 'function') return;
  global.setDelegate(withRandomTraceIds(global.getDelegate()));
}
