import { expect } from 'vitest';
import type { SpanMetricsDimension, SpanMetricsQuery, SpanMetricsRow } from '../metrics/metrics-store.js';
import { withQuantiles } from '../metrics/metrics-store.js';
import type { MetricsHarness } from './metrics-harness.js';
import { bins, HOUR, min, MINUTE, referenceSpanMetrics, row, tierFixture } from './metrics-fixtures.js';

const none = { spans: [], edges: [], errors: [] };

/**
 * Queries whose windows and steps fall on and off hour and quarter-hour boundaries, grouped and filtered every
 * way that changes which rows a store may read: whatever tiers a store keeps, each must equal the brute-force sum.
 */
function tierQueries(): SpanMetricsQuery[] {
  const windows: [number, number][] = [
    [min(0), min(240)],
    [min(7), min(233)],
    [min(60), min(180)],
    [min(59), min(61)],
    [min(45) + 1, min(195) - 1],
    [min(-30), min(300)],
  ];
  const steps = [undefined, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 7 * MINUTE];
  const shapes: Omit<SpanMetricsQuery, 'from' | 'to'>[] = [
    { groupBy: ['service'] },
    { groupBy: ['service', 'operation'] },
    { groupBy: [], services: ['cart'], operations: ['query'] },
    { groupBy: ['kind'], kinds: [2] },
    { groupBy: ['service', 'kind'], services: ['frontend', 'payment'] },
  ];
  const out: SpanMetricsQuery[] = [];
  let i = 0;
  for (const [from, to] of windows) {
    for (const step of steps) {
      const shape = shapes[i++ % shapes.length]!;
      out.push({ from, to, ...shape, ...(step && { step }) });
    }
  }
  return out;
}

/** Quantiles a page asks for (those a store may keep per row), and a list with one no store keeps. */
const QUANTILE_LISTS: readonly (readonly number[])[] = [[0.5, 0.95, 0.99], [0.42, 0.5], []];

async function expectReference(h: MetricsHarness, rows: readonly SpanMetricsRow[], label: string): Promise<void> {
  let i = 0;
  for (const q of tierQueries()) {
    const reference = referenceSpanMetrics(rows, q);
    const withBins = async (): Promise<void> => expect(await h.store.spanMetrics(q), `${label}: ${JSON.stringify(q)}`).toEqual(reference);
    // The same query for quantiles: each point's, as latencyQuantile reads the brute-force bins. Asked first or
    // second in turn, so that a store caching what it read answers each from what the other left.
    const quantiles = QUANTILE_LISTS[i % QUANTILE_LISTS.length]!;
    const withQuantilesOnly = async (): Promise<void> =>
      expect(await h.store.spanMetrics({ ...q, quantiles }), `${label}, quantiles ${quantiles.join(', ')}: ${JSON.stringify(q)}`).toEqual(withQuantiles(reference, quantiles));
    if (i++ % 2 === 0) {
      await withBins();
      await withQuantilesOnly();
    } else {
      await withQuantilesOnly();
      await withBins();
    }
  }
}

export function tierCases(h: MetricsHarness): void {
  h.it('answers every window and step exactly, before and after rollups', async () => {
    const rows = tierFixture(0, 240);
    for (let i = 0; i < rows.length; i += 97) await h.store.append({ ...none, spans: rows.slice(i, i + 97) }, BigInt(i + 1));
    await expectReference(h, rows, 'before maintenance');
    // A row far later marks the fixture's hours complete; then the backend compacts and rolls them up.
    const later = row({ m: 24 * 60, service: 'late' });
    await h.store.append({ ...none, spans: [later] }, 100_000n);
    await h.maintain();
    await expectReference(h, [...rows, later], 'after maintenance');
    await h.reopen();
    await expectReference(h, [...rows, later], 'after reopen');
  });

  h.it('counts late deltas for minutes already rolled up', async () => {
    const rows = tierFixture(0, 180);
    await h.store.append({ ...none, spans: rows }, 1n);
    await h.store.append({ ...none, spans: [row({ m: 24 * 60, service: 'late' })] }, 2n);
    await h.maintain();
    const late = [
      row({ m: 30, service: 'cart', operation: 'GET /', count: 5, latency: bins([[801, 5]]) }),
      row({ m: 61, service: 'frontend', operation: 'query', kind: 3, count: 2, status: 2, latency: bins([[9, 2]]) }),
      row({ m: 179, service: 'new', count: 1 }),
    ];
    await h.store.append({ ...none, spans: late }, 3n);
    const all = [...rows, row({ m: 24 * 60, service: 'late' }), ...late];
    await expectReference(h, all, 'late, before maintenance');
    await h.maintain();
    await expectReference(h, all, 'late, after maintenance');
  });

  h.it('reads only what is left after dropBefore, on every tier', async () => {
    const rows = tierFixture(0, 240);
    await h.store.append({ ...none, spans: rows }, 1n);
    await h.store.append({ ...none, spans: [row({ m: 24 * 60, service: 'late' })] }, 2n);
    await h.maintain();
    const cutoff = min(100) + 1; // inside minute 100: it goes, minute 101 stays
    expect(await h.store.dropBefore(cutoff)).toBeGreaterThan(0);
    const left = [...rows.filter((r) => r.minute >= cutoff), row({ m: 24 * 60, service: 'late' })];
    await expectReference(h, left, 'after dropBefore');
    await h.maintain();
    await expectReference(h, left, 'after dropBefore and maintenance');
    expect(await h.store.dropBefore(cutoff)).toBe(0);
    const all: SpanMetricsDimension[] = [];
    expect(await h.store.spanMetrics({ from: min(0), to: min(101), groupBy: all })).toEqual([]);
  });
}
