import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, it } from 'vitest';
import type { MetricsStore } from '../metrics/metrics-store.js';

/** Opens a metrics store kept in `dir` (the same dir opens the same store). */
export type OpenMetricsStore = (opts: { dir: string }) => Promise<MetricsStore>;

/** Cases a backend cannot meet, each group with the reason printed when the suite runs. */
export interface SkipCases {
  readonly reason: string;
  readonly tests: readonly string[];
}

export interface MetricsConformanceOptions {
  readonly open: OpenMetricsStore;
  /**
   * Runs the backend's background work now (compaction, rollups into coarser tiers), so that the cases can check
   * that a query reads the same before and after it. Backends without any leave it out.
   */
  readonly maintain?: (store: MetricsStore) => Promise<void>;
  readonly skip?: readonly SkipCases[];
}

/** A fresh store per test in its own temp dir; closed and removed afterwards. */
export interface MetricsHarness {
  readonly store: MetricsStore;
  readonly dir: string;
  /** Closes the store and opens it again on the same directory. */
  reopen(): Promise<MetricsStore>;
  /** The backend's background work, run now (nothing when it has none). */
  maintain(): Promise<void>;
  /** Registers a case unless the backend skips it, in which case the reason is printed. */
  readonly it: (name: string, fn: () => Promise<void>) => void;
}

export function useMetricsStore(opts: MetricsConformanceOptions): MetricsHarness {
  let store: MetricsStore | undefined;
  let dir = '';
  const skipped = new Map<string, string>();
  for (const s of opts.skip ?? []) for (const t of s.tests) skipped.set(t, s.reason);
  const h: MetricsHarness = {
    get store(): MetricsStore {
      if (!store) throw new Error('metrics store not open');
      return store;
    },
    get dir(): string {
      return dir;
    },
    async reopen(): Promise<MetricsStore> {
      await store?.close();
      store = await opts.open({ dir });
      return store;
    },
    async maintain(): Promise<void> {
      await opts.maintain?.(h.store);
    },
    it(name, fn): void {
      const reason = skipped.get(name);
      if (reason === undefined) return void it(name, fn);
      console.warn(`metrics conformance: skipping "${name}": ${reason}`);
      it.skip(`${name} (skipped: ${reason})`, fn);
    },
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-metrics-'));
    store = await opts.open({ dir });
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await rm(dir, { recursive: true, force: true });
  });
  return h;
}
