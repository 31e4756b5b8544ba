import type { Span } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import type { TraceQLQuery } from './ast.js';
import { evaluateSpans } from './evaluate.js';
import type { MetricsQuery } from './metrics-ast.js';
import type { HintValue } from './metrics-parser.js';
import { parseHints, parseMetricsTokens } from './metrics-parser.js';
import { parseQuery } from './parser.js';
import { TokenCursor } from './cursor.js';
import { tokenize } from './lexer.js';
import { searchTraces } from './search.js';
import { syntaxError, TraceQLParseFailure } from './syntax-error.js';
import type { TraceQLSearchOptions, TraceQLSearchResult, TraceQLSpanSet, TraceQLSyntaxError } from './types.js';

export type { TraceQLQuery } from './ast.js';
export type { MathOp, MetricsAggregate, MetricsField, MetricsFn, MetricsQuery, SecondStage } from './metrics-ast.js';
export type { HintValue } from './metrics-parser.js';
export type {
  AggregateType,
  TraceQLAggregate,
  TraceQLMatchedSpan,
  TraceQLSearchOptions,
  TraceQLSearchResult,
  TraceQLSpanSet,
  TraceQLSyntaxError,
  TraceQLTraceMatch,
} from './types.js';
export { MAX_INSPECTED_TRACES } from './search.js';

/**
 * Parses a TraceQL query; errors say where and what was expected.
 * @example parseTraceQL('{ resource.service.name = "frontend" } >> { span.db.system = "postgresql" }')
 */
export function parseTraceQL(text: string): { ok: true; query: TraceQLQuery } | { ok: false; error: TraceQLSyntaxError } {
  try {
    return { ok: true, query: parseQuery(text) };
  } catch (e) {
    if (e instanceof TraceQLParseFailure) return { ok: false, error: syntaxError(text, e.offset, e.detail) };
    throw e;
  }
}

/**
 * Parses a TraceQL metrics query (a pipeline ending in a metrics function, second stages, arithmetic between them).
 * @example parseTraceQLMetrics('{ status = error } | rate() by (resource.service.name) | topk(5)')
 */
export function parseTraceQLMetrics(
  text: string,
): { ok: true; query: MetricsQuery; hints: ReadonlyMap<string, HintValue> } | { ok: false; error: TraceQLSyntaxError } {
  try {
    const c = new TokenCursor(tokenize(text));
    const query = parseMetricsTokens(c);
    const hints = parseHints(c);
    if (c.peek().type !== 'end') c.fail('expected a second stage ("| topk(n)", "| bottomk(n)", "> 10"), an operator, with (...) or the end of the query');
    return { ok: true, query, hints };
  } catch (e) {
    if (e instanceof TraceQLParseFailure) return { ok: false, error: syntaxError(text, e.offset, e.detail) };
    throw e;
  }
}

/** Finds traces matching the query, newest first (deterministic: ties by trace id). */
export function searchTraceQL(store: SpanReader, query: TraceQLQuery, options: TraceQLSearchOptions): Promise<TraceQLSearchResult> {
  return searchTraces(store, query, options);
}

/**
 * Evaluates a query against one trace's spans (pure): its matching spansets, empty when the trace does not match.
 * Every span of each spanset is returned (spans.length === matched), earliest first.
 */
export function evaluateTraceQL(query: TraceQLQuery, spans: readonly Span[]): TraceQLSpanSet[] {
  return evaluateSpans(query, spans);
}
