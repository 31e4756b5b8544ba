import type { Attributes, Context, Link, SpanContext, SpanKind, TextMapGetter, TextMapPropagator } from '@opentelemetry/api';
import { TraceFlags, createContextKey, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base';

// B3 has two sampling states a span context cannot hold (https://github.com/openzipkin/b3-propagation#sampling-state):
// a decision sent without ids (`b3: 0`, `X-B3-Sampled: 0`, and likewise accept and debug), and ids sent without a
// decision ("Defer": the receiver decides). OpenTelemetry JS's B3 propagator reads the first as nothing at all (a new,
// sampled trace) and the second as a deny. Clew notes both in the context and lets the sampler act on them.

/** The caller's decision for a trace it sent no ids for: true to sample, false not to. */
const DECISION_WITHOUT_IDS = createContextKey('@clew/node B3 sampling decision without ids');
/** The remote span context whose B3 headers carried ids but no decision. */
const DEFERRED = createContextKey('@clew/node B3 deferred sampling decision');

/** A header's first value, trimmed and lower-cased. */
const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();

/** What the B3 headers of a request say about sampling, whichever encoding they use (the single header first). */
function b3Sampling(carrier: unknown, getter: TextMapGetter): { ids: boolean; decision: boolean | undefined } {
  const single = first(getter.get(carrier, 'b3'));
  if (single) {
    const fields = single.split('-');
    const state = fields.length === 1 ? fields[0] : fields[2];
    return { ids: fields.length > 1, decision: state === '0' ? false : state === '1' || state === 'd' ? true : undefined };
  }
  const ids = getter.get(carrier, 'x-b3-traceid') !== undefined || getter.get(carrier, 'x-b3-spanid') !== undefined;
  const sampled = first(getter.get(carrier, 'x-b3-sampled'));
  // Debug (`X-B3-Flags: 1`) implies accept; `true`/`false` are the lenient spellings the spec allows.
  if (first(getter.get(carrier, 'x-b3-flags')) === '1' || sampled === '1' || sampled === 'true') return { ids, decision: true };
  return { ids, decision: sampled === '0' || sampled === 'false' ? false : undefined };
}

/**
 * Extracts with OpenTelemetry's B3 `propagator`, then notes what the span context cannot say: a decision that came
 * without ids, or ids that came without a decision.
 */
export function extractB3(propagator: TextMapPropagator, context: Context, carrier: unknown, getter: TextMapGetter): Context {
  const found = propagator.extract(context, carrier, getter);
  const { ids, decision } = b3Sampling(carrier, getter);
  const spanContext = trace.getSpanContext(found);
  if (spanContext && spanContext !== trace.getSpanContext(context) && isSpanContextValid(spanContext)) {
    return decision === undefined ? found.setValue(DEFERRED, spanContext) : found;
  }
  return !ids && decision !== undefined ? context.setValue(DECISION_WITHOUT_IDS, decision) : context;
}

/**
 * Puts the B3 sampling states before `sampler` in the form it already understands. Deferred ids: the sampler decides
 * as for a new trace (its root strategy), on the caller's trace id. A decision without ids: the sampler sees it as
 * the decision of a remote parent, so a parent-based sampler follows it as it follows a `traceparent`'s sampled flag
 * (and `always_on`, which ignores callers, ignores it too).
 */
export class B3SamplingStates implements Sampler {
  constructor(private readonly sampler: Sampler) {}

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    return this.sampler.shouldSample(asSamplerSees(context, traceId), traceId, name, kind, attributes, links);
  }

  toString(): string {
    return `B3SamplingStates{${this.sampler.toString()}}`;
  }
}

/** A span id for the stand-in caller of a decision without ids; samplers see only its presence and its flags. */
const CALLER_WITHOUT_IDS = 'ffffffffffffffff';

function asSamplerSees(context: Context, traceId: string): Context {
  const parent = trace.getSpanContext(context);
  if (parent && isSpanContextValid(parent)) {
    const deferred = context.getValue(DEFERRED) as SpanContext | undefined;
    const isDeferred = deferred !== undefined && deferred.traceId === parent.traceId && deferred.spanId === parent.spanId;
    return isDeferred ? trace.deleteSpan(context) : context;
  }
  const decision = context.getValue(DECISION_WITHOUT_IDS);
  if (typeof decision !== 'boolean') return context;
  const traceFlags = decision ? TraceFlags.SAMPLED : TraceFlags.NONE;
  return trace.setSpanContext(context, { traceId, spanId: CALLER_WITHOUT_IDS, traceFlags, isRemote: true });
}
