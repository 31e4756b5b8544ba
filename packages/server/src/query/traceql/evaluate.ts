import type { Span } from '@clew/model';
import type { TraceQLQuery } from './ast.js';
import type { NamedField } from './named-fields.js';
import { namedFields, namedValues } from './named-fields.js';
import { runPipeline } from './pipeline-eval.js';
import { TraceIndex } from './trace-index.js';
import type { TraceQLSpanSet } from './types.js';

/** A query made ready to run on many traces: the fields it names are worked out once. */
export interface PreparedQuery {
  readonly query: TraceQLQuery;
  readonly fields: readonly NamedField[];
}

/** Works out once what every evaluation of the query needs. */
export function prepareQuery(query: TraceQLQuery): PreparedQuery {
  return { query, fields: namedFields(query) };
}

/** The spansets a trace yields, each with at most `spansPerSpanSet` spans (earliest first) and its real size. */
export function evaluateTrace(prepared: PreparedQuery, trace: TraceIndex, spansPerSpanSet: number): TraceQLSpanSet[] {
  const all = trace.spans.map((_, i) => i);
  if (all.length === 0) return [];
  const sets = runPipeline(prepared.query.pipeline, trace, [{ spans: all, aggregates: [] }]);
  return sets
    .filter((s) => s.spans.length > 0)
    .map((s) => ({
      spans: s.spans.slice(0, Math.max(0, spansPerSpanSet)).map((i) => ({ span: trace.spans[i]!, attributes: namedValues(prepared.fields, trace, i) })),
      matched: s.spans.length,
      aggregates: s.aggregates,
      ...(s.by && { by: s.by }),
    }));
}

/** evaluateTraceQL's work: every matching span of every spanset is returned. */
export function evaluateSpans(query: TraceQLQuery, spans: readonly Span[]): TraceQLSpanSet[] {
  return evaluateTrace(prepareQuery(query), new TraceIndex(spans), Number.MAX_SAFE_INTEGER);
}
