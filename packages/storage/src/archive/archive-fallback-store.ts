import type { Span, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from '../span-comparison.js';
import type {
  Operation,
  OperationQuery,
  SpanReader,
  SpanScanWindow,
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
import { countSpans, scanSpans } from '../scan-spans.js';
import type { TenantArchive } from './trace-archive.js';

/**
 * The live store, whose trace-by-id reads fall back to the archive for archived traces the live store no longer
 * holds (Jaeger's query service reads its archive reader for the ids the primary store lacks). Writes, retention and
 * stats are the live store's: the archive is out of their reach. Searches and scans read live spans only.
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

  deleteTraces(traceIds: readonly TraceId[], tenant?: Tenant): Promise<number> {
    return this.live.deleteTraces(traceIds, tenant);
  }

  stats(): Promise<StoreStats> {
    return this.live.stats();
  }

  /** The live and archive stores belong to whoever opened them. */
  async close(): Promise<void> {}
}

/**
 * One tenant's live reads, with trace-by-id answers completed from its archive. For the ids the live store lacks,
 * the archive is read first and the marks only for what it holds: an unknown id costs two index misses, not a read of
 * every mark (spans of an un-archived trace can still be in the archive; the mark decides).
 */
// Required: an optional reader method added later must be passed on here too, or the APIs' reads would lose it.
class ArchiveFallbackReader implements Required<SpanReader> {
  constructor(
    private readonly live: SpanReader,
    private readonly archive: () => TenantArchive,
  ) {}

  getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    return this.orArchived(traceId, (r) => r.getTrace(traceId, window));
  }

  getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    return this.orArchived(traceId, (r) => r.getTraceOutline(traceId, window));
  }

  async getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    const found = await this.live.getTraces(traceIds);
    const missing = traceIds.filter((id) => (found.get(id)?.length ?? 0) === 0);
    if (missing.length === 0) return found;
    const a = this.archive();
    const kept = await a.archivedReads().getTraces(missing);
    const marked = await a.archivedAmong([...kept].filter(([, spans]) => spans.length > 0).map(([id]) => id));
    for (const id of marked) found.set(id, kept.get(id)!);
    return found;
  }

  async summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    const found = await this.live.summarizeTraces(traceIds);
    const missing = traceIds.filter((id) => !found.has(id));
    if (missing.length === 0) return found;
    const a = this.archive();
    const kept = await a.archivedReads().summarizeTraces(missing);
    for (const id of await a.archivedAmong([...kept.keys()])) found.set(id, kept.get(id)!);
    return found;
  }

  /** The live answer; when it is empty, the archive's for a marked trace. */
  private async orArchived<T>(traceId: TraceId, read: (r: SpanReader) => Promise<T[]>): Promise<T[]> {
    const live = await read(this.live);
    if (live.length > 0) return live;
    const a = this.archive();
    const kept = await read(a.archivedReads());
    return kept.length > 0 && (await a.archivedAmong([traceId])).size > 0 ? kept : [];
  }

  findTraces(q: TraceQuery): Promise<TraceSearchResult> {
    return this.live.findTraces(q);
  }

  /** The live store's scan (its own, block by block, where it has one): an export of a window reads live spans. */
  scanSpans(window: SpanScanWindow): AsyncIterable<Span[]> {
    return scanSpans(this.live, window);
  }

  countSpans(window: SpanScanWindow): Promise<number> {
    return countSpans(this.live, window);
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

  rangeArchived(traceIds: readonly TraceId[]): Promise<Set<TraceId>> {
    return this.live.rangeArchived?.(traceIds) ?? Promise.resolve(new Set());
  }

  services(): Promise<string[]> {
    return this.live.services();
  }

  operations(q: OperationQuery): Promise<Operation[]> {
    return this.live.operations(q);
  }
}
