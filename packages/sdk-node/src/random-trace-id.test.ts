import type { Span, SpanContext, Tracer } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import { AlwaysOffSampler, BasicTracerProvider, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RANDOM_TRACE_ID_FLAG, withRandomTraceIds } from './random-trace-id.js';

const tracer: Tracer = withRandomTraceIds(new BasicTracerProvider()).getTracer('test');
const remote = (traceFlags: number): SpanContext => ({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags, isRemote: true });
const under = (parent: SpanContext) => trace.setSpanContext(ROOT_CONTEXT, parent);

describe('the random-trace-id flag on the spans a tracer starts', () => {
  it.each<[string, () => Span, number]>([
    ['a new trace', () => tracer.startSpan('root', {}, ROOT_CONTEXT), TraceFlags.SAMPLED | RANDOM_TRACE_ID_FLAG],
    ['a new trace asked for with root, under a parent without the flag', () => tracer.startSpan('root', { root: true }, under(remote(1))), TraceFlags.SAMPLED | RANDOM_TRACE_ID_FLAG],
    ['a caller\'s trace with the flag', () => tracer.startSpan('child', {}, under(remote(3))), TraceFlags.SAMPLED | RANDOM_TRACE_ID_FLAG],
    ['a caller\'s trace with the flag, not sampled', () => tracer.startSpan('child', {}, under(remote(2))), RANDOM_TRACE_ID_FLAG],
    ['a caller\'s trace without the flag', () => tracer.startSpan('child', {}, under(remote(1))), TraceFlags.SAMPLED],
    ['the child of a local span of a new trace', () => tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, tracer.startSpan('root', {}, ROOT_CONTEXT))), TraceFlags.SAMPLED | RANDOM_TRACE_ID_FLAG],
    ['the child of a local span of a caller\'s trace without the flag', () => tracer.startSpan('c', {}, trace.setSpan(ROOT_CONTEXT, tracer.startSpan('p', {}, under(remote(1))))), TraceFlags.SAMPLED],
    ['startActiveSpan(name, fn)', () => tracer.startActiveSpan('root', (span) => span), TraceFlags.SAMPLED | RANDOM_TRACE_ID_FLAG],
    ['startActiveSpan(name, options, context, fn)', () => tracer.startActiveSpan('child', {}, under(remote(1)), (span) => span), TraceFlags.SAMPLED],
  ])('%s', (_case, start, flags) => {
    expect(start().spanContext().traceFlags).toBe(flags);
  });

  it('a span not sampled by a new trace\'s sampler still says its trace id is random', () => {
    const unsampled = withRandomTraceIds(new BasicTracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) })).getTracer('test');
    expect(unsampled.startSpan('root', {}, ROOT_CONTEXT).spanContext().traceFlags).toBe(RANDOM_TRACE_ID_FLAG);
  });

  describe('with a context manager', () => {
    beforeAll(() => void context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
    afterAll(() => context.disable());

    it('startActiveSpan makes the span active while fn runs and returns what fn returns', () => {
      const result = tracer.startActiveSpan('active', { attributes: { a: 1 } }, (span) => ({ active: trace.getActiveSpan() === span, flags: span.spanContext().traceFlags }));
      expect(result).toEqual({ active: true, flags: TraceFlags.SAMPLED | RANDOM_TRACE_ID_FLAG });
    });

    it('startActiveSpan(name, options, fn) starts under the active span', () => {
      const child = tracer.startActiveSpan('parent', (parent) => tracer.startActiveSpan('child', {}, (span) => span.spanContext().traceId === parent.spanContext().traceId));
      expect(child).toBe(true);
    });
  });

  it('leaves the shared invalid span context of suppressed tracing alone', () => {
    const span = tracer.startSpan('suppressed', {}, suppressTracing(ROOT_CONTEXT));
    expect(span.spanContext()).toBe(INVALID_SPAN_CONTEXT);
    expect(INVALID_SPAN_CONTEXT.traceFlags).toBe(TraceFlags.NONE);
  });
});
