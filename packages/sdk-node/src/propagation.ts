import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { TraceFlags, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import { extractB3 } from './b3-sampling.js';
import type { PropagatorName } from './options.js';
import { W3CTraceContext, withSpanContextChanged } from './w3c-trace-context.js';

/**
 * Jaeger's `uber-trace-id`. Its flag 0x02 means debug, so only the sampled flag is written: W3C's random-trace-id
 * flag must not reach a Jaeger service as a debug request.
 */
class JaegerTraceContext implements TextMapPropagator {
  private readonly upstream = new JaegerPropagator();

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.upstream.inject(withSpanContextChanged(context, ({ traceFlags }) => ({ traceFlags: traceFlags & TraceFlags.SAMPLED })), carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.upstream.extract(context, carrier, getter);
  }

  fields(): string[] {
    return this.upstream.fields();
  }
}

const FACTORIES: Record<PropagatorName, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContext(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  jaeger: () => new JaegerTraceContext(),
};

/** What is injected when neither the `propagators` option nor `OTEL_PROPAGATORS` says otherwise. */
export const DEFAULT_INJECTED: readonly PropagatorName[] = ['tracecontext', 'baggage'];

/**
 * Headers whose hex ids are read in either case and re-emitted in lower case. B3 and Jaeger ids are lower-hex by
 * their specs, but OpenTelemetry's B3 multi-header and Jaeger parsers accept upper case and keep it (a trace id kept
 * in upper case goes out as an invalid `traceparent`), while its single-header parser ignores the header. (A
 * `traceparent` in upper case stays invalid, as W3C says.)
 */
const ID_HEADERS = new Set(['b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags', 'uber-trace-id']);

function lowerCasingIds(getter: TextMapGetter): TextMapGetter {
  return {
    keys: (carrier) => getter.keys(carrier),
    get: (carrier, key) => {
      const value = getter.get(carrier, key);
      if (!ID_HEADERS.has(key)) return value;
      return Array.isArray(value) ? value.map((v) => v.toLowerCase()) : value?.toLowerCase();
    },
  };
}

/** Reads every supported format from incoming requests and writes only the chosen formats into outgoing ones. */
export class ClewPropagator implements TextMapPropagator {
  private readonly w3c = new W3CTraceContext();
  private readonly b3 = new B3Propagator();
  private readonly jaeger = new JaegerTraceContext();
  private readonly baggage = new W3CBaggagePropagator();
  private readonly injectors: TextMapPropagator[];
  private readonly allFields: string[];

  constructor(injected: readonly PropagatorName[] = DEFAULT_INJECTED) {
    this.injectors = [...new Set(injected)].map((name) => FACTORIES[name]());
    // B3 is read in both encodings, so every format's headers are listed, not only the extractors' inject fields.
    this.allFields = [...new Set(Object.values(FACTORIES).flatMap((make) => make().fields()))];
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    for (const propagator of this.injectors) propagator.inject(context, carrier, setter);
  }

  /**
   * The trace context comes from one format: a valid W3C `traceparent`, else valid B3 headers, else a valid
   * `uber-trace-id`. A malformed `traceparent` is ignored (as W3C Trace Context requires), leaving a valid B3 or
   * Jaeger context from the same request in place. Each format reads the caller's context on its own, so nothing a
   * losing header carries (B3's debug flag, its sampling state) rides on the winner's trace. Baggage is the W3C
   * `baggage` header's, else Jaeger's `uberctx-*`.
   */
  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const ids = lowerCasingIds(getter);
    const jaeger = this.jaeger.extract(context, carrier, ids);
    const b3 = extractB3(this.b3, context, carrier, ids);
    const hasOwnTrace = (ctx: Context) => {
      const found = trace.getSpanContext(ctx);
      return found !== undefined && found !== trace.getSpanContext(context) && isSpanContextValid(found);
    };
    // B3 without valid ids may still carry a sampling decision for the new trace.
    const winner = [this.w3c.extract(context, carrier, getter), b3, jaeger].find(hasOwnTrace) ?? b3;
    const w3cBaggage = this.baggage.extract(context, carrier, getter);
    const baggage = propagation.getBaggage(w3cBaggage !== context ? w3cBaggage : jaeger);
    return baggage ? propagation.setBaggage(winner, baggage) : winner;
  }

  fields(): string[] {
    return this.allFields.slice();
  }
}

/**
 * Parses an `OTEL_PROPAGATORS`-style list. Returns `null` for `none` (no propagation at all), `undefined` when the
 * list is empty, and reports names it does not know through `warn`.
 */
export function parsePropagatorList(value: string | undefined, warn: (message: string) => void): PropagatorName[] | null | undefined {
  const names = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return undefined;
  if (names.includes('none')) return null;
  const known = names.filter((n): n is PropagatorName => Object.hasOwn(FACTORIES, n));
  for (const n of names) if (!Object.hasOwn(FACTORIES, n)) warn(`@clew/node: unknown propagator "${n}" in OTEL_PROPAGATORS (known: ${Object.keys(FACTORIES).join(', ')}, none)`);
  return known;
}
