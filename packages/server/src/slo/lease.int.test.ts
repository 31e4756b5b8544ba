// The SLO evaluator lease over both real metrics stores: one holder at a time, taken over once it runs out unrenewed,
// given up on a clean stop, and one winner when two nodes find it free at once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricsStore } from '@clew/storage';
import { openClickHouseMetricsStore, openDuckDBMetricsStore } from '@clew/storage';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import { EvaluatorLease } from './lease.js';

const clickhouse = useClickHouseServer();
const TTL = 90_000;
const T0 = 1_764_000_000_000;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const backends: [string, () => Promise<MetricsStore>][] = [
  [
    'duckdb',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'clew-lease-'));
      dirs.push(dir);
      return openDuckDBMetricsStore({ path: join(dir, 'metrics.duckdb'), maintenanceIntervalMs: 0 });
    },
  ],
  ['clickhouse', () => openClickHouseMetricsStore({ url: clickhouse().url, database: `clew_lease_${Math.floor(performance.now() * 1000)}` })],
];

describe.each(backends)('the SLO evaluator lease (%s)', (_, open) => {
  it('has one holder at a time, renewed while it evaluates, taken over once it runs out', async () => {
    const store = await open();
    try {
      const a = new EvaluatorLease(store, 'node-a', TTL, 0);
      const b = new EvaluatorLease(store, 'node-b', TTL, 0);
      expect(await a.acquire(T0)).toEqual({ holds: true, gained: true });
      expect(await b.acquire(T0 + 1_000)).toEqual({ holds: false, gained: false });
      // A renews at each evaluation: B never gets it while A keeps going.
      expect(await a.acquire(T0 + 30_000)).toEqual({ holds: true, gained: false });
      expect(await b.acquire(T0 + 30_000 + TTL - 1)).toEqual({ holds: false, gained: false });
      // A stops renewing (killed): once its lease ran out, B takes it, and A, back, does not.
      expect(await b.acquire(T0 + 30_000 + TTL + 1)).toEqual({ holds: true, gained: true });
      expect(a.holding).toBe(true); // what A last knew
      expect(await a.acquire(T0 + 30_000 + TTL + 2)).toEqual({ holds: false, gained: false });
      expect(a.holding).toBe(false);
      // B stops cleanly and gives it up: A takes it at its next evaluation, without waiting for it to run out.
      await b.release(T0 + 200_000);
      expect(await a.acquire(T0 + 200_001)).toEqual({ holds: true, gained: true });
    } finally {
      await store.close();
    }
  });

  it('lets exactly one of two nodes that find it free at once go on (each reads it back once both wrote)', async () => {
    const store = await open();
    try {
      for (let round = 0; round < 5; round++) {
        const now = T0 + round * 10 * TTL; // every round starts with the lease run out
        const nodes = [new EvaluatorLease(store, `r${round}-a`, TTL, 200), new EvaluatorLease(store, `r${round}-b`, TTL, 200)];
        const got = await Promise.all(nodes.map((n) => n.acquire(now)));
        expect(got.filter((g) => g.holds)).toHaveLength(1);
      }
    } finally {
      await store.close();
    }
  });
});
