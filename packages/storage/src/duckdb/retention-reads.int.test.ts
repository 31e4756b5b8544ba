import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBStore } from './duckdb-store.js';
import { openDuckDBStore } from './duckdb-store.js';

const DAY = 86_400_000_000_000n;
const DAY0 = (BigInt(Date.UTC(2026, 10, 1)) * 1_000_000n) as UnixNanos;

/** `n` one-span traces starting from `at`, a millisecond apart. */
const traces = (at: bigint, n: number, name: string): Span[] =>
  Array.from({ length: n }, (_, i) => makeTrace((at + BigInt(i) * 1_000_000n) as UnixNanos, { service: 'checkout', name, at: 0, ms: 1 })).flat();

describe('retention dropping a partition while reads of it are under way', () => {
  let dir: string;
  let store: DuckDBStore;
  let now = DAY0 + DAY / 2n;
  // Received on day 0 (three pages of a scan) and on day 2.
  const old = traces(DAY0, 2500, 'old');
  const recent = traces(DAY0 + 2n * DAY, 10, 'recent');
  const window = { start: DAY0, end: (DAY0 + 3n * DAY) as UnixNanos };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-retention-reads-'));
    store = await openDuckDBStore({ dir, checkpointIntervalMs: 0, now: () => now as UnixNanos });
    await store.append(old);
    now = DAY0 + 2n * DAY + DAY / 2n;
    await store.append(recent);
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets a scan begun before the drop read the partition to its end; reads begun after do not see it', async () => {
    expect((await readdir(dir)).filter((f) => f.endsWith('.duckdb'))).toEqual(['spans-2026-11-01.duckdb', 'spans-2026-11-03.duckdb']);
    const scan = store.scanSpans!(window)[Symbol.asyncIterator]();
    const first = await scan.next();
    expect(first.value).toHaveLength(1000);
    // Retention drops day 0's partition between two pages of the scan: its file goes at once.
    expect(await store.dropBefore((DAY0 + DAY + DAY / 2n) as UnixNanos)).toBe(1);
    expect((await readdir(dir)).filter((f) => f.endsWith('.duckdb'))).toHaveLength(1);
    // The scan goes on through the partition it began with (it failed with a catalog error when it was detached at once).
    const rest: Span[] = [];
    for (let r = await scan.next(); !r.done; r = await scan.next()) rest.push(...r.value);
    expect(first.value!.length + rest.length).toBe(old.length + recent.length);
    // A read begun after the drop does not see it.
    expect((await store.findTraces({ start: window.start, end: window.end, limit: 20 })).total).toBe(recent.length);
    let after = 0;
    for await (const page of store.scanSpans!(window)) after += page.length;
    expect(after).toBe(recent.length);
    // Retention's next turn detaches it; the store goes on, and closes and opens again without it.
    expect(await store.dropBefore((DAY0 + DAY + DAY / 2n) as UnixNanos)).toBe(0);
    expect((await store.findTraces({ start: window.start, end: window.end, limit: 20 })).total).toBe(recent.length);
    await store.close();
    // Nothing of day 0's partition is left on disk (its file, nor a log detaching it may have written).
    expect((await readdir(dir)).filter((f) => f.includes('2026-11-01'))).toEqual([]);
    store = await openDuckDBStore({ dir, checkpointIntervalMs: 0, now: () => now as UnixNanos });
    expect((await store.findTraces({ start: window.start, end: window.end, limit: 20 })).total).toBe(recent.length);
  });
});
