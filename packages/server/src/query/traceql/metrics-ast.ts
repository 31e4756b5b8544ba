/**
 * The syntax tree of a TraceQL metrics query: a spanset pipeline, a first-stage function over the spans it matches
 * (`rate()`, `quantile_over_time(duration, .9)`), optional second stages (`topk(5)`, `> 10`), and arithmetic between
 * such queries (`({ status = error } | rate()) / ({ } | rate())`), as Tempo's grammar (`expr.y`) has them.
 */
import type { ComparisonOp, FieldExpr, Pipeline } from './ast.js';

export type MetricsFn =
  | 'rate'
  | 'count_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'sum_over_time'
  | 'avg_over_time'
  | 'quantile_over_time'
  | 'histogram_over_time'
  | 'compare';

/**
 * compare()'s arguments (Tempo's newMetricsCompare): the spanset filter that picks the selection out of the spans the
 * pipeline matched, how many values per attribute to keep, and an optional window (unix ns) the selection must start
 * in; 0 and 0 when none was given.
 */
export interface CompareArgs {
  readonly filter: FieldExpr | null;
  readonly topN: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** A field a metrics function reads or groups by: an attribute or an intrinsic (Tempo's `attribute` rule). */
export type MetricsField = Extract<FieldExpr, { type: 'attribute' } | { type: 'intrinsic' }>;

export interface MetricsAggregate {
  readonly fn: MetricsFn;
  /** The field aggregated (absent for rate() and count_over_time()). */
  readonly field?: MetricsField;
  /** quantile_over_time's quantiles, as written. */
  readonly quantiles?: readonly number[];
  readonly by: readonly MetricsField[];
  /**
   * The series label of each by() field, as Tempo names it (Attribute.String): an attribute as written
   * (`resource.service.name`, `.region`), an intrinsic in the form it was written (`name`, `span:name`).
   */
  readonly byNames: readonly string[];
  /** compare()'s arguments, for fn 'compare' only. */
  readonly compare?: CompareArgs;
}

/** A second stage: keeps the k highest or lowest series at each step, or the points passing a comparison. */
export type SecondStage =
  | { readonly type: 'topk' | 'bottomk'; readonly limit: number }
  | { readonly type: 'filter'; readonly op: Exclude<ComparisonOp, '=~' | '!~'>; readonly value: number };

export type MathOp = '+' | '-' | '*' | '/';

export type MetricsQuery =
  | { readonly type: 'metrics'; readonly pipeline: Pipeline; readonly aggregate: MetricsAggregate; readonly stages: readonly SecondStage[] }
  | { readonly type: 'math'; readonly op: MathOp; readonly left: MetricsQuery; readonly right: MetricsQuery; readonly stages: readonly SecondStage[] }
  | {
      readonly type: 'scalar-math';
      readonly op: MathOp;
      readonly scalar: number;
      /** True for `2 * (...)`, false for `(...) * 2`. */
      readonly scalarFirst: boolean;
      readonly expr: MetricsQuery;
      readonly stages: readonly SecondStage[];
    };
