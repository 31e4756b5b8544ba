import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { SpanKind, StatusCode, str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { getJson, useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import { postProto } from '@clew/testing/payloads';
import { beforeAll, describe, expect, it } from 'vitest';

const running = useClewProcess();

/*
 * Sent over OTLP/HTTP to a real `clew serve`, then read back as TraceQL metrics on its Tempo port. The spans sit in
 * a fixed pattern from T0, a whole minute some ten minutes ago (the store keeps spans by their own time, and
 * retention would drop spans dated years back):
 *
 *   checkout  POST /pay  every 10 s from T0+5 s, 40 ms × (j+1), the 3rd and 6th in error   (6 traces)
 *   payments  charge     a child of each, 20 ms, CLIENT
 */
const S = 1_000_000_000n;
const MS = 1_000_000n;
const T0_S = Math.floor(Date.now() / 60_000) * 60 - 600;
const T0 = BigInt(T0_S) * S;
const checkout = makeResource('checkout');
const payments = makeResource('payments');

const traces: Span[][] = Array.from({ length: 6 }, (_, j) => {
  const traceId = `c0ffee${String(j + 1).padStart(26, '0')}` as TraceId;
  const start = T0 + BigInt(5 + 10 * j) * S;
  const root = makeSpan({
    traceId,
    spanId: `a${String(j + 1).padStart(15, '0')}` as SpanId,
    name: 'POST /pay',
    kind: SpanKind.SERVER,
    resource: checkout,
    startTimeUnixNano: start as UnixNanos,
    endTimeUnixNano: (start + BigInt(40 * (j + 1)) * MS) as UnixNanos,
    attributes: [{ key: 'http.route', value: str('/pay') }],
    ...((j === 2 || j === 5) && { status: { code: StatusCode.ERROR, message: 'declined' } }),
  });
  const child = makeSpan({
    traceId,
    spanId: `b${String(j + 1).padStart(15, '0')}` as SpanId,
    parentSpanId: root.spanId,
    name: 'charge',
    kind: SpanKind.CLIENT,
    resource: payments,
    startTimeUnixNano: (start + MS) as UnixNanos,
    endTimeUnixNano: (start + 21n * MS) as UnixNanos,
  });
  return [root, child];
});

beforeAll(async () => {
  const res = await postProto(running().otlpHttp, traces.flat());
  expect(res.status).toBe(200);
  for (const t of traces) await waitForTrace(running().query, t[0]!.traceId, 2);
});

const metrics = (path: string, query: string, params: string) =>
  getJson<{ series?: Array<{ labels: Array<{ key: string; value: { stringValue?: string; doubleValue?: number } }>; samples?: Array<{ timestampMs: string; value?: number }>; value?: number; exemplars?: Array<{ labels: Array<{ key: string; value: { stringValue?: string } }> }> }> }>(
    `${running().tempo}${path}?q=${encodeURIComponent(query)}&${params}`,
  );

describe('TraceQL metrics on a running clew serve', () => {
  it('rates spans per service per step, from spans sent over OTLP', async () => {
    const { status, body } = await metrics('/api/metrics/query_range', '{ } | count_over_time() by (resource.service.name)', `start=${T0_S}&end=${T0_S + 60}&step=20s`);
    expect(status).toBe(200);
    // Aligned with a step in front: (T0-20, T0], (T0, T0+20], (T0+20, T0+40], (T0+40, T0+60]; two traces per step.
    expect(body.series!.map((s) => [s.labels[0]!.value.stringValue, s.samples!.map((p) => p.value ?? 0)])).toEqual([
      ['checkout', [0, 2, 2, 2]],
      ['payments', [0, 2, 2, 2]],
    ]);
    expect(body.series![0]!.samples!.map((p) => Number(p.timestampMs) / 1000)).toEqual([T0_S, T0_S + 20, T0_S + 40, T0_S + 60]);
    const exemplarIds = body.series!.flatMap((s) => (s.exemplars ?? []).map((e) => e.labels.find((l) => l.key === 'trace:id')!.value.stringValue));
    expect(exemplarIds.length).toBeGreaterThan(0);
    for (const id of exemplarIds) expect(traces.map((t) => t[0]!.traceId.replace(/^0+/, ''))).toContain(id);
  });

  it('reads error ratios, quantiles and instant values', async () => {
    const ratio = await metrics('/api/metrics/query', '({ status = error } | count_over_time()) / ({ resource.service.name = "checkout" } | count_over_time())', `start=${T0_S}&end=${T0_S + 60}`);
    expect(ratio.body.series!.map((s) => s.value)).toEqual([2 / 6]);
    const p99 = await metrics('/api/metrics/query', '{ name = "POST /pay" } | quantile_over_time(duration, 1)', `start=${T0_S}&end=${T0_S + 60}`);
    // The slowest is 240 ms, in the power-of-two bucket (134.2 ms, 268.4 ms] of nanoseconds: p100 is its bound.
    expect(p99.body.series!.map((s) => s.value)).toEqual([2 ** 28 / 1e9]);
  });

  it('refuses a search query with Tempo’s text', async () => {
    const res = await fetch(`${running().tempo}/api/metrics/query_range?q=${encodeURIComponent('{ }')}&start=${T0_S}&end=${T0_S + 60}`);
    expect([res.status, await res.text()]).toEqual([400, 'not a metrics query\n']);
  });
});
