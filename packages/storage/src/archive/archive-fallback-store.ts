import type { Span, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from '../span-comparison.js';
import type {
  Operation,
  OperationQuery,
  SpanReader,
  Store,
  StoreStats,
  TenantRun,
  TimeWindow,
  TraceDigest,
  TracePoints,
  TraceQuery,
  TraceSearchResult,
} from '../store.js';
import { DefaultTenantReads } from '../default-tenant-reads.js';
import type { TenantArchive } from './trace-archive.js';

/**
 * The live store, whose trace-by-id reads fall back to the archive for archived traces the live store no longer
 * holds (Jaeger's query service reads its archive reader for the ids the primary store lacks). Writes, retention and
 * stats are the live store's: the archive is out of their reach. Searches read live spans only.
 */
export class ArchiveFallbackStore extends DefaultTenantReads implements Store {
  private readonly own: SpanReader;

  constructor(
    private readonly live: Store,
    private readonly archiveOf: (tenant: Tenant) => TenantArchive,
  ) {
    super();
    this.own = new ArchiveFallbackReader(live, () => archiveOf(DEFAULT_TENANT));
  }

  protected defaultReads(): SpanReader {
    return this.own;
  }

  forTenant(tenant: Tenant): SpanReader {
    return tenant === DEFAULT_TENANT ? this.own : new ArchiveFallbackReader(this.live.forTenant(tenant), () => this.archiveOf(tenant));
  }

  append(spans: readonly Span[], walPosition?: bigint, tenants?: readonly TenantRun[]): Promise<void> {
    return this.live.append(spans, walPosition, tenants);
  }

  lastWalPosition(): Promise<bigint> {
    return this.live.lastWalPosition();
  }

  dropBefore(cutoff: UnixNanos, tenant?: Tenant): Promise<number> {
    return this.live.dropBefore(cutoff, tenant);
  }

  stats(): Promise<StoreStats> {
    return this.live.stats();
  }

  /** The live and archive stores belong to whoever opened them. */
  async close(): Promise<void> {}
}

/** One tenant's live reads, with trace-by-id answers completed from its archive. */
class ArchiveFallbackReader implements SpanReader {
  constructor(
    private readonly live: SpanReader,
    private readonly archive: () => TenantArchive,
  ) {}

  async getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    const spans = await this.live.getTrace(traceId, window);
    if (spans.length > 0) return spans;
    const a = this.archive();
    return (await a.archivedAmong([traceId])).size === 0 ? [] : a.archivedReads().getTrace(traceId, window);
  }

  async getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    const outline = await this.live.getTraceOutline(traceId, window);
    if (outline.length > 0) return outline;
    const a = this.archive();
    return (await a.archivedAmong([traceId])).size === 0 ? [] : a.archivedReads().getTraceOutline(traceId, window);
  }

  async getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    const found = await this.live.getTraces(traceIds);
    const ids = await this.archivedMissing(traceIds, (id) => (found.get(id)?.length ?? 0) > 0);
    if (ids.length === 0) return found;
    for (const [id, spans] of await this.archive().archivedReads().getTraces(ids)) if (spans.length > 0) found.set(id, spans);
    return found;
  }

  async summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    const found = await this.live.summarizeTraces(traceIds);
    const ids = await this.archivedMissing(traceIds, (id) => found.has(id));
    if (ids.length === 0) return found;
    for (const [id, digest] of await this.archive().archivedReads().summarizeTraces(ids)) found.set(id, digest);
    return found;
  }

  /** The archived ones among the ids the live answer lacks. */
  private async archivedMissing(traceIds: readonly TraceId[], has: (id: TraceId) => boolean): Promise<TraceId[]> {
    const missing = traceIds.filter((id) => !has(id));
    return missing.length === 0 ? [] : [...(await this.archive().archivedAmong(missing))];
  }

  findTraces(q: TraceQuery): Promise<TraceSearchResult> {
    return this.live.findTraces(q);
  }

  tracePoints(q: TraceQuery, max: number): Promise<TracePoints> {
    return this.live.tracePoints(q, max);
  }

  latencyHeatmap(q: HeatmapQuery): Promise<LatencyHeatmap> {
    return this.live.latencyHeatmap(q);
  }

  attributeCounts(q: AttributeCountsQuery): Promise<AttributeCounts> {
    return this.live.attributeCounts(q);
  }

  services(): Promise<string[]> {
    return this.live.services();
  }

  operations(q: OperationQuery): Promise<Operation[]> {
    return this.live.operations(q);
  }
}
