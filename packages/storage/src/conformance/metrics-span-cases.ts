import { expect } from 'vitest';
import type { SpanKind, StatusCode } from '@clew/model';
import type { SpanMetricsDimension } from '../metrics/metrics-store.js';
import type { MetricsHarness } from './metrics-harness.js';
import { BASE, bins, HOUR, min, MINUTE, referenceSpanMetrics, row, sumBins } from './metrics-fixtures.js';

const SERVER = 2 as SpanKind;
const CLIENT = 3 as SpanKind;
const ERROR = 2 as StatusCode;
const OK = 1 as StatusCode;
const none = { spans: [], edges: [], errors: [] };

/**
 *   minute:        0        1        2
 *   frontend GET   3 ok     1 err
 *                  2 err
 *   frontend POST  1 ok
 *   cart GET                          4 (CLIENT)
 */
const small = [
  row({ m: 0, count: 3, status: OK, latency: bins([[10, 2], [12, 1]]) }),
  row({ m: 0, count: 2, status: ERROR, latency: bins([[12, 1], [30, 1]]) }),
  row({ m: 1, count: 1, status: ERROR, dur: 7, latency: bins([], 1) }),
  row({ m: 0, operation: 'POST', count: 1, status: OK, latency: bins([[11, 1]]) }),
  row({ m: 2, service: 'cart', kind: CLIENT, count: 4, latency: bins([[-5, 2], [40, 2]]) }),
];

export function spanMetricsCases(h: MetricsHarness): void {
  h.it('an empty store answers nothing, position 0', async () => {
    expect(await h.store.lastPosition()).toBe(0n);
    expect(await h.store.spanMetrics({ from: BASE, to: BASE + HOUR, groupBy: ['service'] })).toEqual([]);
    expect(await h.store.edges({ from: BASE, to: BASE + HOUR })).toEqual([]);
    expect(await h.store.topErrors({ from: BASE, to: BASE + HOUR, service: 'x', limit: 5 })).toEqual([]);
    expect(await h.store.listDocuments('slos')).toEqual([]);
    await h.store.append(none, 0n);
    expect(await h.store.spanMetrics({ from: BASE, to: BASE + HOUR, step: MINUTE, groupBy: [] })).toEqual([]);
  });

  h.it('reads back exact counts, errors, duration sums and bins for one bucket', async () => {
    await h.store.append({ ...none, spans: small }, 1n);
    const q = { from: BASE, to: BASE + HOUR, groupBy: ['service', 'operation'] as SpanMetricsDimension[] };
    expect(await h.store.spanMetrics(q)).toEqual([
      { t: BASE, service: 'cart', operation: 'GET', count: 4, errors: 0, durationSumNanos: 4_000_000, latency: bins([[-5, 2], [40, 2]]) },
      { t: BASE, service: 'frontend', operation: 'GET', count: 6, errors: 3, durationSumNanos: 5_000_007, latency: bins([[10, 2], [12, 2], [30, 1]], 1) },
      { t: BASE, service: 'frontend', operation: 'POST', count: 1, errors: 0, durationSumNanos: 1_000_000, latency: bins([[11, 1]]) },
    ]);
  });

  h.it('groups by every combination of dimensions', async () => {
    await h.store.append({ ...none, spans: small }, 1n);
    const dims: SpanMetricsDimension[] = ['service', 'operation', 'kind'];
    for (let mask = 0; mask < 8; mask++) {
      const groupBy = dims.filter((_, i) => mask & (1 << i));
      for (const step of [undefined, MINUTE, 2 * MINUTE]) {
        const q = { from: BASE, to: BASE + HOUR, groupBy, ...(step && { step }) };
        expect(await h.store.spanMetrics(q), JSON.stringify(q)).toEqual(referenceSpanMetrics(small, q));
      }
    }
    expect(await h.store.spanMetrics({ from: BASE, to: BASE + HOUR, groupBy: [] })).toEqual([
      { t: BASE, count: 11, errors: 3, durationSumNanos: 10_000_007, latency: sumBins(small.map((r) => r.latency)) },
    ]);
  });

  h.it('adds up deltas of one key and minute appended many times', async () => {
    const deltas = [1, 2, 3, 4].map((count, i) => row({ m: 5, count, status: i % 2 ? ERROR : OK, latency: bins([[100 + i, count]]) }));
    for (const [i, d] of deltas.entries()) await h.store.append({ ...none, spans: [d, d] }, BigInt(i + 1));
    const [p] = await h.store.spanMetrics({ from: BASE, to: BASE + HOUR, groupBy: ['service'] });
    expect(p).toEqual({ t: BASE, service: 'frontend', count: 20, errors: 12, durationSumNanos: 20_000_000, latency: bins([[100, 2], [101, 4], [102, 6], [103, 8]]) });
  });

  h.it('keeps fractional weights (adjusted counts) exactly', async () => {
    const rows = [row({ m: 0, count: 0.5, status: ERROR, latency: bins([[7, 0.5]], 0.25) }), row({ m: 0, count: 2.25, latency: bins([[7, 2.25]]) })];
    await h.store.append({ ...none, spans: rows }, 1n);
    expect(await h.store.spanMetrics({ from: BASE, to: BASE + MINUTE, groupBy: [] })).toEqual([
      { t: BASE, count: 2.75, errors: 0.5, durationSumNanos: 2_750_000, latency: bins([[7, 2.75]], 0.25) },
    ]);
  });

  h.it('filters by services, operations and kinds, together', async () => {
    await h.store.append({ ...none, spans: small }, 1n);
    const base = { from: BASE, to: BASE + HOUR, groupBy: ['service', 'operation', 'kind'] as SpanMetricsDimension[] };
    const queries = [
      { ...base, services: ['frontend'] },
      { ...base, services: ['cart', 'nobody'] },
      { ...base, operations: ['POST'] },
      { ...base, kinds: [CLIENT] },
      { ...base, services: ['frontend'], operations: ['GET'], kinds: [SERVER] },
      { ...base, services: ['frontend'], kinds: [CLIENT] },
      { ...base, services: [] as string[] },
      { ...base, groupBy: [] as SpanMetricsDimension[], services: ['frontend'], step: MINUTE },
    ];
    for (const q of queries) expect(await h.store.spanMetrics(q), JSON.stringify(q)).toEqual(referenceSpanMetrics(small, q));
    expect(await h.store.spanMetrics({ ...base, services: ['nobody'] })).toEqual([]);
    expect(await h.store.spanMetrics({ ...base, operations: ['GET'], kinds: [CLIENT] })).toHaveLength(1);
  });

  h.it('cuts steps aligned to the epoch, counting a minute when its start is inside the window', async () => {
    const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((m) => row({ m, count: m + 1, latency: bins([[m, 1]]) }));
    await h.store.append({ ...none, spans: rows }, 1n);
    // BASE is a multiple of 5 minutes: buckets start at minutes 0, 5; the window starts inside minute 1.
    const q = { from: min(1) - 1, to: min(7) + 1, step: 5 * MINUTE, groupBy: [] as SpanMetricsDimension[] };
    const got = await h.store.spanMetrics(q);
    expect(got.map((p) => [p.t, p.count])).toEqual([
      [min(0), 2 + 3 + 4 + 5],
      [min(5), 6 + 7 + 8],
    ]);
    expect(got).toEqual(referenceSpanMetrics(rows, q));
    // No step: one bucket, at `from`, even when it is not a whole minute.
    expect((await h.store.spanMetrics({ from: min(3), to: min(5), groupBy: [] })).map((p) => [p.t, p.count])).toEqual([[min(3), 4 + 5]]);
    expect((await h.store.spanMetrics({ from: min(3) + 5, to: min(3) + 10, groupBy: [] })).length).toBe(0);
  });
}
