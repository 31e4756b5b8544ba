import { describe, expect, it } from 'vitest';
import { isSpanId, isTraceId } from './ids.js';
import { makeSpanId, makeTraceId } from './testing.js';

describe('test ids', () => {
  it('never repeat, however many a test makes', () => {
    const traces = Array.from({ length: 70_000 }, makeTraceId);
    const spans = Array.from({ length: 70_000 }, makeSpanId);
    expect(new Set(traces).size).toBe(traces.length);
    expect(new Set(spans).size).toBe(spans.length);
    expect(traces.every(isTraceId) && spans.every(isSpanId)).toBe(true);
  });
});
