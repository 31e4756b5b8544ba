import type { AnyValue } from '@clew/model';
import type { Aggregate, FieldExpr, Pipeline, ScalarExpr, SpansetExpr, Stage } from './ast.js';
import { aggregateText, fieldText } from './ast-text.js';
import { arithmetic, evalField, isTrue } from './field-eval.js';
import { structuralJoin, union } from './structural.js';
import type { TraceIndex } from './trace-index.js';
import type { AggregateType, TraceQLAggregate } from './types.js';
import type { Value } from './values.js';

/**
 * A spanset while a pipeline runs: span indexes into the TraceIndex (sorted), the aggregates computed on it and,
 * once a by() stage split it, the group's value of each by() field (`by(resource.service.name)` → "cart").
 */
export interface WorkingSpanset {
  readonly spans: readonly number[];
  readonly aggregates: readonly TraceQLAggregate[];
  readonly by?: ReadonlyArray<{ readonly key: string; readonly value: AnyValue }>;
}

/** Runs each stage on the spansets the previous one produced; the first stage sees `input`. */
export function runPipeline(p: Pipeline, trace: TraceIndex, input: readonly WorkingSpanset[]): WorkingSpanset[] {
  let sets = [...input];
  for (const stage of p.stages) {
    if (sets.length === 0) break;
    sets = runStage(stage, trace, sets);
  }
  return sets;
}

function runStage(stage: Stage, trace: TraceIndex, sets: WorkingSpanset[]): WorkingSpanset[] {
  switch (stage.type) {
    case 'spanset':
      return sets.flatMap((s) => evalSpanset(stage.expr, trace, s));
    case 'scalar-filter':
      return sets.flatMap((s) => {
        const computed = new Map<string, { value: number; type: AggregateType }>();
        const left = scalarValue(stage.left, trace, s, computed);
        const right = scalarValue(stage.right, trace, s, computed);
        if (!compareNumbers(stage.op, left, right)) return [];
        const aggregates = [...s.aggregates.filter((a) => !computed.has(a.name))];
        for (const [name, { value, type }] of computed) aggregates.push({ name, value, type });
        return [{ ...s, aggregates }];
      });
    case 'by':
      return sets.flatMap((s) => groupBy(stage.fields, trace, s));
    case 'select':
      // select() only names attributes to return with each span (see namedFields); spansets pass unchanged.
      return sets;
    case 'coalesce':
      return [{ spans: sets.map((s) => s.spans).reduce(union), aggregates: [] }];
  }
}

function evalSpanset(e: SpansetExpr, trace: TraceIndex, s: WorkingSpanset): WorkingSpanset[] {
  switch (e.type) {
    case 'filter': {
      const filter = e.expr;
      const spans = filter === null ? s.spans : s.spans.filter((i) => isTrue(evalField(filter, trace, i)));
      return spans.length > 0 ? [{ ...s, spans }] : [];
    }
    case 'pipeline':
      return runPipeline(e.pipeline, trace, [s]);
    case 'spanset-op': {
      const left = evalSpanset(e.left, trace, s);
      const right = evalSpanset(e.right, trace, s);
      const a = allSpans(left);
      const b = allSpans(right);
      let spans: number[];
      if (e.op === '&&') spans = left.length > 0 && right.length > 0 ? union(a, b) : [];
      else if (e.op === '||') spans = union(a, b);
      else spans = structuralJoin(e.op, trace, a, b);
      return spans.length > 0 ? [{ ...s, spans }] : [];
    }
  }
}

function allSpans(sets: readonly WorkingSpanset[]): number[] {
  return sets.length === 0 ? [] : sets.map((s) => [...s.spans]).reduce(union);
}

function scalarValue(e: ScalarExpr, trace: TraceIndex, s: WorkingSpanset, computed: Map<string, { value: number; type: AggregateType }>): number {
  switch (e.type) {
    case 'static':
      return e.value.type === 'int' || e.value.type === 'duration' ? Number(e.value.value) : e.value.type === 'float' ? e.value.value : NaN;
    case 'aggregate': {
      const result = aggregate(e.aggregate, trace, s);
      computed.set(aggregateText(e.aggregate), result);
      return result.value;
    }
    case 'binary':
      return arithmetic(e.op, scalarValue(e.left, trace, s, computed), scalarValue(e.right, trace, s, computed));
  }
}

/**
 * count() counts the spans; avg/min/max/sum read the field of each span and use the numeric values (durations in
 * nanoseconds), skipping spans where it is missing or not a number. Without any value, avg/min/max are NaN (no
 * comparison holds) and sum is 0. The type is Tempo's static type of the result: count() an int, an aggregate of a
 * duration intrinsic a duration, avg() of anything else a float, min()/max() the type of the value chosen, sum()
 * an int when every value summed is one.
 */
function aggregate(a: Aggregate, trace: TraceIndex, s: WorkingSpanset): { value: number; type: AggregateType } {
  if (a.fn === 'count' || !a.field) return { value: s.spans.length, type: 'int' };
  const ofDuration = a.field.type === 'intrinsic' && (a.field.name === 'duration' || a.field.name === 'traceDuration');
  let n = 0;
  let sum = 0;
  let allInts = true;
  let min: Value & { k: 'num' } = { k: 'num', n: Infinity };
  let max: Value & { k: 'num' } = { k: 'num', n: -Infinity };
  for (const i of s.spans) {
    const v = evalField(a.field, trace, i);
    if (v.k !== 'num' || Number.isNaN(v.n)) continue;
    n++;
    sum += v.n;
    allInts &&= v.i !== undefined;
    if (v.n < min.n) min = v;
    if (v.n > max.n) max = v;
  }
  const typeOf = (v: { i?: bigint }): AggregateType => (ofDuration ? 'duration' : v.i !== undefined ? 'int' : 'float');
  switch (a.fn) {
    case 'sum':
      return { value: sum, type: ofDuration ? 'duration' : allInts ? 'int' : 'float' };
    case 'avg':
      return { value: n > 0 ? sum / n : NaN, type: ofDuration ? 'duration' : 'float' };
    case 'min':
      return { value: n > 0 ? min.n : NaN, type: n > 0 ? typeOf(min) : 'float' };
    case 'max':
      return { value: n > 0 ? max.n : NaN, type: n > 0 ? typeOf(max) : 'float' };
  }
}

function compareNumbers(op: string, l: number, r: number): boolean {
  switch (op) {
    case '=':
      return l === r;
    case '!=':
      return !Number.isNaN(l) && !Number.isNaN(r) && l !== r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    default:
      return false;
  }
}

/**
 * Splits a spanset by the values of `fields`, groups in order of their first span; a missing value is a group too.
 * Each group carries its values as Tempo shows them in the spanset's attributes, keyed `by(field)`; a missing one is
 * left out.
 */
function groupBy(fields: readonly FieldExpr[], trace: TraceIndex, s: WorkingSpanset): WorkingSpanset[] {
  const groups = new Map<string, number[]>();
  for (const i of s.spans) {
    const key = fields.map((f) => valueKey(evalField(f, trace, i))).join('\u0000');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  return [...groups.values()].map((spans) => {
    const by = [...(s.by ?? [])];
    for (const f of fields) {
      const value = toAnyValue(evalField(f, trace, spans[0]!));
      if (value) by.push({ key: `by(${fieldText(f)})`, value });
    }
    return { ...s, spans, by };
  });
}

/** A group's value as an attribute value: ints stay ints, other numbers (durations in nanoseconds) are doubles. */
function toAnyValue(v: Value): AnyValue | undefined {
  switch (v.k) {
    case 'str':
    case 'status':
    case 'kind':
      return { type: 'string', value: v.s };
    case 'num':
      return v.i !== undefined ? { type: 'int', value: v.i } : { type: 'double', value: v.n };
    case 'bool':
      return { type: 'bool', value: v.b };
    default:
      return undefined;
  }
}

function valueKey(v: Value): string {
  switch (v.k) {
    case 'str':
    case 'status':
    case 'kind':
      return `${v.k}:${v.s}`;
    case 'num':
      return `num:${v.i ?? v.n}`;
    case 'bool':
      return `bool:${v.b}`;
    default:
      return v.k;
  }
}
