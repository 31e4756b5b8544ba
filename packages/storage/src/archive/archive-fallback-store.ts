import type { Span, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, serviceName, StatusCode } from '@clew/model';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from '../span-comparison.js';
import type {
  ArchivedDay,
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
import type { DigestSpan } from '../trace-digest.js';
import { digestOfSpans } from '../trace-digest.js';
import type { TenantArchive } from './trace-archive.js';
import { spanKey } from './trace-archive.js';

type SpanIdentity = Pick<Span, 'spanId' | 'kind' | 'startTimeUnixNano'>;

/**
 * The live spans of an archived trace, with the archive's copies of those the live store no longer holds, ordered by
 * start then span id (as outlines are); the live spans as they are when it holds them all.
 */
function completed<T extends SpanIdentity>(live: readonly T[], kept: readonly T[]): T[] {
  const have = new Set(live.map(spanKey));
  const gone = kept.filter((s) => !have.has(spanKey(s)));
  if (gone.length === 0) return [...live];
  return [...live, ...gone].sort((x, y) => (x.startTimeUnixNano < y.startTimeUnixNano ? -1 : x.startTimeUnixNano > y.startTimeUnixNano ? 1 : x.spanId < y.spanId ? -1 : x.spanId > y.spanId ? 1 : 0));
}

/** What a digest reads of a span. */
function digestSpan(s: Span): DigestSpan {
  return { spanId: s.spanId, parentSpanId: s.parentSpanId, start: s.startTimeUnixNano, end: s.endTimeUnixNano, service: serviceName(s.resource), name: s.name, error: s.status.code === StatusCode.ERROR };
}

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
 * One tenant's live reads, with trace-by-id answers completed from its archive: an archived trace is read from both,
 * its live spans and the archive's copies of those the live store no longer holds (a trace whose spans arrived on two
 * days loses the older day's first, and a read of the live store alone answered the rest as if it were the whole
 * trace). The archive is read beside the live store and its marks only for what it holds: an id it lacks costs an
 * index miss, not a read of every mark (spans of an un-archived trace can still be in the archive; the mark decides).
 */
// Required: an optional reader method added later must be passed on here too, or the APIs' reads would lose it.
class ArchiveFallbackReader implements Required<SpanReader> {
  constructor(
    private readonly live: SpanReader,
    private readonly archive: () => TenantArchive,
  ) {}

  getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    return this.withArchived(traceId, (r) => r.getTrace(traceId, window));
  }

  getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    return this.withArchived(traceId, (r) => r.getTraceOutline(traceId, window));
  }

  async getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    const a = this.archive();
    const [found, kept] = await Promise.all([this.live.getTraces(traceIds), a.archivedReads().getTraces(traceIds)]);
    for (const id of await a.archivedAmong([...kept].filter(([, spans]) => spans.length > 0).map(([id]) => id))) {
      found.set(id, completed(found.get(id) ?? [], kept.get(id)!));
    }
    return found;
  }

  async summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    const a = this.archive();
    const [found, kept] = await Promise.all([this.live.summarizeTraces(traceIds), a.archivedReads().summarizeTraces(traceIds)]);
    const both: TraceId[] = [];
    for (const id of await a.archivedAmong([...kept.keys()])) {
      if (found.has(id)) both.push(id);
      else found.set(id, kept.get(id)!);
    }
    if (both.length === 0) return found;
    // In both stores: the digest of the spans completed, which neither store's digest alone is when they differ. Read
    // together (a page of search results, the Archived list), not one trace after another.
    const [live, archived] = await Promise.all([this.live.getTraces(both), a.archivedReads().getTraces(both)]);
    for (const id of both) found.set(id, digestOfSpans(id, completed(live.get(id) ?? [], archived.get(id) ?? []).map(digestSpan)));
    return found;
  }

  /** The reader's answer from the live store, completed from the archive's copies when the trace is marked. */
  private async withArchived<T extends SpanIdentity>(traceId: TraceId, read: (r: SpanReader) => Promise<T[]>): Promise<T[]> {
    const a = this.archive();
    const [live, kept] = await Promise.all([read(this.live), read(a.archivedReads())]);
    if (kept.length === 0 || (await a.archivedAmong([traceId])).size === 0) return live;
    return completed(live, kept);
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

  rangeArchiveDays(): Promise<ArchivedDay[]> {
    return this.live.rangeArchiveDays?.() ?? Promise.resolve([]);
  }

  services(): Promise<string[]> {
    return this.live.services();
  }

  operations(q: OperationQuery): Promise<Operation[]> {
    return this.live.operations(q);
  }
}
