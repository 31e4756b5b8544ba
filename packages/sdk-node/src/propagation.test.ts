import type { Context } from '@opentelemetry/api';
import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, defaultTextMapSetter, propagation, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { ClewPropagator, parsePropagatorList } from './propagation.js';

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
