import type { AnyValue, Span, TraceId, UnixNanos } from '@clew/model';

/** A TraceQL parse error, placed where the query went wrong. */
export interface TraceQLSyntaxError {
  /** e.g. 'parse error at line 1, col 14: expected one of "=", "!=", ... but found "}"' */
  readonly message: string;
  /** 0-based */
  readonly offset: number;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
}

export interface TraceQLSearchOptions {
  /** Window on span start. */
  readonly start?: UnixNanos;
  readonly end?: UnixNanos;
  /** How many traces to return. */
  readonly limit: number;
  /** Tempo's spss: spans shown per spanset (its default is 3). */
  readonly spansPerSpanSet: number;
  /** Bounds on trace duration, in nanoseconds. */
  readonly minDuration?: bigint;
  readonly maxDuration?: bigint;
}

export interface TraceQLMatchedSpan {
  readonly span: Span;
  /** Attributes to show with the span: those the query's conditions and select() named, with their values. */
  readonly attributes: ReadonlyArray<{ readonly key: string; readonly value: AnyValue }>;
}

/** The static type of an aggregate's value, as Tempo types it: durations are in nanoseconds. */
export type AggregateType = 'int' | 'float' | 'duration';

/** An aggregate a pipeline computed on a spanset, named by its TraceQL text (`avg(duration)`). */
export interface TraceQLAggregate {
  readonly name: string;
  readonly value: number;
  /** Absent only where a result was built without the engine. */
  readonly type?: AggregateType;
}

export interface TraceQLSpanSet {
  /** At most spansPerSpanSet, earliest first. */
  readonly spans: readonly TraceQLMatchedSpan[];
  /** How many spans the spanset really has. */
  readonly matched: number;
  /** e.g. { name: 'count()', value: 3, type: 'int' } */
  readonly aggregates: readonly TraceQLAggregate[];
  /** After a by() stage, the group's value of each field, e.g. { key: 'by(resource.service.name)', value: "cart" }. */
  readonly by?: ReadonlyArray<{ readonly key: string; readonly value: AnyValue }>;
}

export interface TraceQLTraceMatch {
  readonly traceId: TraceId;
  readonly rootServiceName?: string;
  readonly rootSpanName?: string;
  readonly startTimeUnixNano: UnixNanos;
  readonly durationNanos: bigint;
  readonly spanSets: readonly TraceQLSpanSet[];
}

export interface TraceQLSearchResult {
  readonly traces: readonly TraceQLTraceMatch[];
  /** Candidate traces read from the store and evaluated. */
  readonly inspectedTraces: number;
  /** Spans of those traces. */
  readonly inspectedSpans: number;
}
