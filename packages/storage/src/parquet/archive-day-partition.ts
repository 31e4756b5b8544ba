import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_TENANT } from '@clew/model';
import { PartitionClock } from '../duckdb/partition-files.js';
import { quote } from '../duckdb/partition-loader.js';
import { Partition } from '../duckdb/partition.js';
import { decodeResource, decodeScope } from '../duckdb/span-codec.js';
import { TraceBloom } from '../duckdb/trace-bloom.js';
import type { RangeArchiveDay } from './range-archive-manifest.js';
import { ARCHIVE_BLOCK_SPANS, spansViewSql } from './range-archive-sql.js';

const DAYS = new PartitionClock(24);

/**
 * A range archive's day file as a read-only partition: a schema whose `spans` view reads the Parquet file with the
 * columns of a store partition, and what the store's readers keep in memory about a partition (resources, scopes,
 * tenants, the trace blooms of its blocks), read from the file once. The store's readers then answer from it as from
 * any partition.
 */
export async function attachArchiveDay(conn: DuckDBConnection, dir: string, day: RangeArchiveDay, index: number): Promise<Partition> {
  const file = join(dir, day.file);
  const schema = `a_${index}`;
  await conn.run(`CREATE SCHEMA ${schema}`);
  await conn.run(spansViewSql(schema, file));
  const src = `read_parquet(${quote(file)})`;
  const dayIndex = Math.floor(Date.parse(`${day.day}T00:00:00Z`) / 86_400_000);
  const [start, end] = DAYS.bounds(dayIndex);
  const p = new Partition(dayIndex, schema, file, start, end, {
    wal: 0n,
    minStart: BigInt(day.minStart),
    maxStart: BigInt(day.maxStart),
    spans: BigInt(day.spans),
    blk: 0,
    blkSpans: 0,
  });
  p.archived = true;
  p.archivedSpans = day.tenants;
  for (const [id, enc] of await rows(conn, `SELECT DISTINCT clew_resource_id, clew_resource FROM ${src}`)) {
    p.addResource(Number(id), decodeResource(enc as string), enc as string);
  }
  for (const [id, enc] of await rows(conn, `SELECT DISTINCT clew_scope_id, clew_scope FROM ${src}`)) {
    p.addScope(Number(id), decodeScope(enc as string), enc as string);
  }
  for (const [tenantId, tenant, resId] of await rows(conn, `SELECT DISTINCT clew_tenant_id, tenant, clew_resource_id FROM ${src}`)) {
    if (tenant !== DEFAULT_TENANT) p.tenantIds.set(tenant as string, Number(tenantId));
    p.addTenantResource(tenant as string, Number(resId));
  }
  // The blooms of the file's blocks, sized for a block (smaller than a live partition's).
  const blooms = await rows(
    conn,
    `SELECT DISTINCT clew_block, ('0x' || substr(trace_id, 25, 8))::UINTEGER, ('0x' || substr(trace_id, 17, 8))::UINTEGER FROM ${src}`,
  );
  for (const [blk, lo, hi] of blooms) {
    let b = p.blooms.get(Number(blk));
    if (!b) p.blooms.set(Number(blk), (b = new TraceBloom(ARCHIVE_BLOCK_SPANS)));
    b.add(Number(lo), Number(hi));
  }
  return p;
}

async function rows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await conn.runAndReadAll(sql)).getRows();
}
