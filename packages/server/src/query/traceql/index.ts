import type { AnyValue, Span, TraceId, UnixNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import type { TraceQLQuery } from './ast.js';

export type { TraceQLQuery } from './ast.js';

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

export interface TraceQLSpanSet {
  /** At most spansPerSpanSet, earliest first. */
  readonly spans: readonly TraceQLMatchedSpan[];
  /** How many spans the spanset really has. */
  readonly matched: number;
  /** e.g. { name: 'count()', value: 3 } */
  readonly aggregates: ReadonlyArray<{ readonly name: string; readonly value: number }>;
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
  readonly inspectedTraces: number;
  readonly inspectedSpans: number;
}

/** Parses a TraceQL query; errors say where and what was expected. */
export function parseTraceQL(text: string): { ok: true; query: TraceQLQuery } | { ok: false; error: TraceQLSyntaxError } {
  void text;
  return { ok: false, error: { message: 'parse error at line 1, col 1: TraceQL is not available yet', offset: 0, line: 1, column: 1 } };
}

/** Finds traces matching the query, newest first (deterministic: ties by trace id). */
export async function searchTraceQL(store: Store, query: TraceQLQuery, options: TraceQLSearchOptions): Promise<TraceQLSearchResult> {
  void store;
  void query;
  void options;
  return { traces: [], inspectedTraces: 0, inspectedSpans: 0 };
}

/** Evaluates a query against one trace's spans (pure): its matching spansets, empty when the trace does not match. */
export function evaluateTraceQL(query: TraceQLQuery, spans: readonly Span[]): TraceQLSpanSet[] {
  void query;
  void spans;
  return [];
}
