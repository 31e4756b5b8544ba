import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { blobValue } from '@duckdb/node-api';
import type { Resource, Scope, Span, Tenant } from '@clew/model';
import { DEFAULT_TENANT, isValidTenant, serviceName } from '@clew/model';
import type { TenantRun } from '../store.js';
import type { Partition } from './partition.js';
import { BLOCK_SPANS } from './partition.js';
import { encodeResource, encodeScope } from './span-codec.js';
import { releaseChunks, SpanChunk } from './span-chunk.js';
import { bigint, ubigint, uint } from './sql.js';

/** One chunk serves every store: a batch's spans are added and its data chunks taken without an await in between. */
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
 * A batch encoded ahead of its transaction (prepareBatch): its rows as data chunks, and what they took of the partition.
 * It keeps its rows and not its spans, so that they can be let go once encoded: held until the commit, they outlived the
 * young generation's collections and were copied and promoted (an import about a tenth slower, bench/README.md).
 */
export interface PreparedBatch {
  readonly partition: Partition;
  /** How many spans, and the first and last of their starts. */
  readonly count: number;
  readonly minStart: bigint | null;
  readonly maxStart: bigint | null;
  /** Each run of spans of one tenant and resource, as (tenant, resource id): who has what in the partition. */
  readonly tenantResources: readonly (readonly [Tenant, number])[];
  readonly wal: bigint | undefined;
  readonly chunks: DuckDBDataChunk[];
  /** The resources, scopes and tenants its rows name that were not committed when it was encoded, with their ids. */
  readonly resources: readonly (readonly [number, Resource, string])[];
  readonly scopes: readonly (readonly [number, Scope, string])[];
  readonly newTenants: readonly (readonly [number, Tenant])[];
  /** The block its rows are in. */
  readonly blk: number;
  /** The two lowest words of each trace id it starts, for the block's trace bloom once it commits. */
  readonly traces: readonly number[];
  /** The plan's generation it was encoded in (WritePlan): a batch of an older one no longer counts as outstanding. */
  readonly generation: number;
  /** Written or given up: its chunks are back and the plan no longer counts it (settle). */
  settled: boolean;
}

/**
 * Encodes a batch's rows for a partition, ahead of its transaction: new resources, scopes and tenants take ids after
 * those committed and those of batches encoded before it and not yet committed (the partition's plan), and its rows
 * go in the block those batches leave it at. So one batch can be encoded while the one before it commits; commitBatch
 * checks that what it assumed still holds, and fails it (BatchNoLongerFits) when not: a batch before it failed.
 */
export function prepareBatch(p: Partition, spans: readonly Span[], tenants: readonly Tenant[], wal: bigint | undefined): PreparedBatch {
  const plan = p.plan;
  if (plan.outstanding === 0) {
    plan.clear();
    plan.nextResourceId = p.maxResourceId + 1;
    plan.nextScopeId = p.maxScopeId + 1;
    plan.nextTenantId = Math.max(...p.tenantIds.values()) + 1;
    plan.blk = p.meta.blk;
    plan.blkSpans = p.meta.blkSpans;
  }
  const resources: [number, Resource, string][] = [];
  const scopes: [number, Scope, string][] = [];
  const newTenants: [number, Tenant][] = [];
  const [myResources, myScopes, myTenants] = [new Map<string, number>(), new Map<string, number>(), new Map<Tenant, number>()];
  const resIds = new Uint32Array(spans.length);
  const scopeIds = new Uint32Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i > 0 && s.resource === spans[i - 1]!.resource) resIds[i] = resIds[i - 1]!;
    else {
      const enc = cachedEnc(resourceEnc, s.resource, encodeResource);
      resIds[i] = idFor(p.resourceIds, plan.resourceIds, myResources, enc, () => plan.nextResourceId++, (id) => resources.push([id, s.resource, enc]));
    }
    if (i > 0 && s.scope === spans[i - 1]!.scope) scopeIds[i] = scopeIds[i - 1]!;
    else {
      const enc = cachedEnc(scopeEnc, s.scope, encodeScope);
      scopeIds[i] = idFor(p.scopeIds, plan.scopeIds, myScopes, enc, () => plan.nextScopeId++, (id) => scopes.push([id, s.scope, enc]));
    }
  }
  const tenantIds = new Uint32Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const t = tenants[i]!;
    if (i > 0 && t === tenants[i - 1]) tenantIds[i] = tenantIds[i - 1]!;
    else tenantIds[i] = idFor(p.tenantIds, plan.tenantIds, myTenants, t, () => plan.nextTenantId++, (id) => newTenants.push([id, t]));
  }

  const blk = plan.blk;
  const traces: number[] = [];
  // The block's bloom takes the entries now: if the batch never commits, they only cost false positives.
  const bloom = p.attrBloom(blk);
  let chunks: DuckDBDataChunk[];
  try {
    for (let i = 0; i < spans.length; i++) chunk.add(spans[i]!, tenantIds[i]!, resIds[i]!, scopeIds[i]!, blk, traces, bloom);
    chunks = chunk.take();
  } catch (err) {
    chunk.discard();
    throw err;
  }
  plan.blkSpans += spans.length;
  if (plan.blkSpans >= BLOCK_SPANS) {
    plan.blk++;
    plan.blkSpans = 0;
  }
  plan.outstanding++;
  let minStart: bigint | null = null;
  let maxStart: bigint | null = null;
  const tenantResources: [Tenant, number][] = [];
  for (let i = 0; i < spans.length; i++) {
    const st = spans[i]!.startTimeUnixNano;
    if (minStart === null || st < minStart) minStart = st;
    if (maxStart === null || st > maxStart) maxStart = st;
    if (i === 0 || tenants[i] !== tenants[i - 1] || resIds[i] !== resIds[i - 1]) tenantResources.push([tenants[i]!, resIds[i]!]);
  }
  const count = spans.length;
  return { partition: p, count, minStart, maxStart, tenantResources, wal, chunks, resources, scopes, newTenants, blk, traces, generation: plan.generation, settled: false };
}

/**
 * A prepared batch whose rows no longer fit the partition as committed (a batch before it failed, and what it assumed
 * of it no longer holds; or the partition it was encoded for was dropped while it waited). Its spans are not kept to
 * encode it again: the append fails, and a retry, which has them, encodes them afresh (the server's store writer
 * retries; an import stops, and goes on from its checkpoint).
 */
export class BatchNoLongerFits extends Error {
  constructor() {
    super('the batch was encoded for the store as it was before a batch ahead of it failed (or before its partition was dropped); retry it');
  }
}

/**
 * The id of a resource, scope or tenant (by its key): the committed one, else the one this batch or the plan gave it,
 * else a new one. `add` hears each id the batch has to insert, once.
 */
function idFor<K>(committed: ReadonlyMap<K, number>, plan: Map<K, number>, mine: Map<K, number>, key: K, next: () => number, add: (id: number) => void): number {
  let id = committed.get(key) ?? mine.get(key);
  if (id !== undefined) return id;
  id = plan.get(key);
  if (id === undefined) plan.set(key, (id = next()));
  mine.set(key, id);
  add(id);
  return id;
}

/** Gives a prepared batch up without writing it, as if it failed; nothing when it was written or given up already. */
export function abandonBatch(b: PreparedBatch): void {
  settle(b, true);
}

/** The batch is done with, committed or not: it no longer holds the plan open, and its chunks go back. Once only. */
function settle(b: PreparedBatch, failed: boolean): void {
  if (b.settled) return;
  b.settled = true;
  releaseChunks(b.chunks);
  b.chunks.length = 0;
  const plan = b.partition.plan;
  if (b.generation !== plan.generation) return;
  // A batch that failed leaves ids and a block the partition never got: later batches are checked (fits) anyway.
  if (failed) plan.clear();
  else if (--plan.outstanding === 0) plan.clear();
}

/**
 * Whether a prepared batch's rows are still right for the partition as committed: the same partition and block, and
 * each resource, scope and tenant it has to insert either committed since under the same id or still free.
 */
function fits(p: Partition, b: PreparedBatch): boolean {
  if (b.partition !== p || b.blk !== p.meta.blk) return false;
  const free = <K>(ids: ReadonlyMap<K, number>, taken: (id: number) => boolean, key: K, id: number) => {
    const known = ids.get(key);
    return known === undefined ? !taken(id) : known === id;
  };
  return (
    b.resources.every(([id, , enc]) => free(p.resourceIds, (n) => p.resources.has(n), enc, id)) &&
    b.scopes.every(([id, , enc]) => free(p.scopeIds, (n) => p.scopes.has(n), enc, id)) &&
    b.newTenants.every(([id, name]) => free(p.tenantIds, (n) => [...p.tenantIds.values()].includes(n), name, id))
  );
}

/**
 * Writes one batch into a partition inside one transaction: new resources and scopes, the spans (through the
 * Appender, which joins the connection's open transaction) each with its tenant (`tenants[i]` is span i's), and
 * the meta row with the walPosition. Either all of it commits or none of it does.
 */
export function writeBatch(conn: DuckDBConnection, p: Partition, spans: readonly Span[], tenants: readonly Tenant[], wal?: bigint): Promise<void> {
  return commitBatch(conn, p, prepareBatch(p, spans, tenants, wal));
}

/**
 * Writes a prepared batch into the partition `p` inside one transaction, as writeBatch; BatchNoLongerFits when what it
 * assumed no longer holds (see fits), having written nothing.
 */
export async function commitBatch(conn: DuckDBConnection, p: Partition, b: PreparedBatch): Promise<void> {
  if (!fits(p, b)) {
    settle(b, true);
    throw new BatchNoLongerFits();
  }
  let failed = true;
  try {
    await transaction(conn, p, b);
    failed = false;
  } finally {
    settle(b, failed);
  }
}

async function transaction(conn: DuckDBConnection, p: Partition, b: PreparedBatch): Promise<void> {
  // Those a batch before this one committed since it was encoded are there already.
  const resources = b.resources.filter(([, , enc]) => !p.resourceIds.has(enc));
  const scopes = b.scopes.filter(([, , enc]) => !p.scopeIds.has(enc));
  const newTenants = b.newTenants.filter(([, name]) => !p.tenantIds.has(name));
  const meta = { ...p.meta };
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const [id, r, enc] of resources) {
      await conn.run(`INSERT INTO ${p.alias}.resources VALUES (${uint(id)}, $1, $2)`, [serviceName(r), enc]);
    }
    for (const [id, , enc] of scopes) await conn.run(`INSERT INTO ${p.alias}.scopes VALUES (${uint(id)}, $1)`, [enc]);
    for (const [id, name] of newTenants) await conn.run(`INSERT INTO ${p.alias}.tenants VALUES (${uint(id)}, $1)`, [name]);
    const appender = await conn.createAppender('spans', 'main', p.alias);
    try {
      for (const c of b.chunks) appender.appendDataChunk(c);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    if (b.minStart !== null && (meta.minStart === null || b.minStart < meta.minStart)) meta.minStart = b.minStart;
    if (b.maxStart !== null && (meta.maxStart === null || b.maxStart > meta.maxStart)) meta.maxStart = b.maxStart;
    meta.spans += BigInt(b.count);
    meta.blkSpans += b.count;
    if (meta.blkSpans >= BLOCK_SPANS) {
      await conn.run(`INSERT INTO ${p.alias}.attr_blooms VALUES (${uint(b.blk)}, $1)`, [blobValue(p.attrBloom(b.blk).toBytes())]);
      meta.blk++;
      meta.blkSpans = 0;
    }
    if (b.wal !== undefined && b.wal > meta.wal) meta.wal = b.wal;
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
  p.unchecked += b.count;
  for (const [id, r, enc] of resources) p.addResource(id, r, enc);
  for (const [id, s, enc] of scopes) p.addScope(id, s, enc);
  for (const [id, name] of newTenants) p.tenantIds.set(name, id);
  for (const [tenant, resId] of b.tenantResources) p.addTenantResource(tenant, resId);
  const bloom = p.bloom(b.blk);
  const traces = b.traces;
  for (let i = 0; i < traces.length; i += 2) bloom.add(traces[i]!, traces[i + 1]!);
}
