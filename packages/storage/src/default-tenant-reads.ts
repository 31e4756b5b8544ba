import type { Span, SpanOutline, TraceId } from '@clew/model';
import { countSpans, scanSpans } from './scan-spans.js';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from './span-comparison.js';
import type {
  ArchivedDay,
  Operation,
  OperationQuery,
  SpanReader,
  SpanScanWindow,
  TimeWindow,
  TraceDigest,
  TracePoints,
  TraceQuery,
  TraceSearchResult,
} from './store.js';

/**
 * The reading half of a Store: a Store is the reader of DEFAULT_TENANT's spans, so each backend extends this and
 * names that reader (`defaultReads`, the same object its `forTenant(DEFAULT_TENANT)` would give).
 */
export abstract class DefaultTenantReads implements SpanReader {
  protected abstract defaultReads(): SpanReader;

  getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    return this.defaultReads().getTrace(traceId, window);
  }

  getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    return this.defaultReads().getTraceOutline(traceId, window);
  }

  getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    return this.defaultReads().getTraces(traceIds);
  }

  findTraces(q: TraceQuery): Promise<TraceSearchResult> {
    return this.defaultReads().findTraces(q);
  }

  summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    return this.defaultReads().summarizeTraces(traceIds);
  }

  tracePoints(q: TraceQuery, max: number): Promise<TracePoints> {
    return this.defaultReads().tracePoints(q, max);
  }

  latencyHeatmap(q: HeatmapQuery): Promise<LatencyHeatmap> {
    return this.defaultReads().latencyHeatmap(q);
  }

  attributeCounts(q: AttributeCountsQuery): Promise<AttributeCounts> {
    return this.defaultReads().attributeCounts(q);
  }

  /** The backend's own scan when its reader has one, else the generic one (scan-spans.ts). */
  scanSpans(window: SpanScanWindow): AsyncIterable<Span[]> {
    return scanSpans(this.defaultReads(), window);
  }

  countSpans(window: SpanScanWindow): Promise<number> {
    return countSpans(this.defaultReads(), window);
  }

  rangeArchived(traceIds: readonly TraceId[]): Promise<Set<TraceId>> {
    return this.defaultReads().rangeArchived?.(traceIds) ?? Promise.resolve(new Set());
  }

  rangeArchiveDays(): Promise<ArchivedDay[]> {
    return this.defaultReads().rangeArchiveDays?.() ?? Promise.resolve([]);
  }

  services(): Promise<string[]> {
    return this.defaultReads().services();
  }

  operations(q: OperationQuery): Promise<Operation[]> {
    return this.defaultReads().operations(q);
  }
}
