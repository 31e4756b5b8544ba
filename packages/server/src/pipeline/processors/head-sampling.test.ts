import type { TraceId } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { headSamplingProcessor, parseThreshold, thresholdOf, thresholdText } from './head-sampling.js';

/** A trace id whose last 7 bytes (the randomness R) are `r`, 14 hex digits. */
const traceWith = (r: string) => ('0123456789' + '0'.repeat(8) + r) as TraceId;

describe('thresholds', () => {
  it.each<[number, string]>([
    [1, '0'],
    [0.5, '8'],
    [0.25, 'c'],
    [0.75, '4'],
    [0.125, 'e'],
    [2 ** -56, 'ffffffffffffff'],
  ])('probability %s is th:%s', (p, th) => {
    expect(thresholdText(thresholdOf(p))).toBe(th);
    expect(parseThreshold(th)).toBe(thresholdOf(p));
  });

  it.each(['', 'g', '123456789abcdef', 'ABC'])('refuses th %j', (th) => expect(parseThreshold(th)).toBeUndefined());
});

describe('headSamplingProcessor', () => {
  const half = headSamplingProcessor({ probability: 0.5 });

  it.each<[string, string, string, boolean, string]>([
    ['R at the threshold is kept', '80000000000000', '', true, 'ot=th:8'],
    ['R below it is dropped', '7fffffffffffff', '', false, ''],
    ['rv in tracestate wins over the trace id', '00000000000000', 'ot=rv:90000000000000', true, 'ot=rv:90000000000000;th:8'],
    ['a stricter upstream threshold is kept as it is', 'f0000000000000', 'ot=th:c', true, 'ot=th:c'],
    ['…and decides', 'a0000000000000', 'ot=th:c', false, ''],
    ['a looser upstream threshold is raised', '90000000000000', 'ot=th:4', true, 'ot=th:8'],
    ['other members stay, after ot', 'ffffffffffffff', 'vendor=1,ot=th:0', true, 'ot=th:8,vendor=1'],
  ])('%s', (_, r, traceState, kept, after) => {
    const out = half.process([makeSpan({ traceId: traceWith(r), traceState })]);
    expect(out.spans.length === 1).toBe(kept);
    if (kept) expect(out.spans[0]!.traceState).toBe(after);
    else expect([out.dropped, out.dropReason]).toEqual([1, 'sampled_out']);
  });

  it('decides every span of a trace alike, and keeps about its share of traces', () => {
    const spans = Array.from({ length: 4000 }, (_, i) => {
      // Deterministic, spread randomness: a multiplicative hash of i over 56 bits.
      const r = ((BigInt(i) * 0x9e3779b97f4a7cn) & ((1n << 56n) - 1n)).toString(16).padStart(14, '0');
      return [makeSpan({ traceId: traceWith(r) }), makeSpan({ traceId: traceWith(r) })];
    }).flat();
    const kept = headSamplingProcessor({ probability: 0.25 }).process(spans).spans;
    const perTrace = new Map<string, number>();
    for (const s of kept) perTrace.set(s.traceId, (perTrace.get(s.traceId) ?? 0) + 1);
    expect([...perTrace.values()].every((n) => n === 2)).toBe(true);
    expect(perTrace.size).toBeGreaterThan(900);
    expect(perTrace.size).toBeLessThan(1100);
  });

  it('keeps everything at probability 1, unchanged', () => {
    const spans = [makeSpan()];
    expect(headSamplingProcessor({ probability: 1 }).process(spans).spans).toBe(spans);
  });
});
