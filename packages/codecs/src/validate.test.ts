import type { Span, SpanId, TraceId } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from './otlp-json/decode.js';
import { encodeOtlpJson } from './otlp-json/encode.js';
import { decodeOtlpProto } from './otlp-proto/decode.js';
import { encodeOtlpProto } from './otlp-proto/encode.js';
import { SPAN, TRACE, sampleSpans } from './testing/sample-spans.js';

// The encoders write whatever hex they are given, which lets these tests send ids of the wrong length.
const good = sampleSpans()[0]![1];
const withIds = (over: Partial<Span>): Span => ({ ...good, ...over });
const badLink = (traceId: string, spanId: string): Span =>
  withIds({ links: [{ traceId: traceId as TraceId, spanId: spanId as SpanId, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }] });

const viaProto = (spans: Span[]) => decodeOtlpProto(encodeOtlpProto(spans));
const viaJson = (spans: Span[]) => decodeOtlpJson(JSON.stringify(encodeOtlpJson(spans)));

describe.each([
  ['protobuf', viaProto],
  ['JSON', viaJson],
])('%s: spans with unusable ids are rejected (partial success), not thrown', (_, decode) => {
  it.each<[string, Span, string]>([
    ['a 15-byte trace_id', withIds({ traceId: TRACE.slice(2) as TraceId }), 'an invalid trace_id (must be 16 bytes, not all zero)'],
    ['an all-zero trace_id', withIds({ traceId: '0'.repeat(32) as TraceId }), 'an invalid trace_id (must be 16 bytes, not all zero)'],
    ['an empty trace_id', withIds({ traceId: '' as TraceId }), 'an invalid trace_id (must be 16 bytes, not all zero)'],
    ['a 9-byte span_id', withIds({ spanId: `${SPAN}00` as SpanId }), 'an invalid span_id (must be 8 bytes, not all zero)'],
    ['an all-zero span_id', withIds({ spanId: '0'.repeat(16) as SpanId }), 'an invalid span_id (must be 8 bytes, not all zero)'],
    ['a 4-byte parent_span_id', withIds({ parentSpanId: 'abcdef01' as SpanId }), 'an invalid parent_span_id (must be empty or 8 bytes)'],
    ['a link with a short trace_id', badLink('ab', SPAN), 'a link with an invalid trace_id (must be 16 bytes)'],
    ['a link with a 9-byte span_id', badLink(TRACE, `${SPAN}00`), 'a link with an invalid span_id (must be 8 bytes)'],
  ])('%s', (_, bad, problem) => {
    const named = { ...bad, name: 'GET /x' };
    const result = decode([good, named, bad]);
    expect(result.spans).toEqual([good]);
    expect(result.rejected).toBe(2);
    expect(result.rejectMessage).toBe(`2 spans rejected: span 'GET /x' has ${problem}`);
  });

  it('counts the spans refused for the first reason when others were refused for other reasons', () => {
    const badTrace = withIds({ traceId: '0'.repeat(32) as TraceId, name: 'POST' });
    const badSpan = withIds({ spanId: '' as SpanId, name: 'GET /y' });
    const result = decode([good, badTrace, badSpan, good, badTrace]);
    expect(result.spans).toEqual([good, good]);
    expect(result.rejected).toBe(3);
    expect(result.rejectMessage).toBe("3 spans rejected: span 'POST' has an invalid trace_id (must be 16 bytes, not all zero); 2 for this reason, 1 for others");
  });

  it('says "1 span" for one, and nothing when all are fine', () => {
    expect(decode([withIds({ spanId: '' as SpanId })]).rejectMessage).toMatch(/^1 span rejected: span 'op' has an invalid span_id/);
    expect(decode([good])).toMatchObject({ rejected: 0, rejectMessage: '' });
  });

  it('keeps a link to an empty span context (all-zero ids), as SDKs record one that carries attributes or a trace state', () => {
    const link = { traceId: '0'.repeat(32) as TraceId, spanId: '0'.repeat(16) as SpanId, traceState: 'vendor=x', attributes: [{ key: 'reason', value: { type: 'string' as const, value: 'batch' } }], droppedAttributesCount: 0, flags: 0 };
    const linked = withIds({ links: [link, { ...link, traceState: '', traceId: TRACE }] });
    expect(decode([good, linked])).toEqual({ spans: [good, linked], rejected: 0, rejectMessage: '' });
  });

  it('an 8-zero-byte parent_span_id means no parent', () => {
    const { spans } = decode([withIds({ parentSpanId: '0'.repeat(16) as SpanId })]);
    expect(spans[0]!.parentSpanId).toBeNull();
  });
});
