import type { Resource, Scope, Tenant, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, serviceName } from '@clew/model';
import { AttrBloom } from './attr-bloom.js';
import { TraceBloom } from './trace-bloom.js';

/** Spans per lookup block: about one DuckDB row group, so a block's rows sit in one or two row groups. */
export const BLOCK_SPANS = 100_000;

export interface PartitionMeta {
  wal: bigint;
  minStart: bigint | null;
  maxStart: bigint | null;
  spans: bigint;
  blk: number;
  blkSpans: number;
}

/**
 * The ids and block that batches encoded but not yet committed took, so that the next batch can be encoded while the
 * one before it commits (span-writer's prepareBatch). Empty while no such batch is outstanding.
 */
export class WritePlan {
  readonly resourceIds = new Map<string, number>();
  readonly scopeIds = new Map<string, number>();
  readonly tenantIds = new Map<Tenant, number>();
  nextResourceId = 0;
  nextScopeId = 0;
  nextTenantId = 0;
  blk = 0;
  blkSpans = 0;
  /** Batches encoded on top of the plan and not yet committed or given up. */
  outstanding = 0;
  /** Moves on at each clear: batches encoded before it no longer count as outstanding. */
  generation = 0;

  clear(): void {
    this.generation++;
    this.resourceIds.clear();
    this.scopeIds.clear();
    this.tenantIds.clear();
    this.outstanding = 0;
  }
}

export interface StoredResource {
  readonly resource: Resource;
  readonly service: string;
}

/**
 * One ingest period's DuckDB file, ATTACHed under `alias`, and what the store keeps in memory about it: its meta
 * row, its resources and scopes (few, and needed to decode and to filter by service), and its trace-id blooms.
 */
export class Partition {
  readonly resources = new Map<number, StoredResource>();
  readonly resourceIds = new Map<string, number>();
  readonly scopes = new Map<number, Scope>();
  readonly scopeIds = new Map<string, number>();
  readonly blooms = new Map<number, TraceBloom>();
  /** Attribute blooms of full blocks and of the block being written; a block missing here is always searched. */
  readonly attrBlooms = new Map<number, AttrBloom>();
  /**
   * The resources each tenant's spans here refer to: what services() lists and a service filter picks from, and
   * whether a tenant has any span here at all. Resources themselves are shared by the tenants.
   */
  readonly tenantResources = new Map<Tenant, Set<number>>();
  /** The `tenant_id` of each tenant named in the partition (DEFAULT_TENANT is 0 in every one). */
  readonly tenantIds = new Map<Tenant, number>([[DEFAULT_TENANT, 0]]);
  /** Spans appended since the partition was last checkpointed. */
  unchecked = 0;
  /** What batches encoded ahead of their transaction assumed (see span-writer's prepareBatch). */
  readonly plan = new WritePlan();
  /** The highest resource and scope ids committed: new ones are numbered after them. */
  maxResourceId = 0;
  maxScopeId = 0;
  /** A read-only day of an attached range archive (parquet/): read like the others, never scanned for export. */
  archived = false;
  /**
   * For a range archive's day: the earliest span start the live store holds of a tenant (undefined when it holds
   * none). From then on the live store answers for the tenant and the day answers only for what starts before, so
   * that a range attached while the live store still holds it is not read twice.
   */
  liveFrom: ((tenant: Tenant) => bigint | undefined) | undefined;
  /** For a range archive's day: its spans of each tenant, as its manifest lists them. */
  archivedSpans: Readonly<Record<string, number>> | undefined;

  constructor(
    readonly period: number,
    readonly alias: string,
    readonly file: string,
    readonly ingestStart: UnixNanos,
    readonly ingestEnd: UnixNanos,
    public meta: PartitionMeta,
  ) {}

  addResource(id: number, resource: Resource, enc: string): void {
    this.resources.set(id, { resource, service: serviceName(resource) });
    this.resourceIds.set(enc, id);
    if (id > this.maxResourceId) this.maxResourceId = id;
  }

  addScope(id: number, scope: Scope, enc: string): void {
    this.scopes.set(id, scope);
    this.scopeIds.set(enc, id);
    if (id > this.maxScopeId) this.maxScopeId = id;
  }

  addTenantResource(tenant: Tenant, resId: number): void {
    let ids = this.tenantResources.get(tenant);
    if (!ids) this.tenantResources.set(tenant, (ids = new Set()));
    ids.add(resId);
  }

  bloom(blk: number): TraceBloom {
    let b = this.blooms.get(blk);
    if (!b) this.blooms.set(blk, (b = new TraceBloom(BLOCK_SPANS)));
    return b;
  }

  attrBloom(blk: number): AttrBloom {
    let b = this.attrBlooms.get(blk);
    if (!b) this.attrBlooms.set(blk, (b = new AttrBloom()));
    return b;
  }

  /** Blocks that may hold spans with every one of the attribute entries (all blocks when none is given). */
  attrCandidateBlocks(keys: readonly Uint32Array[]): number[] {
    const out: number[] = [];
    for (const blk of this.blooms.keys()) {
      const b = this.attrBlooms.get(blk);
      if (!b || keys.every((k) => b.mayContain(k))) out.push(blk);
    }
    return out;
  }

  /** Blocks that may hold the trace. */
  candidateBlocks(lo: number, hi: number): number[] {
    const out: number[] = [];
    for (const [blk, b] of this.blooms) if (b.mayContain(lo, hi)) out.push(blk);
    return out;
  }

  /** Ids of the resources of the tenant's spans here that satisfy `pred`. */
  resourceIdsWhere(tenant: Tenant, pred: (r: StoredResource) => boolean): number[] {
    const out: number[] = [];
    for (const id of this.tenantResources.get(tenant) ?? []) {
      const r = this.resources.get(id);
      if (r && pred(r)) out.push(id);
    }
    return out.sort((a, b) => a - b);
  }

  /** Whether the tenant has spans here (`whole`: counting those of an archive's day the live store answers for). */
  holds(tenant: Tenant, whole = false): boolean {
    if (!this.tenantResources.has(tenant)) return false;
    const from = whole ? undefined : this.liveFrom?.(tenant);
    return from === undefined || this.meta.minStart === null || from > this.meta.minStart;
  }

  /**
   * `tenant_id = n` for the tenant's spans here, or null when it has none; on an archive's day, only those before the
   * live store's (see `liveFrom`) unless `whole`.
   */
  tenantCondition(tenant: Tenant, whole = false): string | null {
    const id = this.tenantIds.get(tenant);
    if (id === undefined || !this.holds(tenant, whole)) return null;
    const own = `tenant_id = ${id >>> 0}::UINTEGER`;
    const from = whole ? undefined : this.liveFrom?.(tenant);
    return from === undefined || (this.meta.maxStart !== null && from > this.meta.maxStart) ? own : `${own} AND start_ns < ${from}`;
  }

  /** False when no span of this partition can start inside [start, end]. */
  overlaps(start?: bigint, end?: bigint): boolean {
    const { minStart, maxStart } = this.meta;
    if (minStart === null || maxStart === null) return false;
    return (start === undefined || maxStart >= start) && (end === undefined || minStart <= end);
  }
}
