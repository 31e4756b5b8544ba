import type { DuckDBBlobValue, DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_TENANT } from '@clew/model';
import { AttrBloom } from './attr-bloom.js';
import type { PartitionClock } from './partition-files.js';
import { Partition } from './partition.js';
import { createPartitionSql } from './schema.js';
import { decodeResource, decodeScope } from './span-codec.js';
import { bigint } from './sql.js';

/**
 * ATTACHes a partition file (creating its tables when new) and loads what the store keeps in memory about it.
 * `period` is only used for a file without a meta row (a new one, or one a crash left before its first commit); an
 * existing one knows its own.
 */
export async function attachPartition(conn: DuckDBConnection, clock: PartitionClock, file: string, period: number): Promise<Partition> {
  const alias = `p_${Math.abs(hashString(file))}`;
  // A storage version new enough for zstd string compression; files keep the version they were created with.
  await conn.run(`ATTACH ${quote(file)} AS ${alias} (STORAGE_VERSION '${STORAGE_VERSION}')`);
  for (const sql of createPartitionSql(alias)) await conn.run(sql);
  let metaRows = (await conn.runAndReadAll(`SELECT period, wal, min_start, max_start, spans, blk, blk_spans FROM ${alias}.meta`)).getRows();
  if (metaRows.length === 0) {
    await conn.run(`INSERT INTO ${alias}.meta VALUES (${bigint(BigInt(period))}, 0, NULL, NULL, 0, 0, 0)`);
    metaRows = [[BigInt(period), 0n, null, null, 0n, 0, 0n]];
  }
  const m = metaRows[0]!;
  const own = Number(m[0]);
  const [start, end] = clock.bounds(own);
  const p = new Partition(own, alias, file, start, end, {
    wal: m[1] as bigint,
    minStart: m[2] as bigint | null,
    maxStart: m[3] as bigint | null,
    spans: m[4] as bigint,
    blk: Number(m[5]),
    blkSpans: Number(m[6]),
  });
  for (const [id, , enc] of (await conn.runAndReadAll(`SELECT id, service, enc FROM ${alias}.resources`)).getRows()) {
    p.addResource(Number(id), decodeResource(enc as string), enc as string);
  }
  for (const [id, enc] of (await conn.runAndReadAll(`SELECT id, enc FROM ${alias}.scopes`)).getRows()) {
    p.addScope(Number(id), decodeScope(enc as string), enc as string);
  }
  const names = new Map<number, string>([[0, DEFAULT_TENANT]]);
  for (const [id, name] of (await conn.runAndReadAll(`SELECT id, name FROM ${alias}.tenants`)).getRows()) {
    names.set(Number(id), name as string);
    p.tenantIds.set(name as string, Number(id));
  }
  for (const [id, resId] of (await conn.runAndReadAll(`SELECT DISTINCT tenant_id, res_id FROM ${alias}.spans`)).getRows()) {
    const tenant = names.get(Number(id));
    if (tenant === undefined) throw new Error(`partition ${file} is corrupt: spans of tenant ${String(id)}, which it does not name`);
    p.addTenantResource(tenant, Number(resId));
  }
  await rebuildBlooms(conn, p);
  for (const [blk, bits] of (await conn.runAndReadAll(`SELECT blk, bits FROM ${alias}.attr_blooms`)).getRows()) {
    p.attrBlooms.set(Number(blk), AttrBloom.fromBytes((bits as DuckDBBlobValue).bytes));
  }
  // The attribute bloom of a block left part-full was never stored: start the next append on a fresh block.
  if (p.meta.blkSpans > 0) p.meta = { ...p.meta, blk: p.meta.blk + 1, blkSpans: 0 };
  return p;
}

/** Blooms are not stored: one pass over (blk, trace id) rebuilds them, with DuckDB doing the distinct. */
async function rebuildBlooms(conn: DuckDBConnection, p: Partition): Promise<void> {
  const reader = await conn.runAndReadAll(
    `SELECT DISTINCT blk, (trace_id & 4294967295::UHUGEINT)::UINTEGER, ((trace_id >> 32) & 4294967295::UHUGEINT)::UINTEGER
     FROM ${p.alias}.spans`,
  );
  for (const [blk, lo, hi] of reader.getRows()) p.bloom(Number(blk)).add(Number(lo), Number(hi));
}

const STORAGE_VERSION = 'v1.3.0';

export function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
