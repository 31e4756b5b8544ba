import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpanMetricsQuery, SpanMetricsRow } from '../metrics-store.js';
import { bins, HOUR, min, MINUTE, referenceSpanMetrics, row, tierFixture } from '../../conformance/metrics-fixtures.js';
import type { DuckDBMetricsStore } from './duckdb-metrics-store.js';
import { openDuckDBMetricsStore } from './duckdb-metrics-store.js';

const none = { spans: [], edges: [], errors: [] };

/** A refreshing dashboard: the same shapes over windows moved a minute at a time, and a total per window. */
function slidingQueries(): SpanMetricsQuery[] {
  const out: SpanMetricsQuery[] = [];
  for (let i = 0; i < 20; i += 3) {
    const to = min(230 - i);
    out.push({ from: to - 3 * HOUR, to, groupBy: ['service'] });
    out.push({ from: to - 3 * HOUR, to, step: 15 * MINUTE, groupBy: ['service'] });
    out.push({ from: to - HOUR, to, step: MINUTE, groupBy: ['service', 'operation'], services: ['cart'] });
    out.push({ from: to - 2 * HOUR, to, step: HOUR, groupBy: [], services: ['payment'], operations: ['query'] });
  }
  return out;
}

describe('DuckDB metrics closed-period cache', () => {
  let dir = '';
  let store: DuckDBMetricsStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-metrics-cache-'));
    store = await openDuckDBMetricsStore({ path: join(dir, 'm.duckdb'), memoryLimit: '256MB', threads: 2, maintenanceIntervalMs: 0 });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const expectReference = async (rows: readonly SpanMetricsRow[], label: string): Promise<void> => {
    for (const q of slidingQueries()) expect(await store.spanMetrics(q), `${label}: ${JSON.stringify(q)}`).toEqual(referenceSpanMetrics(rows, q));
  };

  it('answers sliding windows exactly from cached periods, and again after late deltas, maintenance and dropBefore', async () => {
    const rows = [...tierFixture(0, 240), row({ m: 300, service: 'late' })];
    await store.append({ ...none, spans: rows }, 1n);
    await expectReference(rows, 'deltas only');
    await expectReference(rows, 'deltas only, cached');
    await store.maintain();
    await expectReference(rows, 'after maintenance, cached before it');
    // Late deltas for minutes already cached (and rolled up): the periods holding them are read again.
    const late = [
      row({ m: 30, service: 'cart', operation: 'GET /', count: 5, latency: bins([[801, 5]]) }),
      row({ m: 200, service: 'payment', operation: 'query', kind: 3, count: 2, status: 2, latency: bins([[9, 2]]) }),
      row({ m: 215, service: 'cart', operation: 'new op', count: 1 }),
    ];
    await store.append({ ...none, spans: late }, 2n);
    const all = [...rows, ...late];
    await expectReference(all, 'late deltas');
    await store.maintain();
    await expectReference(all, 'late deltas compacted');
    await store.dropBefore(min(100) + 1);
    await expectReference(all.filter((r) => r.minute > min(100)), 'after dropBefore');
  });

  it('answers windows moved a minute at a time across quarter and hour edges exactly', async () => {
    const rows = tierFixture(0, 240);
    await store.append({ ...none, spans: rows }, 1n);
    await store.maintain();
    // Each edge quarter (and hour) is whole for one window and partial in the next, read from cached periods and the
    // tiers in turn: back in time, then forward (as a refreshing page moves).
    const ends = [...Array.from({ length: 90 }, (_, i) => min(230 - i)), ...Array.from({ length: 90 }, (_, i) => min(141 + i))];
    for (const to of ends) {
      for (const q of [
        { from: to - HOUR, to, groupBy: ['service'] },
        { from: to - 2 * HOUR, to, step: 15 * MINUTE, groupBy: ['service', 'operation'] },
        { from: to - 2 * HOUR, to, step: HOUR, groupBy: [], services: ['cart'] },
      ] satisfies SpanMetricsQuery[]) {
        expect(await store.spanMetrics(q), JSON.stringify(q)).toEqual(referenceSpanMetrics(rows, q));
      }
    }
  });

  it("keeps tenants' cached periods apart, and a tenant's late delta or dropBefore leaves the other's", async () => {
    const own = [...tierFixture(0, 240), row({ m: 300, service: 'late' })];
    const acme = own.map((r) => ({ ...r, tenant: 'acme', count: r.count * 2 }));
    await store.append({ ...none, spans: [...own, ...acme] }, 1n);
    await store.maintain();
    // Quarters (read from the minute tier once the tenant's floor cuts them) and minutes (always the same plan).
    const queries: SpanMetricsQuery[] = [
      { from: min(0), to: min(240), step: 15 * MINUTE, groupBy: ['service'] },
      { from: min(0), to: min(120), step: MINUTE, groupBy: [] },
    ];
    const acmeReader = store.forTenant('acme');
    const expectBoth = async (ownRows: readonly SpanMetricsRow[], acmeRows: readonly SpanMetricsRow[]): Promise<void> => {
      for (const q of queries) {
        expect(await store.spanMetrics(q)).toEqual(referenceSpanMetrics(ownRows, q));
        expect(await acmeReader.spanMetrics(q)).toEqual(referenceSpanMetrics(acmeRows, q));
      }
    };
    await expectBoth(own, acme);
    const lateAcme = { ...row({ m: 40, service: 'cart', count: 3 }), tenant: 'acme' };
    await store.append({ ...none, spans: [lateAcme] }, 2n);
    await expectBoth(own, [...acme, lateAcme]);
    await store.dropBefore(min(60), 'acme');
    await expectBoth(own, [...acme, lateAcme].filter((r) => r.minute >= min(60)));
  });
});
