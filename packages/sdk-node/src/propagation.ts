import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import type { PropagatorName } from './options.js';

const FACTORIES: Record<PropagatorName, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  jaeger: () => new JaegerPropagator(),
};

/** What is injected when neither the `propagators` option nor `OTEL_PROPAGATORS` says otherwise. */
export const DEFAULT_INJECTED: readonly PropagatorName[] = ['tracecontext', 'baggage'];

/**
 * The order incoming headers are read in. Each extractor that finds a valid context replaces what the ones before
 * it found, so the last valid one wins: a valid W3C `traceparent` beats B3 and Jaeger headers, and a malformed
 * `traceparent` is ignored (as W3C Trace Context requires), leaving a valid B3 or Jaeger context from the same
 * request in place. Baggage from `uberctx-*` is replaced by a W3C `baggage` header when both arrive.
 */
const EXTRACTION_ORDER: readonly PropagatorName[] = ['jaeger', 'b3', 'tracecontext', 'baggage'];

/** Reads every supported format from incoming requests and writes only the chosen formats into outgoing ones. */
export class ClewPropagator implements TextMapPropagator {
  private readonly extractors: TextMapPropagator[];
  private readonly injectors: TextMapPropagator[];
  private readonly allFields: string[];

  constructor(injected: readonly PropagatorName[] = DEFAULT_INJECTED) {
    this.extractors = EXTRACTION_ORDER.map((name) => FACTORIES[name]());
    this.injectors = [...new Set(injected)].map((name) => FACTORIES[name]());
    // B3 is read in both encodings, so every format's headers are listed, not only the extractors' inject fields.
    this.allFields = [...new Set(Object.values(FACTORIES).flatMap((make) => make().fields()))];
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    for (const propagator of this.injectors) propagator.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.extractors.reduce((ctx, propagator) => propagator.extract(ctx, carrier, getter), context);
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
