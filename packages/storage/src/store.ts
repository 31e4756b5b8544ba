import type { Span, SpanId, SpanKind, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from './span-comparison.js';

/**
 * Find traces: a trace matches when one of its spans satisfies every condition given (service, operation, kind,
 * attributes, duration, time window), as Jaeger's search does.
 */
export interface TraceQuery {
  /** `service.name` of the matching span. */
  readonly service?: string;
  /** Span name of the matching span. */
  readonly operation?: string;
  readonly spanKind?: SpanKind;
  /**
   * Every pair must match an attribute of the span, of its resource, or of one of its events; values compare as
   * text (anyValueToString). The special key `error` with `true` matches spans with status ERROR.
   */
  readonly attributes?: ReadonlyArray<readonly [key: string, value: string]>;
  /** Inclusive bounds on the matching span's duration, in nanoseconds. */
  readonly minDuration?: bigint;
  readonly maxDuration?: bigint;
  /** Inclusive window on the matching span's start time. */
  readonly start?: UnixNanos;
  readonly end?: UnixNanos;
  /** Page size (at least 1) and how many matching traces to skip. */
  readonly limit: number;
  readonly offset?: number;
  /**
   * The order of the page: newest first by the earliest matching span (`start`, the default), or by the whole
   * trace's duration or span count, largest first; ties newest first, then by trace id.
   */
  readonly sort?: TraceSort;
  /**
   * Only traces at or after this one in newest-first order (earliest matching start, then trace id) match, so that
   * pages of one search stay put while new traces arrive; those ahead of it are counted in `newSinceAnchor`.
   */
  readonly anchor?: SearchAnchor;
}

export type TraceSort = 'start' | 'duration' | 'spans';

export interface SearchAnchor {
  readonly startTimeUnixNano: UnixNanos;
  readonly traceId: TraceId;
}

/** The earliest span of a trace that met every condition of a TraceQuery (ties by span id). */
export interface MatchedSpan {
  readonly spanId: SpanId;
  readonly service: string;
  readonly name: string;
  /** End − start; 0 when the end is before the start. */
  readonly durationNanos: bigint;
}

export interface TraceSummary {
  readonly traceId: TraceId;
  /** Earliest start among the trace's matching spans; results are ordered by it, newest first, ties by trace id. */
  readonly startTimeUnixNano: UnixNanos;
  readonly matched: MatchedSpan;
}

export interface TraceSearchResult {
  readonly traces: readonly TraceSummary[];
  /** How many traces match in all (at or after the anchor, when one was given), not just this page. */
  readonly total: number;
  /** With an anchor: how many matching traces are ahead of it (newer), left out of `traces` and `total`. */
  readonly newSinceAnchor?: number;
  /**
   * The newest matching trace (at or after the anchor), whatever the sort: the anchor for the later pages of a
   * search begun without one. Absent when nothing matched.
   */
  readonly newest?: SearchAnchor;
}

/** Per service of a trace: its spans and how many of them have status ERROR. */
export interface ServiceSpanCount {
  readonly name: string;
  readonly spanCount: number;
  readonly errorCount: number;
}

/**
 * What a search row or a Jaeger trace summary shows of a trace, computed by the store without reading attributes.
 */
export interface TraceDigest {
  readonly traceId: TraceId;
  /**
   * The earliest span without a parent; else (the root has not arrived) the earliest orphan, a span whose parent is
   * not in the trace (`kind` orphan); else the earliest span (`kind` span, a trace whose spans form a cycle).
   */
  readonly root: { readonly service: string; readonly name: string; readonly kind: 'root' | 'orphan' | 'span' };
  readonly startTimeUnixNano: UnixNanos;
  /** Latest span end (which may be before the start when every span ends before it starts). */
  readonly endTimeUnixNano: UnixNanos;
  readonly spanCount: number;
  readonly errorCount: number;
  /** Spans with a parent id that is not in the trace. */
  readonly orphanCount: number;
  /** By name (code-unit order). */
  readonly services: readonly ServiceSpanCount[];
}

/** One scatter point: a matching trace's whole extent and size. */
export interface TracePoint {
  readonly traceId: TraceId;
  readonly startTimeUnixNano: UnixNanos;
  readonly endTimeUnixNano: UnixNanos;
  readonly spanCount: number;
  readonly errorCount: number;
}

export interface TracePoints {
  readonly points: readonly TracePoint[];
  /** How many traces matched; more than `points.length` when sampled. */
  readonly total: number;
  /** True when there were more matches than asked for and `points` is a uniform sample by trace id. */
  readonly sampled: boolean;
}

export interface Operation {
  readonly name: string;
  readonly spanKind: SpanKind;
}

export interface OperationQuery {
  readonly service: string;
  readonly spanKind?: SpanKind;
}

/**
 * The spans a scan reads: those starting at or after `start` and before `end` (half-open, so that consecutive windows
 * never share a span), of the reader's tenant.
 */
export interface SpanScanWindow {
  readonly start: UnixNanos;
  readonly end: UnixNanos;
}

export interface TimeWindow {
  readonly start: UnixNanos;
  readonly end: UnixNanos;
}

export interface StoreStats {
  /** Bytes the store occupies on disk. */
  readonly diskBytes: number;
  readonly partitions: number;
}

/**
 * A write the store could not make, saying whether trying again can help: `retryable` for a failing disk, memory or
 * a closed store; not for a batch the store refuses as bad (a value it cannot hold), which no retry will take.
 */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * Consecutive spans of an append that belong to one tenant: `append(spans, pos, [{ tenant: 'a', spans: 2 },
 * { tenant: 'b', spans: 3 }])` writes the first two spans as tenant a's and the next three as b's.
 */
/** A day of an attached range archive that holds spans of the reading tenant (docs/archive.md#range-archives). */
export interface ArchivedDay {
  /** The UTC day its spans start in, YYYY-MM-DD. */
  readonly day: string;
  /** The tenant's spans in it. */
  readonly spans: number;
}

export interface TenantRun {
  readonly tenant: Tenant;
  readonly spans: number;
}

/**
 * What the APIs read: the spans of one tenant. No method of a reader ever returns, counts or names another
 * tenant's spans, services or operations.
 */
export interface SpanReader {
  /** All spans of a trace (empty when unknown); a window, when given, narrows where to look. */
  getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]>;
  /**
   * The outline of every span of a trace (what a timeline draws, see SpanOutline), ordered by start then span id;
   * empty when unknown. Cheaper than getTrace: backends skip attributes and links.
   */
  getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]>;
  /**
   * Several traces at once, as getTrace reads each (every id asked for is a key; unknown ones map to []). Cheaper
   * than one getTrace per id: backends answer in one query.
   */
  getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>>;
  findTraces(query: TraceQuery): Promise<TraceSearchResult>;
  /**
   * Digests of several traces in one query (every id asked for that the store holds is a key): root, extent, span,
   * error and orphan counts, counts per service. What a page of search results shows, without reading each trace.
   */
  summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>>;
  /**
   * Every trace matching `query` (its limit, offset, sort and anchor ignored) as a point, up to `max`; past it a
   * uniform sample of `max` chosen by a hash of the trace id (the same traces each time), newest first.
   */
  tracePoints(query: TraceQuery, max: number): Promise<TracePoints>;
  /**
   * Counts of every span matching the filter per (time bucket × log-scaled duration bucket), with the errors among
   * them: the latency heatmap of a search, over all its spans rather than a page of traces. Never sampled.
   */
  latencyHeatmap(query: HeatmapQuery): Promise<LatencyHeatmap>;
  /**
   * Attribute value counts (span, resource, event attributes and intrinsics) of the selected spans and of the rest
   * of the filtered spans in the window (the baseline), per key with its top values and distinct-value count; past
   * `maxSpans` a uniform sample by span id, with the sample sizes and their margin stated.
   */
  attributeCounts(query: AttributeCountsQuery): Promise<AttributeCounts>;
  /**
   * Every span of the window, in batches, in no particular order (what an export reads). Optional: read it with
   * `scanSpans` (scan-spans.ts), which falls back to a scan through findTraces and getTraces for a backend without
   * its own.
   */
  scanSpans?(window: SpanScanWindow): AsyncIterable<Span[]>;
  /**
   * How many spans `scanSpans` gives for the window, counted without reading them (an export's progress). Optional:
   * read it with `countSpans` (scan-spans.ts), which falls back to the window's latency heatmap.
   */
  countSpans?(window: SpanScanWindow): Promise<number>;
  /**
   * Which of the traces have spans in an attached range archive (read-only days, docs/archive.md#range-archives): what
   * the APIs mark as archived. Optional: a backend without range archives has none.
   */
  rangeArchived?(traceIds: readonly TraceId[]): Promise<Set<TraceId>>;
  /** The days of attached range archives that hold the tenant's spans, oldest first. Optional, as rangeArchived. */
  rangeArchiveDays?(): Promise<ArchivedDay[]>;
  /** Service names, sorted. */
  services(): Promise<string[]>;
  /** Distinct (name, kind) of a service's spans, sorted by name then kind. */
  operations(query: OperationQuery): Promise<Operation[]>;
}

/** A batch encoded as its spans are added (Store.openBatch). */
export interface EncodingBatch {
  /** Encodes the spans into the batch as `tenant`'s; a throw (a StoreError) gives the batch up. */
  add(spans: readonly Span[], tenant: Tenant): void;
  /** Appends the batch, as `append` would its spans, with `walPosition` (see Store.append); once. */
  append(walPosition?: bigint): Promise<void>;
  /** Gives the batch up without appending it. */
  abandon(): void;
}

/**
 * Where spans live. Every backend passes the conformance suite in `conformance.ts`.
 * Writes are batched by the caller; `append` resolves only when the spans are durable.
 * A Store is itself the reader of DEFAULT_TENANT's spans (a Clew without auth); `forTenant` reads any other's.
 */
export interface Store extends SpanReader {
  /**
   * Appends spans durably, as the tenants of `tenants` (runs over `spans` in order; all DEFAULT_TENANT's when
   * absent) in one atomic write. `walPosition`, when given, is recorded atomically with them (see
   * lastWalPosition). A failure rejects with a StoreError saying whether a retry can succeed; nothing of a failed
   * append is kept.
   */
  append(spans: readonly Span[], walPosition?: bigint, tenants?: readonly TenantRun[]): Promise<void>;
  /**
   * A batch whose spans are encoded for the store as they are added and appended as one by its `append` (as `append`
   * would append them all), for a writer that gathers a batch over time (a Clew's store writer, `clew import`): it
   * need not hold the spans until then. Undefined when the store cannot, or not now: then `append` the spans.
   * Absent in a store that encodes at its append only.
   */
  openBatch?(): EncodingBatch | undefined;
  /**
   * How many spans this store writes best in one append: what the store writer gathers when `storage.batchSpans` is
   * not set. Absent: the writer's default (DEFAULT_BATCH_SPANS in the server).
   */
  readonly batchSpans?: number;
  /** The walPosition of the last successful append, or 0n for a new store. */
  lastWalPosition(): Promise<bigint>;
  /** The reads of one tenant's spans (cheap: a view, not a connection). */
  forTenant(tenant: Tenant): SpanReader;
  /**
   * Drops whole partitions holding only data received before `cutoff`; returns how many were dropped. With a
   * tenant, removes only that tenant's spans received before `cutoff` (its own, shorter retention) and returns how
   * many partitions it removed them from.
   */
  dropBefore(cutoff: UnixNanos, tenant?: Tenant): Promise<number>;
  /**
   * Deletes every span of these traces that belongs to the tenant (the default tenant when none is named), whatever
   * day it is in; returns how many spans went. Ids that are not trace ids match nothing. For the trace archive's own
   * store (un-archiving), not for bulk deletion: each call may rewrite parts of every day.
   */
  deleteTraces(traceIds: readonly TraceId[], tenant?: Tenant): Promise<number>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
