import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpanMetricsQuery, SpanMetricsRow } from '../metrics-store.js';
import { min, referenceSpanMetrics, tierFixture } from '../../conformance/metrics-fixtures.js';
import type { DuckDBMetricsStore } from './duckdb-metrics-store.js';
import { openDuckDBMetricsStore } from './duckdb-metrics-store.js';

const DAY = 1440;
const none = { spans: [], edges: [], errors: [] };
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
/** Grouped by operation, so the read plans the series-level day tables that maintenance creates, rewrites and drops. */
const q: SpanMetricsQuery = { from: min(0), to: min(3 * DAY), step: 60 * 60_000, groupBy: ['service', 'operation'] };

/**
 * Each case holds one read between planning its tables and running its statement (the store's `afterPlan` hook),
 * starts a change, and lets the read go once the change has finished or waits for it: the read must answer from
 * the tables it planned, and a read asked for while the change waits must answer from the new ones.
 */
describe('DuckDB metrics reads held across maintenance', () => {
  let dir = '';
  let store: DuckDBMetricsStore;
  let hold: { planned: () => void; released: Promise<void> } | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-metrics-held-'));
    const afterPlan = async (): Promise<void> => {
      const h = hold;
      hold = undefined;
      if (!h) return;
      h.planned();
      await h.released;
    };
    store = await openDuckDBMetricsStore({ path: join(dir, 'm.duckdb'), memoryLimit: '256MB', threads: 2, maintenanceIntervalMs: 0, afterPlan });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `change` while a read of `q` is held after planning; returns that read and one asked for during the change. */
  async function readAcross(change: () => Promise<unknown>): Promise<{ held: Promise<unknown>; asked: Promise<unknown> }> {
    let release = (): void => undefined;
    const planned = new Promise<void>((planned) => (hold = { planned, released: new Promise((r) => (release = r)) }));
    const held = store.spanMetrics(q);
    await planned;
    let done = false;
    const work = change().finally(() => (done = true));
    while (!done && !store.tierState().changeWaiting) await turn();
    const asked = store.spanMetrics(q);
    release();
    await work;
    return { held, asked };
  }

  it('a read planned before compaction reads the deltas it planned, not the day tables created under it', async () => {
    const rows = [...tierFixture(0, 90), ...tierFixture(DAY - 20, 40)];
    await store.append({ ...none, spans: rows }, 1n);
    const { held, asked } = await readAcross(() => store.maintain());
    expect(store.tierState().days).toHaveLength(2);
    expect(await held).toEqual(referenceSpanMetrics(rows, q));
    expect(await asked).toEqual(referenceSpanMetrics(rows, q));
  });

  it('a read planned with a day table reads it while the day is rewritten in series order', async () => {
    const first = tierFixture(0, 90);
    await store.append({ ...none, spans: first }, 1n);
    await store.maintain();
    const rows: SpanMetricsRow[] = [...first, ...tierFixture(DAY - 20, 40)];
    await store.append({ ...none, spans: rows.slice(first.length) }, 2n);
    const { held, asked } = await readAcross(() => store.maintain());
    expect(store.tierState().sortedDay - 20_416).toBe(1);
    expect(await held).toEqual(referenceSpanMetrics(rows, q));
    expect(await asked).toEqual(referenceSpanMetrics(rows, q));
  });

  it('a read planned with a day table reads it while retention drops it; a read asked for meanwhile plans without it', async () => {
    const rows = [...tierFixture(0, 90), ...tierFixture(DAY - 20, 40), ...tierFixture(2 * DAY, 30)];
    await store.append({ ...none, spans: rows }, 1n);
    await store.maintain();
    const { held, asked } = await readAcross(() => store.dropBefore(min(DAY)));
    expect(store.tierState().days.map((d) => d - 20_416)).toEqual([1, 2]);
    expect(await held).toEqual(referenceSpanMetrics(rows, q));
    expect(await asked).toEqual(referenceSpanMetrics(rows.filter((r) => r.minute >= min(DAY)), q));
  });
});
