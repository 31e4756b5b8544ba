import type { Span, SpanKind, SpanOutline, TraceId, UnixNanos } from '@clew/model';

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
}

export interface TraceSummary {
  readonly traceId: TraceId;
  /** Earliest start among the trace's matching spans; results are ordered by it, newest first, ties by trace id. */
  readonly startTimeUnixNano: UnixNanos;
}

export interface TraceSearchResult {
  readonly traces: readonly TraceSummary[];
  /** How many traces match in all, not just this page. */
  readonly total: number;
}

export interface Operation {
  readonly name: string;
  readonly spanKind: SpanKind;
}

export interface OperationQuery {
  readonly service: string;
  readonly spanKind?: SpanKind;
}

/** Calls from one service to another, counted from parent/child span pairs whose services differ. */
export interface DependencyLink {
  readonly parent: string;
  readonly child: string;
  readonly callCount: number;
  /** How many of those calls ended in a child span with status ERROR. */
  readonly errorCount: number;
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
 * Where spans live. Every backend passes the conformance suite in `conformance.ts`.
 * Writes are batched by the caller; `append` resolves only when the spans are durable.
 */
export interface Store {
  /** Appends spans durably. `walPosition`, when given, is recorded atomically with them (see lastWalPosition). */
  append(spans: readonly Span[], walPosition?: bigint): Promise<void>;
  /** The walPosition of the last successful append, or 0n for a new store. */
  lastWalPosition(): Promise<bigint>;
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
  /** Service names, sorted. */
  services(): Promise<string[]>;
  /** Distinct (name, kind) of a service's spans, sorted by name then kind. */
  operations(query: OperationQuery): Promise<Operation[]>;
  dependencies(window: TimeWindow): Promise<DependencyLink[]>;
  /** Drops whole partitions holding only data received before `cutoff`; returns how many were dropped. */
  dropBefore(cutoff: UnixNanos): Promise<number>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
