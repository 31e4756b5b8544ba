import type { DuckDBConnection } from '@duckdb/node-api';
import { blobValue } from '@duckdb/node-api';
import type { Span, Tenant } from '@clew/model';
import { DEFAULT_TENANT, isValidTenant, serviceName } from '@clew/model';
import type { TenantRun } from '../store.js';
import type { Partition } from './partition.js';
import { BLOCK_SPANS } from './partition.js';
import { encodeResource, encodeScope } from './span-codec.js';
import { SpanChunk } from './span-chunk.js';
import { bigint, ubigint, uint } from './sql.js';

/** One chunk serves every store: it is filled and appended without an await in between (see writeBatch). */
const chunk = new SpanChunk();

/** Encodings of resources and scopes seen before, by object: decoders share them by reference. */
const resourceEnc = new WeakMap<object, string>();
const scopeEnc = new WeakMap<object, string>();

function cachedEnc<T extends object>(cache: WeakMap<object, string>, o: T, enc: (o: T) => string): string {
  let s = cache.get(o);
  if (s === undefined) cache.set(o, (s = enc(o)));
  return s;
}

/** An empty append (only a walPosition) into a new partition leaves its time range unknown. */
const nullable = (n: bigint | null): string => (n === null ? 'NULL' : ubigint(n));

/**
 * The tenant of each of `count` spans from an append's runs (all DEFAULT_TENANT's without runs). Runs that do not
 * cover the spans exactly, or name an invalid tenant, are a caller's bug: a RangeError, which no retry fixes.
 */
export function tenantsOf(count: number, runs: readonly TenantRun[] | undefined): Tenant[] {
  // The names are bound as parameters (the `tenants` table) and never written into SQL; checked all the same.
  if (runs === undefined) return new Array<Tenant>(count).fill(DEFAULT_TENANT);
  const out: Tenant[] = [];
  for (const { tenant, spans } of runs) {
    if (!isValidTenant(tenant)) throw new RangeError(`not a tenant name: ${JSON.stringify(tenant)}`);
    if (!Number.isInteger(spans) || spans < 0 || out.length + spans > count) {
      throw new RangeError(`tenant runs do not fit the ${count} spans appended (a run of ${spans} after ${out.length})`);
    }
    for (let i = 0; i < spans; i++) out.push(tenant);
  }
  if (out.length !== count) throw new RangeError(`tenant runs cover ${out.length} of the ${count} spans appended`);
  return out;
}

/**
 * Writes one batch into a partition inside one transaction: new resources and scopes, the spans (through the
 * Appender, which joins the connection's open transaction) each with its tenant (`tenants[i]` is span i's), and
 * the meta row with the walPosition. Either all of it commits or none of it does.
 */
export async function writeBatch(
  conn: DuckDBConnection,
  p: Partition,
  spans: readonly Span[],
  tenants: readonly Tenant[],
  wal?: bigint,
): Promise<void> {
  const newResources: [number, Span['resource'], string][] = [];
  const newScopes: [number, Span['scope'], string][] = [];
  const resIds = new Map<string, number>();
  const scopeIds = new Map<string, number>();
  const idOf = (
    enc: string,
    known: Map<string, number>,
    pending: Map<string, number>,
    size: number,
    add: (id: number) => void,
  ): number => {
    let id = known.get(enc) ?? pending.get(enc);
    if (id === undefined) {
      id = size + pending.size + 1;
      pending.set(enc, id);
      add(id);
    }
    return id;
  };
  const rows = spans.map((s) => {
    const re = cachedEnc(resourceEnc, s.resource, encodeResource);
    const se = cachedEnc(scopeEnc, s.scope, encodeScope);
    const r = idOf(re, p.resourceIds, resIds, p.resources.size, (id) => newResources.push([id, s.resource, re]));
    const sc = idOf(se, p.scopeIds, scopeIds, p.scopes.size, (id) => newScopes.push([id, s.scope, se]));
    return [s, r, sc] as const;
  });

  // Each tenant's id in this partition; ids of tenants new to it are added in the transaction.
  const newTenants: [number, Tenant][] = [];
  const tenantIds = new Uint32Array(spans.length);
  let nextTenantId = Math.max(...p.tenantIds.values()) + 1;
  for (let i = 0; i < spans.length; i++) {
    const t = tenants[i]!;
    if (i > 0 && t === tenants[i - 1]) tenantIds[i] = tenantIds[i - 1]!;
    else {
      let id = p.tenantIds.get(t) ?? newTenants.find(([, n]) => n === t)?.[0];
      if (id === undefined) newTenants.push([(id = nextTenantId++), t]);
      tenantIds[i] = id;
    }
  }

  const traces: number[] = [];
  const meta = { ...p.meta };
  const blk = meta.blk;
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const [id, r, enc] of newResources) {
      await conn.run(`INSERT INTO ${p.alias}.resources VALUES (${uint(id)}, $1, $2)`, [serviceName(r), enc]);
    }
    for (const [id, , enc] of newScopes) await conn.run(`INSERT INTO ${p.alias}.scopes VALUES (${uint(id)}, $1)`, [enc]);
    for (const [id, name] of newTenants) await conn.run(`INSERT INTO ${p.alias}.tenants VALUES (${uint(id)}, $1)`, [name]);
    const appender = await conn.createAppender('spans', 'main', p.alias);
    try {
      // The block's bloom takes the entries before the commit: if it fails, they only cost false positives.
      const bloom = p.attrBloom(blk);
      for (let i = 0; i < rows.length; i++) {
        const [s, r, sc] = rows[i]!;
        chunk.add(appender, s, tenantIds[i]!, r, sc, blk, traces, bloom);
      }
      chunk.flush(appender);
      appender.flushSync();
    } finally {
      chunk.discard();
      appender.closeSync();
    }
    for (const [s] of rows) {
      const st = s.startTimeUnixNano;
      if (meta.minStart === null || st < meta.minStart) meta.minStart = st;
      if (meta.maxStart === null || st > meta.maxStart) meta.maxStart = st;
    }
    meta.spans += BigInt(spans.length);
    meta.blkSpans += spans.length;
    if (meta.blkSpans >= BLOCK_SPANS) {
      await conn.run(`INSERT INTO ${p.alias}.attr_blooms VALUES (${uint(blk)}, $1)`, [blobValue(p.attrBloom(blk).toBytes())]);
      meta.blk++;
      meta.blkSpans = 0;
    }
    if (wal !== undefined && wal > meta.wal) meta.wal = wal;
    await conn.run(
      `UPDATE ${p.alias}.meta SET wal = ${ubigint(meta.wal)}, min_start = ${nullable(meta.minStart)},
         max_start = ${nullable(meta.maxStart)}, spans = ${ubigint(meta.spans)}, blk = ${uint(meta.blk)},
         blk_spans = ${bigint(BigInt(meta.blkSpans))};
       COMMIT`, // one call for both: each statement run costs ~0.3 ms of CPU, which small batches feel
    );
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  // Only now, after the commit, does the in-memory view change.
  p.meta = meta;
  p.unchecked += spans.length;
  for (const [id, r, enc] of newResources) p.addResource(id, r, enc);
  for (const [id, s, enc] of newScopes) p.addScope(id, s, enc);
  for (const [id, name] of newTenants) p.tenantIds.set(name, id);
  for (let i = 0; i < rows.length; i++) {
    if (i === 0 || tenants[i] !== tenants[i - 1] || rows[i]![1] !== rows[i - 1]![1]) p.addTenantResource(tenants[i]!, rows[i]![1]);
  }
  const bloom = p.bloom(blk);
  for (let i = 0; i < traces.length; i += 2) bloom.add(traces[i]!, traces[i + 1]!);
}
