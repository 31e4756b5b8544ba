/**
 * The TraceQL syntax tree. A query is a pipeline of stages separated by `|`; each stage turns the spansets of one
 * trace into new spansets (filters, structural operators, aggregates, select, by).
 */

/** A span's intrinsic fields, as TraceQL names them (colon forms are normalised to these). */
export type Intrinsic =
  | 'name'
  | 'status'
  | 'statusMessage'
  | 'kind'
  | 'duration'
  | 'rootName'
  | 'rootServiceName'
  | 'traceDuration'
  | 'spanID'
  | 'traceID'
  | 'parentID'
  | 'childCount'
  | 'nestedSetLeft'
  | 'nestedSetRight'
  | 'nestedSetParent';

/** Where an attribute is looked up: `span.x`, `resource.x`, or unscoped `.x` (span first, then resource). */
export type AttributeScope = 'span' | 'resource' | 'any';

export type StatusName = 'ok' | 'error' | 'unset';
export type KindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** A literal value written in the query. Durations are nanoseconds. */
export type Static =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'duration'; readonly value: bigint }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'nil' }
  | { readonly type: 'status'; readonly value: StatusName }
  | { readonly type: 'kind'; readonly value: KindName };

export type ComparisonOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '=~' | '!~';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
export type LogicalOp = '&&' | '||';

/** An expression inside `{ ... }`, evaluated once per span. */
export type FieldExpr =
  | { readonly type: 'static'; readonly value: Static }
  | { readonly type: 'intrinsic'; readonly name: Intrinsic }
  | { readonly type: 'attribute'; readonly scope: AttributeScope; readonly name: string }
  | { readonly type: 'binary'; readonly op: ComparisonOp | ArithmeticOp | LogicalOp; readonly left: FieldExpr; readonly right: FieldExpr }
  | { readonly type: 'unary'; readonly op: '!' | '-'; readonly operand: FieldExpr };

/** Operators between spansets: logical, structural, and their negated (`!`) and union (`&`) forms. */
export type SpansetOp =
  | '&&'
  | '||'
  | '>'
  | '>>'
  | '<'
  | '<<'
  | '~'
  | '!>'
  | '!>>'
  | '!<'
  | '!<<'
  | '!~'
  | '&>'
  | '&>>'
  | '&<'
  | '&<<'
  | '&~';

/** A spanset expression: a filter, or two spanset expressions joined, or a parenthesised pipeline. */
export type SpansetExpr =
  | { readonly type: 'filter'; readonly expr: FieldExpr | null }
  | { readonly type: 'spanset-op'; readonly op: SpansetOp; readonly left: SpansetExpr; readonly right: SpansetExpr }
  | { readonly type: 'pipeline'; readonly pipeline: Pipeline };

export type AggregateFn = 'count' | 'avg' | 'max' | 'min' | 'sum';

/** `count()` or `avg(duration)`, etc., computed over one spanset. */
export interface Aggregate {
  readonly fn: AggregateFn;
  /** The field aggregated; absent for count(). */
  readonly field?: FieldExpr;
}

/** One side of a scalar filter: an aggregate, a literal, or arithmetic over them. */
export type ScalarExpr =
  | { readonly type: 'aggregate'; readonly aggregate: Aggregate }
  | { readonly type: 'static'; readonly value: Static }
  | { readonly type: 'binary'; readonly op: ArithmeticOp; readonly left: ScalarExpr; readonly right: ScalarExpr };

/** One stage of a pipeline. */
export type Stage =
  | { readonly type: 'spanset'; readonly expr: SpansetExpr }
  | { readonly type: 'scalar-filter'; readonly op: ComparisonOp; readonly left: ScalarExpr; readonly right: ScalarExpr }
  | { readonly type: 'select'; readonly fields: readonly FieldExpr[] }
  | { readonly type: 'by'; readonly fields: readonly FieldExpr[] }
  | { readonly type: 'coalesce' };

export interface Pipeline {
  readonly stages: readonly Stage[];
}

/** A parsed TraceQL query. */
export interface TraceQLQuery {
  readonly pipeline: Pipeline;
}
