import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDBStore } from './duckdb-store.js';

const NOON = (20_416n * 86_400_000_000_000n + 43_200_000_000_000n) as UnixNanos;

describe('a partition file written before spans named their tenant', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-tenant-column-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads as DEFAULT_TENANT's, and takes new appends of any tenant after it", async () => {
    const store = await openDuckDBStore({ dir, now: () => NOON, checkpointIntervalMs: 0 });
    const old = makeTrace(NOON, { service: 'legacy', name: 'old', at: 0, ms: 2, children: [{ service: 'db', name: 'q', at: 1, ms: 1 }] });
    await store.append(old, 1n);
    await store.close();
    // As the file was before: the spans table without its last column, and no tenants table.
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.duckdb'));
    const db = await DuckDBInstance.create(join(dir, file!));
    const conn = await db.connect();
    await conn.run('ALTER TABLE spans DROP COLUMN tenant_id');
    await conn.run('DROP TABLE tenants');
    conn.closeSync();
    db.closeSync();

    const again = await openDuckDBStore({ dir, now: () => NOON, checkpointIntervalMs: 0 });
    try {
      expect((await again.getTrace(old[0]!.traceId)).map((s) => s.name).sort()).toEqual(['old', 'q']);
      expect(await again.services()).toEqual(['db', 'legacy']);
      expect(await again.forTenant('a').services()).toEqual([]);
      const fresh = makeTrace(NOON, { service: 'new', name: 'n', at: 0, ms: 1 });
      await again.append(fresh, 2n, [{ tenant: 'a', spans: fresh.length }]);
      expect((await again.forTenant('a').getTrace(fresh[0]!.traceId)).map((s) => s.name)).toEqual(['n']);
      expect(await again.getTrace(fresh[0]!.traceId)).toEqual([]);
      expect((await again.findTraces({ limit: 5 })).total).toBe(1);
      expect((await again.forTenant('a').findTraces({ limit: 5 })).total).toBe(1);
    } finally {
      await again.close();
    }
  });
});
