import type { Span, TraceId } from '@clew/model';
import { str } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { limitsProcessor } from './limits.js';

const attrs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: str(`v${i}`) }));
const event = (n: number) => ({ timeUnixNano: 1n as Span['startTimeUnixNano'], name: 'e', attributes: attrs(n), droppedAttributesCount: 0 });

describe('limitsProcessor', () => {
  it('keeps the first attributes and counts the rest as dropped, as OTLP records it', () => {
    const [out] = limitsProcessor({ maxAttributes: 2 }).process([makeSpan({ attributes: attrs(5), droppedAttributesCount: 1 })]).spans;
    expect(out!.attributes.map((a) => a.key)).toEqual(['k0', 'k1']);
    expect(out!.droppedAttributesCount).toBe(4);
  });

  it('cuts long strings, nested ones too', () => {
    const span = makeSpan({ attributes: [{ key: 'q', value: str('SELECT * FROM t') }, { key: 'l', value: { type: 'array', value: [str('abcdefgh')] } }] });
    const [out] = limitsProcessor({ maxAttributeValueLength: 6 }).process([span]).spans;
    expect(out!.attributes).toEqual([
      { key: 'q', value: str('SELECT') },
      { key: 'l', value: { type: 'array', value: [str('abcdef')] } },
    ]);
  });

  it('limits events and their attributes', () => {
    const [out] = limitsProcessor({ maxEvents: 1, maxAttributes: 1 }).process([makeSpan({ events: [event(3), event(1)] })]).spans;
    expect(out!.events).toHaveLength(1);
    expect(out!.events[0]!.attributes).toHaveLength(1);
    expect(out!.events[0]!.droppedAttributesCount).toBe(2);
    expect(out!.droppedEventsCount).toBe(1);
  });

  it('drops the spans of a trace past its limit, across batches', () => {
    const traceId = 'a0000000000000000000000000000001' as TraceId;
    const other = 'a0000000000000000000000000000002' as TraceId;
    const p = limitsProcessor({ maxSpansPerTrace: 3 });
    const first = p.process([makeSpan({ traceId }), makeSpan({ traceId }), makeSpan({ traceId: other })]);
    expect([first.spans.length, first.dropped]).toEqual([3, 0]);
    const second = p.process([makeSpan({ traceId }), makeSpan({ traceId }), makeSpan({ traceId: other })]);
    expect([second.spans.map((s) => s.traceId), second.dropped, second.dropReason]).toEqual([[traceId, other], 1, 'trace_too_large']);
  });

  it('forgets the oldest traces past its memory', () => {
    const ids = ['b1', 'b2', 'b3'].map((x) => x.padEnd(32, '0') as TraceId);
    const p = limitsProcessor({ maxSpansPerTrace: 1, traceMemory: 2 });
    p.process(ids.map((traceId) => makeSpan({ traceId }))); // b1 is forgotten when b3 arrives
    // b2 is still at its limit; b1, forgotten, counts afresh.
    expect(p.process([ids[1]!, ids[0]!].map((traceId) => makeSpan({ traceId }))).spans.map((s) => s.traceId)).toEqual([ids[0]]);
  });

  it('gives back the same batch when everything is within limits', () => {
    const spans = [makeSpan({ attributes: attrs(2) })];
    expect(limitsProcessor({ maxAttributes: 2, maxAttributeValueLength: 10, maxSpansPerTrace: 5 }).process(spans).spans).toBe(spans);
  });
});
