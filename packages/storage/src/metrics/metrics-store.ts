import { latencyQuantiles } from '@clew/analysis';
import type { LatencyBins, SpanKind, StatusCode, Tenant } from '@clew/model';
import { EMPTY_LATENCY_BINS } from '@clew/model';

/** Epoch milliseconds. Minutes are multiples of 60 000. */
export type EpochMillis = number;

/**
 * One minute of spans of one (service, operation, kind, status): what the span-metrics consumer counted in one
 * flush. Rows are deltas: the same key and minute may be appended many times (every flush, late spans), and reads
 * add them up. `count` is a weight (head sampling's adjusted count), not always an integer.
 */
export interface SpanMetricsRow {
  /** Whose spans were counted; DEFAULT_TENANT when absent. */
  readonly tenant?: Tenant;
  readonly minute: EpochMillis;
  readonly service: string;
  readonly operation: string;
  readonly kind: SpanKind;
  readonly status: StatusCode;
  readonly count: number;
  /** Sum of durations, nanoseconds (a service's total time, for an operation's share of it). */
  readonly durationSumNanos: number;
  readonly latency: LatencyBins;
}

/** How a service-graph edge was found (Tempo's `connection_type` label; '' for a plain client/server pair). */
export type EdgeConnectionType = '' | 'messaging_system' | 'database' | 'virtual_node';

/** One minute of requests over one edge of the service graph (a delta, like SpanMetricsRow). */
export interface EdgeRow {
  /** Whose spans were counted; DEFAULT_TENANT when absent. */
  readonly tenant?: Tenant;
  readonly minute: EpochMillis;
  readonly client: string;
  readonly server: string;
  readonly connectionType: EdgeConnectionType;
  readonly count: number;
  readonly failed: number;
  /** Client-side and server-side durations of the paired spans (Tempo's request_client/server_seconds). */
  readonly clientLatency: LatencyBins;
  readonly serverLatency: LatencyBins;
}

/** One minute of errors of one kind (exception type and message, or the status message) of an operation. */
export interface ErrorRow {
  /** Whose spans were counted; DEFAULT_TENANT when absent. */
  readonly tenant?: Tenant;
  readonly minute: EpochMillis;
  readonly service: string;
  readonly operation: string;
  readonly kind: SpanKind;
  /** `exception.type` of the span's exception event, or '' when there is none. */
  readonly type: string;
  /** `exception.message`, else the status message; cut to a bounded length by the writer. */
  readonly message: string;
  readonly count: number;
}

/** What one flush of the consumers appends, atomically with the log position it counted through. */
export interface MetricsBatch {
  readonly spans: readonly SpanMetricsRow[];
  readonly edges: readonly EdgeRow[];
  readonly errors: readonly ErrorRow[];
}

export type SpanMetricsDimension = 'service' | 'operation' | 'kind';

/**
 * Which span metrics to read: [from, to) cut into steps (one bucket for the whole window without a step), rows
 * matching every filter given, added up per bucket and per the `groupBy` dimensions. Buckets are aligned to
 * multiples of `step` from the epoch (a step is a multiple of a minute).
 */
export interface SpanMetricsQuery {
  readonly from: EpochMillis;
  readonly to: EpochMillis;
  readonly step?: EpochMillis;
  readonly services?: readonly string[];
  readonly operations?: readonly string[];
  readonly kinds?: readonly SpanKind[];
  readonly groupBy: readonly SpanMetricsDimension[];
  /**
   * Latency as these quantiles (0..1) of each point instead of its bins: `quantiles` holds them, in this order (NaN
   * for an empty point), as `latencyQuantile` reads the point's bins, and `latency` is empty. A page that draws
   * p50/p95/p99 asks for them so that the store need not hand over (nor decode) every point's bins; an empty list
   * asks for counts only.
   */
  readonly quantiles?: readonly number[];
}

/** Span metrics of one group in one bucket. Dimensions not grouped by are absent. */
export interface SpanMetricsPoint {
  /** Start of the bucket (`from` when there is no step). */
  readonly t: EpochMillis;
  readonly service?: string;
  readonly operation?: string;
  readonly kind?: SpanKind;
  readonly count: number;
  /** Weight of spans with status ERROR. */
  readonly errors: number;
  readonly durationSumNanos: number;
  /** The point's latency; empty when the query asked for `quantiles`. */
  readonly latency: LatencyBins;
  /** With `quantiles` in the query: the point's latency at each, in nanoseconds. */
  readonly quantiles?: readonly number[];
}

/**
 * The points of a query that asked for `quantiles`, from points carrying their bins: what a backend that keeps no
 * quantiles of its own answers.
 */
export function withQuantiles(points: readonly SpanMetricsPoint[], quantiles: readonly number[] | undefined): SpanMetricsPoint[] {
  if (quantiles === undefined) return [...points];
  return points.map((p) => ({ ...p, latency: EMPTY_LATENCY_BINS, quantiles: latencyQuantiles(p.latency, quantiles) }));
}

export interface EdgeQuery {
  readonly from: EpochMillis;
  readonly to: EpochMillis;
  readonly step?: EpochMillis;
  /** Only edges with this service at either end. */
  readonly service?: string;
}

/** An edge's figures in one bucket. */
export interface EdgePoint {
  readonly t: EpochMillis;
  readonly client: string;
  readonly server: string;
  readonly connectionType: EdgeConnectionType;
  readonly count: number;
  readonly failed: number;
  readonly clientLatency: LatencyBins;
  readonly serverLatency: LatencyBins;
}

export interface ErrorQuery {
  readonly from: EpochMillis;
  readonly to: EpochMillis;
  readonly service: string;
  readonly operation?: string;
  readonly limit: number;
}

/** An error kind's total over the window, most frequent first. */
export interface ErrorTotal {
  readonly operation: string;
  readonly type: string;
  readonly message: string;
  readonly count: number;
  /** Last minute it was seen. */
  readonly lastSeen: EpochMillis;
}

/** A stored SLO definition or alert state: opaque JSON to the store, owned by the SLO module. */
export interface StoredDocument {
  readonly id: string;
  readonly body: string;
  readonly updatedAt: EpochMillis;
}

/**
 * What the APIs read of one tenant's metrics and documents: no method ever returns or counts another tenant's rows.
 */
export interface MetricsReader {
  spanMetrics(query: SpanMetricsQuery): Promise<SpanMetricsPoint[]>;
  edges(query: EdgeQuery): Promise<EdgePoint[]>;
  topErrors(query: ErrorQuery): Promise<ErrorTotal[]>;
  /** Documents by collection ('slos', 'slo-alerts'): listed by id, put (insert or replace), deleted. */
  listDocuments(collection: string): Promise<StoredDocument[]>;
  putDocument(collection: string, doc: StoredDocument): Promise<void>;
  deleteDocument(collection: string, id: string): Promise<boolean>;
}

/**
 * The metrics rollups: span metrics, service-graph edges and errors per minute, kept longer than spans, and the SLO
 * definitions and alert states that are evaluated over them. Narrow on purpose (append minute rows; read series and
 * tops): the query layer computes rates and quantiles from what it reads.
 *
 * A MetricsStore is itself the reader of DEFAULT_TENANT's rows and documents; `forTenant` reads any other's. Rows
 * name their tenant (`tenant`, DEFAULT_TENANT when absent).
 *
 * Exactly once across a crash: `append` records the write-ahead-log position its rows counted through, atomically
 * with them; after a restart the consumers skip every record at or below `lastPosition()`.
 */
export interface MetricsStore extends MetricsReader {
  append(batch: MetricsBatch, walPosition: bigint): Promise<void>;
  /** The position recorded with the last append; 0 for an empty store. */
  lastPosition(): Promise<bigint>;
  /** The reads of one tenant's rows and documents (cheap: a view). */
  forTenant(tenant: Tenant): MetricsReader;
  /**
   * Deletes rows of minutes before `cutoff`; returns how many minute rows went. With a tenant, only that tenant's
   * rows (its own, shorter retention).
   */
  dropBefore(cutoff: EpochMillis, tenant?: Tenant): Promise<number>;
  close(): Promise<void>;
}
