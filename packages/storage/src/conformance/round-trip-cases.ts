import { expect, it } from 'vitest';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { SpanKind } from '@clew/model';
import { makeResource, makeSpan, makeTrace } from '@clew/model/testing';
import type { Harness } from './harness.js';
import { NANOS_PER_DAY } from './harness.js';
import { at, byStartThenId, searchFixture, ID } from './fixtures.js';
import { fullSpan } from './full-span.js';

export function roundTripCases(h: Harness): void {
  it('returns a span with every field type exactly as appended', async () => {
    const traceId = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0' as TraceId;
    const span = fullSpan(traceId);
    const odd = makeSpan({ traceId, startTimeUnixNano: span.startTimeUnixNano, endTimeUnixNano: (span.startTimeUnixNano - 7n) as UnixNanos });
    await h.store.append([span, odd]);
    const got = await h.store.getTrace(traceId);
    expect(got.sort(byStartThenId)).toEqual([span, odd].sort(byStartThenId));
    expect(Object.is(got.find((s) => s.spanId === span.spanId)!.attributes[10]!.value.type === 'double' &&
      (got.find((s) => s.spanId === span.spanId)!.attributes[10]!.value as { value: number }).value, -0)).toBe(true);
  });

  it('finds a span by every value of a repeated attribute key, and by odd values as text', async () => {
    const traceId = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f1' as TraceId;
    await h.store.append([fullSpan(traceId)]);
    for (const [k, v] of [['http.method', 'PATCH'], ['http.method', 'PUT'], ['s', 'duplicate key, kept in order'], ['i.max', '9223372036854775807'],
      ['d.nan', 'NaN'], ['b', 'false'], ['bytes', 'AAH/Hh8='], ['exception.type', 'Boom'], ['host.id', '42']] as const) {
      expect((await h.store.findTraces({ attributes: [[k, v]], limit: 5 })).traces.map((t) => t.traceId), `${k}=${v}`).toEqual([traceId]);
    }
    expect((await h.store.findTraces({ attributes: [['http.method', 'GET']], limit: 5 })).total).toBe(0);
  });

  it('returns [] for an unknown trace id', async () => {
    await h.store.append(searchFixture());
    expect(await h.store.getTrace('00000000000000000000000000abcdef' as TraceId)).toEqual([]);
  });

  it('returns the whole trace when its spans arrived in separate appends and ingest periods', async () => {
    const spans = makeTrace(at(0), { service: 'a', name: 'root', at: 0, ms: 10, children: [{ service: 'b', name: 'child', at: 1, ms: 2 }] });
    await h.store.append([spans[0]!]);
    h.now = (h.now + 2n * NANOS_PER_DAY) as UnixNanos;
    await h.store.append([spans[1]!]);
    expect((await h.store.getTrace(spans[0]!.traceId)).sort(byStartThenId)).toEqual([...spans].sort(byStartThenId));
  });

  it('returns the whole trace through a window that holds part of it (a trace crossing midnight, arriving on two days)', async () => {
    const root = makeSpan({ name: 'root', startTimeUnixNano: at(0), endTimeUnixNano: at(3_600_000) });
    const child = makeSpan({ traceId: root.traceId, parentSpanId: root.spanId, name: 'child', startTimeUnixNano: at(1_800_000), endTimeUnixNano: at(1_900_000) });
    await h.store.append([root]);
    h.now = (h.now + NANOS_PER_DAY) as UnixNanos;
    await h.store.append([child]);
    const whole = [root, child].sort(byStartThenId);
    // A window around the child alone (its parent is then missing), and one around the root's start alone.
    for (const window of [{ start: at(1_700_000), end: at(2_000_000) }, { start: at(-100_000), end: at(100_000) }]) {
      expect((await h.store.getTrace(root.traceId, window)).sort(byStartThenId)).toEqual(whole);
      expect((await h.store.getTraceOutline(root.traceId, window)).map((o) => o.spanId)).toEqual(whole.map((s) => s.spanId));
    }
  });

  it('gives a span stored more than once once, in every read by id', async () => {
    // Trace A stored three times (twice in one ingest period, once two days later: a batch sent again, a file imported
    // twice), and a client and a server span sharing an id and start (Zipkin's shared span), which are two spans.
    const a = searchFixture()
      .filter((s) => s.traceId === ID.A)
      .sort(byStartThenId);
    const client = makeSpan({ traceId: ID.A, parentSpanId: a[0]!.spanId, kind: SpanKind.CLIENT, name: 'shared', startTimeUnixNano: at(1001) });
    const server = { ...client, kind: SpanKind.SERVER, resource: makeResource('shared-server') };
    const order = (x: Span, y: Span): number => byStartThenId(x, y) || x.kind - y.kind;
    const once = [...a, client, server].sort(order);
    const single = await h.openAnother();
    await single.append(once);
    await h.store.append(once);
    await h.store.append([...a].reverse());
    h.now = (h.now + 2n * NANOS_PER_DAY) as UnixNanos;
    await h.store.append([...once, client]);
    const kinds = (spans: ReadonlyArray<{ spanId: string; kind: SpanKind }>) => spans.map((s) => `${s.spanId}/${s.kind}`).sort();
    expect(kinds(await h.store.getTrace(ID.A))).toEqual(kinds(once));
    expect((await h.store.getTrace(ID.A)).sort(order)).toEqual(once);
    expect(kinds(await h.store.getTraceOutline(ID.A))).toEqual(kinds(once));
    expect((await h.store.getTraces([ID.A, ID.B])).get(ID.A)!.sort(order)).toEqual(once);
    const digest = (await h.store.summarizeTraces([ID.A])).get(ID.A)!;
    expect(digest.spanCount).toBe(once.length);
    expect(digest).toEqual((await single.summarizeTraces([ID.A])).get(ID.A));
  });

  it('uses a time window only to narrow where to look', async () => {
    const spans = searchFixture();
    await h.store.append(spans);
    const a = spans.filter((s) => s.traceId === ID.A).sort(byStartThenId);
    expect((await h.store.getTrace(ID.A, { start: at(900), end: at(1200) })).sort(byStartThenId)).toEqual(a);
    expect((await h.store.getTrace(ID.A, { start: at(900) })).sort(byStartThenId)).toEqual(a);
  });
}

export function batchReadCases(h: Harness): void {
  it('reads several traces at once as getTrace reads each, unknown ids included', async () => {
    const spans = searchFixture();
    const later = makeTrace(at(0), { service: 'a', name: 'root', at: 0, ms: 10, children: [{ service: 'b', name: 'child', at: 1, ms: 2 }] });
    await h.store.append([...spans, later[0]!]);
    h.now = (h.now + 2n * NANOS_PER_DAY) as UnixNanos;
    await h.store.append([later[1]!]);
    const unknown = '00000000000000000000000000abcdef' as TraceId;
    const ids = [ID.A, later[0]!.traceId, unknown, ID.B];
    const got = await h.store.getTraces(ids);
    expect([...got.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(got.get(id)!.sort(byStartThenId), id).toEqual((await h.store.getTrace(id)).sort(byStartThenId));
    expect(got.get(later[0]!.traceId)).toHaveLength(2);
    expect(got.get(unknown)).toEqual([]);
    expect(await h.store.getTraces([])).toEqual(new Map());
  });
}
