import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { blobValue } from './node-api.js';
import type { Resource, Scope, Span, Tenant } from '@clew/model';
import { DEFAULT_TENANT, isValidTenant, serviceName } from '@clew/model';
import type { TenantRun } from '../store.js';
import type { AttrBloom } from './attr-bloom.js';
import type { Partition, WritePlan } from './partition.js';
import type { TraceBloom } from './trace-bloom.js';
import { BLOCK_SPANS } from './partition.js';
import { encodeResource, encodeScope } from './span-codec.js';
import { releaseChunks, SpanChunk } from './span-chunk.js';
import { bigint, ubigint, uint } from './sql.js';

/**
 * Chunks not in use by a batch being encoded: most batches are encoded whole at once (prepareBatch), one chunk serving
 * them all; a batch encoded as its spans come in (BatchEncoder) holds one until it is finished.
 */
const idleChunks: SpanChunk[] = [];
const MAX_IDLE_CHUNKS = 4;

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
  const encoder = new BatchEncoder(p);
  try {
    encoder.add(spans, tenants);
  } catch (err) {
    encoder.abandon();
    throw err;
  }
  return encoder.finish(wal);
}

/**
 * A batch encoded as its spans come in, for a caller that gathers a batch over time (`clew import` reading a file):
 * each add encodes its spans into the batch's rows at once, so that the caller need not hold them until the batch is
 * whole (held, spans outlived the young generation's collections and were copied and promoted). Open, it counts as
 * outstanding in the partition's plan (as a prepared batch does), so the ids it takes stay its own while the batches
 * before it commit. finish gives the PreparedBatch to commit; abandon gives it up.
 */
export class BatchEncoder {
  private readonly plan: WritePlan;
  private readonly generation: number;
  private readonly chunk = idleChunks.pop() ?? new SpanChunk();
  private readonly blk: number;
  private readonly bloom: AttrBloom;
  private readonly traces: number[] = [];
  private readonly resources: [number, Resource, string][] = [];
  private readonly scopes: [number, Scope, string][] = [];
  private readonly newTenants: [number, Tenant][] = [];
  private readonly myResources = new Map<string, number>();
  private readonly myScopes = new Map<string, number>();
  private readonly myTenants = new Map<Tenant, number>();
  private readonly tenantResources: [Tenant, number][] = [];
  private count = 0;
  private minStart: bigint | null = null;
  private maxStart: bigint | null = null;
  /** The last span's resource, scope and tenant, and their ids: runs of them are looked up once (none before the first). */
  private readonly last: { resource: Resource | null; resId: number; scope: Scope | null; scopeId: number; tenant: Tenant | null; tenantId: number } = {
    resource: null,
    resId: 0,
    scope: null,
    scopeId: 0,
    tenant: null,
    tenantId: 0,
  };
  private done = false;

  constructor(private readonly p: Partition) {
    const plan = p.plan;
    if (plan.outstanding === 0) {
      plan.clear();
      plan.nextResourceId = p.maxResourceId + 1;
      plan.nextScopeId = p.maxScopeId + 1;
      plan.nextTenantId = Math.max(...p.tenantIds.values()) + 1;
      plan.blk = p.meta.blk;
      plan.blkSpans = p.meta.blkSpans;
    }
    plan.outstanding++;
    this.plan = plan;
    this.generation = plan.generation;
    this.blk = plan.blk;
    // The block's bloom takes the entries now: if the batch never commits, they only cost false positives.
    this.bloom = p.attrBloom(this.blk);
  }

  /** Encodes spans into the batch, `tenants[i]` being span i's tenant; on a throw, abandon the batch. */
  add(spans: readonly Span[], tenants: readonly Tenant[]): void {
    if (this.done) throw new Error('the batch was finished or given up');
    const { chunk, blk, traces, bloom, last } = this;
    let minStart = this.minStart;
    let maxStart = this.maxStart;
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      const t = tenants[i]!;
      // Each id is looked up in a method of its own: callbacks made here would capture the loop's variables, and V8
      // then makes a context object for every span, whether or not a callback is made.
      const resId = s.resource === last.resource ? last.resId : this.resourceId(s.resource);
      const scopeId = s.scope === last.scope ? last.scopeId : this.scopeId(s.scope);
      const tenantId = t === last.tenant ? last.tenantId : this.tenantId(t);
      if (t !== last.tenant || resId !== last.resId) this.tenantResources.push([t, resId]);
      chunk.add(s, tenantId, resId, scopeId, blk, traces, bloom);
      // Stored as they change, not after the loop: V8 compiles this loop on its first long batch (on-stack
      // replacement), before any code after the loop has run. Code there deoptimized that compiled loop at the end of
      // every later batch, each time in 0.6 ms (`--trace-deopt`: once a request under import --url).
      const st = s.startTimeUnixNano;
      if (minStart === null || st < minStart) this.minStart = minStart = st;
      if (maxStart === null || st > maxStart) this.maxStart = maxStart = st;
      last.resource = s.resource;
      last.resId = resId;
      last.scope = s.scope;
      last.scopeId = scopeId;
      last.tenant = t;
      last.tenantId = tenantId;
      // Counted span by span, so that a throw leaves the batch as far as it got.
      this.count++;
    }
  }

  private resourceId(r: Resource): number {
    const { p, plan } = this;
    const enc = cachedEnc(resourceEnc, r, encodeResource);
    return idFor(p.resourceIds, plan.resourceIds, this.myResources, enc, () => plan.nextResourceId++, (id) => this.resources.push([id, r, enc]));
  }

  private scopeId(sc: Scope): number {
    const { p, plan } = this;
    const enc = cachedEnc(scopeEnc, sc, encodeScope);
    return idFor(p.scopeIds, plan.scopeIds, this.myScopes, enc, () => plan.nextScopeId++, (id) => this.scopes.push([id, sc, enc]));
  }

  private tenantId(t: Tenant): number {
    const { p, plan } = this;
    return idFor(p.tenantIds, plan.tenantIds, this.myTenants, t, () => plan.nextTenantId++, (id) => this.newTenants.push([id, t]));
  }

  /** The batch encoded, to commit (commitBatch) or give up (abandonBatch). */
  finish(wal: bigint | undefined): PreparedBatch {
    if (this.done) throw new Error('the batch was finished or given up');
    this.done = true;
    const chunks = this.chunk.take();
    this.release();
    const plan = this.plan;
    if (this.generation === plan.generation) {
      plan.blkSpans += this.count;
      if (plan.blkSpans >= BLOCK_SPANS) {
        plan.blk++;
        plan.blkSpans = 0;
      }
    }
    const { p, count, minStart, maxStart, tenantResources, resources, scopes, newTenants, blk, traces, generation } = this;
    return { partition: p, count, minStart, maxStart, tenantResources, wal, chunks, resources, scopes, newTenants, blk, traces, generation, settled: false };
  }

  /** Gives the batch up: its rows are let go, and the plan no longer counts it. */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.chunk.discard();
    this.release();
    // The ids it took stay in the plan: a batch encoded after it may have been given them too, and inserts them itself.
    if (this.generation === this.plan.generation && --this.plan.outstanding === 0) this.plan.clear();
  }

  private release(): void {
    if (idleChunks.length < MAX_IDLE_CHUNKS) idleChunks.push(this.chunk);
  }
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
  addTraces(p.bloom(b.blk), b.traces);
}

/**
 * The batch's traces into their block's bloom. A function of its own so that its loop, thousands of traces a batch,
 * leaves transaction cold: V8 compiled that whole async function for the loop, three times in an import, 100 ms each.
 */
function addTraces(bloom: TraceBloom, traces: readonly number[]): void {
  for (let i = 0; i < traces.length; i += 2) bloom.add(traces[i]!, traces[i + 1]!);
}
