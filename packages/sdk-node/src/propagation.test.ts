import type { Context, Span } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, TraceFlags, defaultTextMapGetter, defaultTextMapSetter, propagation, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { AlwaysOnSampler, BasicTracerProvider, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { B3SamplingStates } from './b3-sampling.js';
import { ClewPropagator, parsePropagatorList } from './propagation.js';
import { withRandomTraceIds } from './random-trace-id.js';
import { samplerFromEnv } from './sampler.js';
import { INJECTED, PROPAGATION_CASES, resolved, startsTrace, traceHeaders } from './testing/propagation-cases.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';
const OTHER_T = 'a'.repeat(32);
const OTHER_S = 'b'.repeat(16);

function extract(headers: Record<string, string>): Context {
  return new ClewPropagator().extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

describe('ClewPropagator.extract: which context an incoming request continues', () => {
  it.each<[string, Record<string, string>, { traceId: string; spanId: string; traceFlags: number } | undefined]>([
    ['W3C', { traceparent: `00-${T}-${S}-01` }, { traceId: T, spanId: S, traceFlags: 1 }],
    ['B3 single', { b3: `${T}-${S}-1` }, { traceId: T, spanId: S, traceFlags: 1 }],
    ['B3 multi', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' }, { traceId: T, spanId: S, traceFlags: 1 }],
    ['Jaeger', { 'uber-trace-id': `${T}:${S}:0:1` }, { traceId: T, spanId: S, traceFlags: 1 }],
    ['W3C over B3 and Jaeger', { traceparent: `00-${T}-${S}-01`, b3: `${OTHER_T}-${OTHER_S}-1`, 'uber-trace-id': `${OTHER_T}:${OTHER_S}:0:1` }, { traceId: T, spanId: S, traceFlags: 1 }],
    ['B3 over Jaeger', { b3: `${T}-${S}-1`, 'uber-trace-id': `${OTHER_T}:${OTHER_S}:0:1` }, { traceId: T, spanId: S, traceFlags: 1 }],
    ['B3 beside a malformed traceparent', { traceparent: `ff-${OTHER_T}-${OTHER_S}-01`, b3: `${T}-${S}-0` }, { traceId: T, spanId: S, traceFlags: 0 }],
    ['Jaeger beside an uppercase traceparent', { traceparent: `00-${OTHER_T.toUpperCase()}-${OTHER_S}-01`, 'uber-trace-id': `${T}:${S}:0:1` }, { traceId: T, spanId: S, traceFlags: 1 }],
    ['a malformed traceparent alone', { traceparent: `00-${'0'.repeat(32)}-${S}-01` }, undefined],
    ['nothing', {}, undefined],
  ])('%s', (_case, headers, expected) => {
    const ctx = trace.getSpanContext(extract(headers));
    expect(ctx === undefined ? undefined : { traceId: ctx.traceId, spanId: ctx.spanId, traceFlags: ctx.traceFlags }).toEqual(expected);
    if (ctx) expect(ctx.isRemote).toBe(true);
  });

  it('reads W3C baggage, and Jaeger uberctx-* baggage when there is no baggage header', () => {
    const both = propagation.getBaggage(extract({ baggage: 'user=alice', 'uberctx-user': 'bob' }));
    expect(both?.getAllEntries().map(([k, v]) => [k, v.value])).toEqual([['user', 'alice']]);
    const jaeger = propagation.getBaggage(extract({ 'uberctx-user': 'bob' }));
    expect(jaeger?.getAllEntries().map(([k, v]) => [k, v.value])).toEqual([['user', 'bob']]);
  });
});

describe('ClewPropagator.inject: what an outgoing request carries', () => {
  const span = { traceId: T, spanId: S, traceFlags: TraceFlags.SAMPLED, traceState: new TraceState('clew=1') };
  const ctx = propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, span), propagation.createBaggage({ user: { value: 'alice' } }));

  it.each([
    ['the default', undefined, { traceparent: `00-${T}-${S}-01`, tracestate: 'clew=1', baggage: 'user=alice' }],
    ['b3', ['b3'] as const, { b3: `${T}-${S}-1` }],
    ['b3multi', ['b3multi'] as const, { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' }],
    ['jaeger', ['jaeger'] as const, { 'uber-trace-id': `${T}:${S}:0:01`, 'uberctx-user': 'alice' }],
    ['tracecontext and b3', ['tracecontext', 'b3'] as const, { traceparent: `00-${T}-${S}-01`, tracestate: 'clew=1', b3: `${T}-${S}-1` }],
    ['nothing', [] as const, {}],
  ])('%s', (_case, injected, expected) => {
    const carrier: Record<string, string> = {};
    new ClewPropagator(injected ? [...injected] : undefined).inject(ctx, carrier, defaultTextMapSetter);
    expect(carrier).toEqual(expected);
  });

  it('lists the headers of every format it reads or writes', () => {
    expect(new ClewPropagator().fields()).toEqual(expect.arrayContaining(['traceparent', 'tracestate', 'baggage', 'b3', 'x-b3-traceid', 'uber-trace-id']));
  });
});

/**
 * A service as @clew/node sets it up, reduced to one request: extract the incoming headers, start the server span
 * (B3's sampling states before `sampler`, the random-trace-id flag on the tracer), inject its context downstream.
 */
function serve(incoming: Record<string, string>, sampler: Sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() })): { span: Span; outgoing: Record<string, string> } {
  const tracer = withRandomTraceIds(new BasicTracerProvider({ sampler: new B3SamplingStates(sampler) })).getTracer('test');
  const propagator = new ClewPropagator([...INJECTED]);
  const parent = propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter);
  const span = tracer.startSpan('GET /', { kind: SpanKind.SERVER }, parent);
  const outgoing: Record<string, string> = {};
  propagator.inject(trace.setSpan(parent, span), outgoing, defaultTextMapSetter);
  span.end();
  return { span, outgoing };
}

describe('what a service sends downstream, and whether it samples (the propagation cases)', () => {
  it.each(PROPAGATION_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { span, outgoing } = serve(c.incoming);
    const ids = span.spanContext();
    expect(traceHeaders(outgoing)).toEqual(resolved(c.outgoing, ids));
    expect(ids.traceFlags & TraceFlags.SAMPLED).toBe(c.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE);
    const sentIn = Object.values(c.incoming).join(' ').toLowerCase();
    expect(sentIn).not.toContain(ids.spanId);
    if (startsTrace(c)) expect(sentIn).not.toContain(ids.traceId);
  });
});

describe('B3 sampling states before the local sampler', () => {
  const T = '4bf92f3577b34da6a3ce929d0e0e4736';
  const S = '00f067aa0ba902b7';
  it.each<[string, Record<string, string>, boolean]>([
    // Ids without a decision: the local sampler decides, here against.
    ['parentbased_always_off', { b3: `${T}-${S}` }, false],
    ['parentbased_always_off', { 'x-b3-traceid': T, 'x-b3-spanid': S }, false],
    // A decision without ids is followed as a caller's decision.
    ['parentbased_always_off', { b3: '1' }, true],
    ['parentbased_always_off', { b3: 'd' }, true],
    ['parentbased_always_off', { 'x-b3-flags': '1' }, true],
    ['parentbased_always_off', { 'x-b3-sampled': 'true' }, true],
    ['parentbased_always_on', { 'x-b3-sampled': 'false' }, false],
    ['parentbased_always_off', {}, false],
    ['parentbased_always_off', { b3: `${T}-${S}-1` }, true],
    // always_on follows no caller: neither a B3 deny without ids nor a traceparent's unsampled flag.
    ['always_on', { b3: '0' }, true],
    ['always_on', { traceparent: `00-${T}-${S}-00` }, true],
  ])('%s with %j samples: %s', (name, incoming, sampled) => {
    const { span } = serve(incoming, samplerFromEnv({ OTEL_TRACES_SAMPLER: name }, 'test'));
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(sampled ? TraceFlags.SAMPLED : TraceFlags.NONE);
  });
});

describe('parsePropagatorList', () => {
  it.each([
    [undefined, undefined, []],
    ['', undefined, []],
    ['tracecontext,baggage', ['tracecontext', 'baggage'], []],
    [' b3 , jaeger ', ['b3', 'jaeger'], []],
    ['tracecontext,none', null, []],
    ['xray,b3multi', ['b3multi'], ['xray']],
    ['toString', [], ['toString']],
  ])('%j', (value, expected, unknown) => {
    const warnings: string[] = [];
    expect(parsePropagatorList(value, (m) => warnings.push(m))).toEqual(expected);
    expect(warnings.length).toBe(unknown.length);
    for (const [i, name] of unknown.entries()) expect(warnings[i]).toContain(`"${name}"`);
  });
});
