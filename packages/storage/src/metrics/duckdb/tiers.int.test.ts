import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withQuantiles } from '../metrics-store.js';
import { bins, min, referenceSpanMetrics, row, tierFixture } from '../../conformance/metrics-fixtures.js';
import type { DuckDBMetricsStore } from './duckdb-metrics-store.js';
import { openDuckDBMetricsStore } from './duckdb-metrics-store.js';

const DAY = 1440;
const none = { spans: [], edges: [], errors: [] };

describe('DuckDB metrics tiers', () => {
  let dir = '';
  let store: DuckDBMetricsStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-metrics-tiers-'));
    store = await openDuckDBMetricsStore({ path: join(dir, 'm.duckdb'), memoryLimit: '256MB', threads: 2, maintenanceIntervalMs: 0 });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('rolls complete quarters and hours, sorts complete days, and reads hours in the middle of a window', async () => {
    // Two days and two hours of data: the first two days complete (past the grace minutes), the rest not.
    const rows = [...tierFixture(0, 60), ...tierFixture(DAY - 30, 60), ...tierFixture(2 * DAY, 130)];
    await store.append({ ...none, spans: rows }, 1n);
    await store.maintain();
    const state = store.tierState({ from: min(10), to: min(2 * DAY + 100) });
    // The newest minute is 2·DAY + 129: quarters and hours up to 2·DAY + 120 are complete after 5 grace minutes,
    // six hours (service level) up to 2·DAY.
    expect(state.tiers.map((t) => t.hi - 29_399_040)).toEqual([2 * DAY + 120, 2 * DAY + 120, 2 * DAY]);
    expect(state.days.map((d) => d - 20_416)).toEqual([0, 1, 2]);
    expect(state.sortedDay - 20_416).toBe(2);
    expect(state.plan.map((s) => [s.period, s.lo - 29_399_040, s.hi - 29_399_040])).toEqual([
      [1, 10, 15],
      [15, 15, 60],
      [60, 60, 2 * DAY + 60],
      [15, 2 * DAY + 60, 2 * DAY + 90],
      [1, 2 * DAY + 90, 2 * DAY + 100],
    ]);
    // By service, the six-hour tier answers the whole six hours inside.
    const services = store.tierState({ from: min(10), to: min(2 * DAY + 100) }, undefined, true);
    expect(services.plan.map((s) => [s.period, s.lo - 29_399_040, s.hi - 29_399_040])).toEqual([
      [1, 10, 15],
      [15, 15, 60],
      [60, 60, 360],
      [360, 360, 2 * DAY],
      [60, 2 * DAY, 2 * DAY + 60],
      [15, 2 * DAY + 60, 2 * DAY + 90],
      [1, 2 * DAY + 90, 2 * DAY + 100],
    ]);
    for (const q of [
      { from: min(10), to: min(2 * DAY + 100), groupBy: ['service' as const] },
      { from: min(0), to: min(3 * DAY), step: 60 * 60_000, groupBy: ['service' as const, 'operation' as const], services: ['cart'] },
      { from: min(DAY - 17), to: min(DAY + 44), step: 60_000, groupBy: [], operations: ['query'] },
      { from: min(300), to: min(2 * DAY + 100), step: 6 * 60 * 60_000, groupBy: ['service' as const, 'kind' as const] },
      { from: min(0), to: min(DAY + 400), groupBy: [], services: ['cart', 'payment'] },
    ]) {
      expect(await store.spanMetrics(q)).toEqual(referenceSpanMetrics(rows, q));
    }
    // Retention cuts a six hours in two: its row goes whole, and reads take the rest of it from the finer tiers.
    await store.dropBefore(min(DAY + 100));
    const left = rows.filter((r) => r.minute >= min(DAY + 100));
    for (const q of [
      { from: min(0), to: min(2 * DAY + 100), groupBy: ['service' as const] },
      { from: min(DAY), to: min(2 * DAY), step: 6 * 60 * 60_000, groupBy: [], services: ['frontend'] },
    ]) {
      expect(await store.spanMetrics(q)).toEqual(referenceSpanMetrics(left, q));
    }
  });

  it('answers queries running while maintenance compacts, rolls up, rewrites a day and drops one', async () => {
    const rows = [...tierFixture(0, 90), ...tierFixture(DAY - 20, 40), ...tierFixture(2 * DAY, 30)];
    await store.append({ ...none, spans: rows }, 1n);
    const q = { from: min(0), to: min(3 * DAY), step: 60 * 60_000, groupBy: ['service' as const, 'operation' as const] };
    const expected = referenceSpanMetrics(rows, q);
    const reads = Array.from({ length: 12 }, () => store.spanMetrics(q));
    const work = store.maintain();
    reads.push(...Array.from({ length: 12 }, () => store.spanMetrics(q)));
    await work;
    for (const r of await Promise.all(reads)) expect(r).toEqual(expected);
    const dropping = store.dropBefore(min(DAY));
    const during = Array.from({ length: 6 }, () => store.spanMetrics({ ...q, from: min(2 * DAY) }));
    await dropping;
    const late = referenceSpanMetrics(rows, { ...q, from: min(2 * DAY) });
    for (const r of await Promise.all(during)) expect(r).toEqual(late);
  });

  it('answers quantile series from rows with and without kept quantiles, and from a rolled quarter with a late row', async () => {
    const path = join(dir, 'm.duckdb');
    const rows = tierFixture(0, 120);
    await store.append({ ...none, spans: [...rows, row({ m: DAY })] }, 1n);
    await store.maintain();
    await store.close();
    // Rows written before rows kept their quantiles: every other quarter's at the service level, the first hour's at
    // the series level.
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    await conn.run(`UPDATE svc_m15 SET q = NULL WHERE t % 30 = 0; UPDATE svc_m1 SET q = NULL WHERE t % 2 = 0`);
    const day = Math.floor(min(0) / 60_000 / DAY);
    await conn.run(`UPDATE span_m15_${day} SET q = NULL WHERE t < ${min(60) / 60_000}`);
    conn.closeSync();
    instance.closeSync();
    store = await openDuckDBMetricsStore({ path, memoryLimit: '256MB', threads: 2, maintenanceIntervalMs: 0 });
    // A late row for a quarter already rolled up: that quarter has two rows of the series and of its service.
    const late = row({ m: 20, service: 'cart', operation: 'query', count: 4, latency: bins([[900, 4]]) });
    await store.append({ ...none, spans: [late] }, 2n);
    const all = [...rows, row({ m: DAY }), late];
    const quantiles = [0.5, 0.95, 0.99];
    for (const q of [
      { from: min(0), to: min(120), step: 15 * 60_000, groupBy: ['service' as const], kinds: [2 as const] },
      { from: min(0), to: min(120), step: 60_000, groupBy: ['service' as const], kinds: [2 as const] },
      { from: min(0), to: min(120), step: 15 * 60_000, groupBy: [], services: ['cart'], operations: ['query'], kinds: [2 as const] },
      // The late row's six hours, rolled up before it came.
      { from: min(0), to: min(DAY), groupBy: ['service' as const] },
    ]) {
      const expected = withQuantiles(referenceSpanMetrics(all, q), quantiles);
      expect(await store.spanMetrics({ ...q, quantiles })).toEqual(expected);
      await store.maintain();
      expect(await store.spanMetrics({ ...q, quantiles })).toEqual(expected);
    }
  });

  it('keeps deltas for minutes within the grace period uncompacted, and reads them', async () => {
    const rows = [row({ m: 0 }), row({ m: 10 }), row({ m: 12 })];
    await store.append({ ...none, spans: rows }, 1n);
    await store.maintain();
    expect(store.tierState().days).toHaveLength(1);
    const q = { from: min(0), to: min(20), step: 60_000, groupBy: [] };
    expect(await store.spanMetrics(q)).toEqual(referenceSpanMetrics(rows, q));
  });
});
