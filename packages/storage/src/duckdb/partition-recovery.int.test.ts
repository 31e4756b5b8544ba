import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { UnixNanos } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDBStore } from './duckdb-store.js';
import { PartitionClock } from './partition-files.js';

const NOON = (20_416n * 86_400_000_000_000n + 43_200_000_000_000n) as UnixNanos;

describe('a partition file a crash left without its meta row', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-partition-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is taken for the period its name gives, so the next append goes into it rather than failing for ever', async () => {
    const store = await openDuckDBStore({ dir, now: () => NOON, checkpointIntervalMs: 0 });
    const first = makeSpan();
    await store.append([first], 1n);
    await store.close();
    // As a kill -9 between creating the file and committing its first row leaves it: tables, no meta row.
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.duckdb'));
    const db = await DuckDBInstance.create(join(dir, file!));
    const conn = await db.connect();
    await conn.run('DELETE FROM meta');
    conn.closeSync();
    db.closeSync();

    const again = await openDuckDBStore({ dir, now: () => NOON, checkpointIntervalMs: 0 });
    try {
      const second = makeSpan();
      await again.append([second], 2n);
      expect((await again.getTrace(second.traceId)).map((s) => s.spanId)).toEqual([second.spanId]);
      expect((await again.getTrace(first.traceId)).map((s) => s.spanId)).toEqual([first.spanId]);
      expect(await again.lastWalPosition()).toBe(2n);
      expect((await readdir(dir)).filter((f) => f.endsWith('.duckdb'))).toEqual([file]);
    } finally {
      await again.close();
    }
  });

  it.each([
    [24, 'spans-2025-11-24.duckdb', 20_416],
    [1, 'spans-2025-11-24T05-00.duckdb', 20_416 * 24 + 5],
    [24, 'spans-whatever.duckdb', null],
  ])('every %i h: %s is period %s', (hours, name, period) => {
    const clock = new PartitionClock(hours);
    expect(clock.periodOfFile(join('/data/store', name))).toBe(period);
    if (period !== null) expect(clock.fileName(period)).toBe(name);
  });
});
