import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { UnixNanos } from '@clew/model';
import type { Store } from '../store.js';

export type OpenStore = (opts: { dir: string; now: () => UnixNanos }) => Promise<Store>;

export const NANOS_PER_DAY = 86_400_000_000_000n;
/** Noon UTC on 2025-11-24: the ingest clock starts mid-period, away from partition edges. */
export const DAY0 = 20_416n * NANOS_PER_DAY;
export const NOON = DAY0 + NANOS_PER_DAY / 2n;

/** A fresh store per test in its own temp dir, with a clock the test moves; closed and removed afterwards. */
export interface Harness {
  readonly store: Store;
  readonly dir: string;
  /** The injected ingest clock; assign to move it. */
  now: UnixNanos;
  /** Closes the store and opens it again on the same directory. */
  reopen(): Promise<Store>;
  /** Another store, empty, in its own temp dir on the same clock (a reference to compare with); closed afterwards. */
  openAnother(): Promise<Store>;
}

export function useStore(open: OpenStore): Harness {
  let store: Store | undefined;
  let dir = '';
  const others: { store: Store; dir: string }[] = [];
  const h = {
    now: NOON as UnixNanos,
    get store(): Store {
      if (!store) throw new Error('store not open');
      return store;
    },
    get dir(): string {
      return dir;
    },
    async reopen(): Promise<Store> {
      await store?.close();
      store = await open({ dir, now: () => h.now });
      return store;
    },
    async openAnother(): Promise<Store> {
      const other = { dir: await mkdtemp(join(tmpdir(), 'clew-store-')), store: undefined as Store | undefined };
      other.store = await open({ dir: other.dir, now: () => h.now });
      others.push(other as { store: Store; dir: string });
      return other.store;
    },
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-store-'));
    h.now = NOON as UnixNanos;
    store = await open({ dir, now: () => h.now });
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await rm(dir, { recursive: true, force: true });
    for (const o of others.splice(0)) {
      await o.store.close();
      await rm(o.dir, { recursive: true, force: true });
    }
  });
  return h;
}
