import { expect, it } from 'vitest';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { compareSpanOrder, spanOutline } from '@clew/model';
import { makeSpan, makeTrace } from '@clew/model/testing';
import type { Harness } from './harness.js';
import { NANOS_PER_DAY } from './harness.js';
import { at, ID, searchFixture } from './fixtures.js';
import { fullSpan } from './full-span.js';

/** What getTraceOutline must give for spans that getTrace gives in full: their outlines, in API order. */
const outlinesOf = (spans: readonly Span[]) => [...spans].sort(compareSpanOrder).map(spanOutline);

export function outlineCases(h: Harness): void {
  it('outlines a span with every field type as its full read does, events included', async () => {
    const traceId = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f2' as TraceId;
    const span = fullSpan(traceId);
    // Negative duration, a name needing escapes, and a second event-less span sharing a start: order by span id.
    const odd = makeSpan({ traceId, name: 'odd\x1a\x19name', startTimeUnixNano: span.startTimeUnixNano, endTimeUnixNano: (span.startTimeUnixNano - 7n) as UnixNanos });
    await h.store.append([span, odd]);
    const outline = await h.store.getTraceOutline(traceId);
    expect(outline).toEqual(outlinesOf(await h.store.getTrace(traceId)));
    expect(outline.find((o) => o.spanId === span.spanId)!.events.length).toBeGreaterThan(0);
  });

  it('outlines a trace of many spans with repeated names, across appends and ingest periods', async () => {
    const spans = makeTrace(at(0), {
      service: 'a', name: 'root', at: 0, ms: 100,
      children: Array.from({ length: 40 }, (_, i) => ({ service: i % 3 === 0 ? 'b' : 'c', name: `op-${i % 4}`, at: 1 + (i % 7), ms: 2 })),
    });
    await h.store.append(spans.slice(0, 20));
    h.now = (h.now + 2n * NANOS_PER_DAY) as UnixNanos;
    await h.store.append(spans.slice(20));
    const outline = await h.store.getTraceOutline(spans[0]!.traceId);
    expect(outline).toEqual(outlinesOf(spans));
    expect(new Set(outline.map((o) => o.serviceName))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('returns [] for an unknown trace and uses a window only to narrow where to look', async () => {
    const spans = searchFixture();
    await h.store.append(spans);
    expect(await h.store.getTraceOutline('00000000000000000000000000abcdef' as TraceId)).toEqual([]);
    const a = outlinesOf(spans.filter((s) => s.traceId === ID.A));
    expect(await h.store.getTraceOutline(ID.A, { start: at(900), end: at(1200) })).toEqual(a);
  });
}
