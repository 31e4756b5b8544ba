import { expect } from 'vitest';
import type { SpanMetricsDimension } from '../metrics/metrics-store.js';
import type { MetricsHarness } from './metrics-harness.js';
import { BASE, bins, HOUR, min, row } from './metrics-fixtures.js';

const none = { spans: [], edges: [], errors: [] };
const total = { from: BASE, to: BASE + HOUR, groupBy: [] as SpanMetricsDimension[] };

export function metricsDurabilityCases(h: MetricsHarness): void {
  h.it('records the log position with each append and keeps it across reopen', async () => {
    await h.store.append({ ...none, spans: [row({ m: 0 })] }, 5n);
    expect(await h.store.lastPosition()).toBe(5n);
    await h.store.append(none, 9n);
    expect(await h.store.lastPosition()).toBe(9n);
    await h.store.append({ ...none, spans: [row({ m: 1 })] }, 9_007_199_254_740_993n);
    const s = await h.reopen();
    expect(await s.lastPosition()).toBe(9_007_199_254_740_993n);
    expect((await s.spanMetrics(total))[0]!.count).toBe(2);
  });

  h.it('records neither the rows nor the position of a failed append', async () => {
    await h.store.append({ ...none, spans: [row({ m: 0 })] }, 1n);
    const bad = { ...row({ m: 1, service: 'new-service' }), minute: min(1) + 30_000 };
    await expect(h.store.append({ ...none, spans: [row({ m: 2, service: 'other' }), bad] }, 2n)).rejects.toThrow();
    expect(await h.store.lastPosition()).toBe(1n);
    expect(await h.store.spanMetrics({ ...total, groupBy: ['service'] })).toEqual([
      { t: BASE, service: 'frontend', count: 1, errors: 0, durationSumNanos: 1_000_000, latency: bins([[100, 1]]) },
    ]);
    // The store goes on: a later append of the same new service works.
    await h.store.append({ ...none, spans: [row({ m: 2, service: 'other' })] }, 3n);
    expect((await (await h.reopen()).spanMetrics({ ...total, groupBy: ['service'] })).map((p) => p.service)).toEqual(['frontend', 'other']);
  });

  h.it('takes concurrent appends without losing rows, and keeps the highest position', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.store.append({ ...none, spans: [row({ m: i % 7, service: `s${i % 3}`, count: i + 1 })] }, BigInt(i + 1)),
      ),
    );
    expect(await h.store.lastPosition()).toBe(20n);
    const points = await h.store.spanMetrics(total);
    expect(points[0]!.count).toBe(210);
  });
}
