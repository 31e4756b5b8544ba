import type { ComparisonOp } from './ast.js';
import { fieldText } from './ast-text.js';
import { parseCompareArgs } from './compare-parser.js';
import type { TokenCursor } from './cursor.js';
import { parseField } from './field-parser.js';
import type { MathOp, MetricsAggregate, MetricsField, MetricsFn, MetricsQuery, SecondStage } from './metrics-ast.js';
import { isMetricsFunction, parsePipeline } from './parser.js';
import { TraceQLParseFailure } from './syntax-error.js';

const FIRST_STAGE = new Set<string>([
  'rate',
  'count_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'avg_over_time',
  'quantile_over_time',
  'histogram_over_time',
]);
const FILTER_OPS = new Set<string>(['=', '!=', '>', '>=', '<', '<=']);
const FIRST_STAGE_LIST = 'rate(), count_over_time(), min_over_time(), max_over_time(), sum_over_time(), avg_over_time(), quantile_over_time() or histogram_over_time()';

/**
 * Parses the tokens of a metrics query (Tempo's `root` rule without hints): `pipeline | fn() stages`, or arithmetic
 * between parenthesised metrics pipelines and numbers, then second stages. Tempo's grammar is ambiguous at a `(`
 * (a spanset pipeline, a metrics pipeline, a number); the parser tries each reading and reports the error of the
 * one that got furthest.
 */
export function parseMetricsTokens(c: TokenCursor): MetricsQuery {
  if (c.peek().type === 'end') c.fail('expected a metrics query such as { } | rate()');
  const start = c.mark();
  let first: TraceQLParseFailure | undefined;
  try {
    const pipeline = parsePipeline(c, true);
    if (c.is('|') && isMetricsFunction(c, 1)) {
      c.next();
      const aggregate = parseAggregate(c);
      return { type: 'metrics', pipeline, aggregate, stages: parseStages(c) };
    }
    c.fail(`expected "|" and a metrics function (${FIRST_STAGE_LIST})`);
  } catch (e) {
    if (!(e instanceof TraceQLParseFailure)) throw e;
    first = e;
  }
  c.reset(start);
  try {
    const expr = parseSum(c);
    if (expr.type === 'scalar') throw new TraceQLParseFailure(c.peek().offset, 'a metrics query needs a metrics pipeline such as ({ } | rate())');
    return withStages(expr.query, parseStages(c));
  } catch (e) {
    if (!(e instanceof TraceQLParseFailure)) throw e;
    throw e.offset > first!.offset ? e : first!;
  }
}

/** A number as Tempo's `scalar` rule types it: ints stay ints through folding (`1/2` is 0), durations are kept apart. */
type Operand = { type: 'scalar'; value: number; kind: 'int' | 'float' | 'duration'; offset: number } | { type: 'query'; query: MetricsQuery };

function parseSum(c: TokenCursor): Operand {
  let left = parseProduct(c);
  while (c.is('+') || c.is('-')) {
    const op = c.next();
    left = combine(op.text as MathOp, op.offset, left, parseProduct(c));
  }
  return left;
}

function parseProduct(c: TokenCursor): Operand {
  let left = parseFactor(c);
  while (c.is('*') || c.is('/')) {
    const op = c.next();
    left = combine(op.text as MathOp, op.offset, left, parseFactor(c));
  }
  return left;
}

// Numbers fold at parse time, as Tempo's `scalar` rule does (foldConstArith); a number beside a query scales each
// of its points (MetricsScalarOp). Durations take part in neither.
function combine(op: MathOp, at: number, left: Operand, right: Operand): Operand {
  if (left.type === 'scalar' && right.type === 'scalar') {
    if (left.kind === 'duration' || right.kind === 'duration') throw new TraceQLParseFailure(at, 'duration cannot be used in scalar arithmetic');
    const value = arithmetic(op, left.value, right.value);
    const ints = left.kind === 'int' && right.kind === 'int';
    return { type: 'scalar', value: ints && Number.isFinite(value) ? Math.trunc(value) : value, kind: ints ? 'int' : 'float', offset: left.offset };
  }
  if (left.type === 'query' && right.type === 'query') return { type: 'query', query: { type: 'math', op, left: left.query, right: right.query, stages: [] } };
  const scalarFirst = left.type === 'scalar';
  const scalar = (scalarFirst ? left : right) as Extract<Operand, { type: 'scalar' }>;
  const query = (scalarFirst ? right : left) as Extract<Operand, { type: 'query' }>;
  if (scalar.kind === 'duration') throw new TraceQLParseFailure(scalar.offset, 'duration cannot be used as a scalar operand in metric arithmetic');
  return { type: 'query', query: { type: 'scalar-math', op, scalar: scalar.value, scalarFirst, expr: query.query, stages: [] } };
}

function arithmetic(op: MathOp, a: number, b: number): number {
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
}

function parseFactor(c: TokenCursor): Operand {
  if (c.accept('-')) {
    const inner = parseFactor(c);
    if (inner.type !== 'scalar') c.fail('expected a number after "-"');
    return { ...inner, value: -inner.value };
  }
  const t = c.peek();
  if (t.type === 'int' || t.type === 'float' || t.type === 'duration') {
    c.next();
    // A duration compared with a series counts in seconds, as TraceQL metrics measure durations.
    return { type: 'scalar', value: t.type === 'duration' ? Number(t.value) / 1e9 : Number(t.value), kind: t.type, offset: t.offset };
  }
  if (!c.is('(')) return c.fail('expected "(" and a metrics pipeline such as ({ } | rate()), or a number');
  const start = c.mark();
  let first: TraceQLParseFailure | undefined;
  const next = c.peek(1);
  // `(2 * 3)` and `(-1)` are numbers: no pipeline to try.
  if (next.type === 'int' || next.type === 'float' || next.type === 'duration' || c.is('-', 1)) {
    c.next();
    const inner = parseSum(c);
    c.expect(')', '")" or an operator');
    return inner;
  }
  try {
    c.next();
    const pipeline = parsePipeline(c, true);
    if (c.is('|') && isMetricsFunction(c, 1)) {
      c.next();
      const aggregate = parseAggregate(c);
      const stages = parseStages(c);
      c.expect(')', '")" or a second stage ("| topk(n)", "| bottomk(n)", "> 10")');
      return { type: 'query', query: { type: 'metrics', pipeline, aggregate, stages } };
    }
    c.fail(`expected "|" and a metrics function (${FIRST_STAGE_LIST})`);
  } catch (e) {
    if (!(e instanceof TraceQLParseFailure)) throw e;
    first = e;
  }
  c.reset(start);
  try {
    c.next();
    const inner = parseSum(c);
    c.expect(')', '")" or an operator');
    return inner;
  } catch (e) {
    if (!(e instanceof TraceQLParseFailure)) throw e;
    throw e.offset > first!.offset ? e : first!;
  }
}

function withStages(q: MetricsQuery, stages: SecondStage[]): MetricsQuery {
  return stages.length === 0 ? q : { ...q, stages: [...q.stages, ...stages] };
}

function parseStages(c: TokenCursor): SecondStage[] {
  const stages: SecondStage[] = [];
  for (;;) {
    if (c.is('|') && (c.is('topk', 1) || c.is('bottomk', 1))) {
      c.next();
      const type = c.next().text as 'topk' | 'bottomk';
      c.expect('(');
      const n = c.peek();
      if (n.type !== 'int') c.fail(`expected a whole number of series, as in ${type}(5),`);
      c.next();
      if (n.value <= 0n) throw new TraceQLParseFailure(n.offset, `${type}() needs a limit greater than 0`);
      c.expect(')', `")" to close ${type}(`);
      stages.push({ type, limit: Number(n.value) });
    } else if (c.peek().type === 'op' && FILTER_OPS.has(c.peek().text)) {
      const op = c.next().text as Exclude<ComparisonOp, '=~' | '!~'>;
      const value = parseSum(c);
      if (value.type !== 'scalar') c.fail('expected a number to compare the series with');
      stages.push({ type: 'filter', op, value: value.value });
    } else if (c.is('|') && isMetricsFunction(c, 1)) {
      return c.fail('expected "| topk(n)" or "| bottomk(n)": only one metrics function per pipeline', c.peek(1));
    } else {
      return stages;
    }
  }
}

/** A query hint's value (Tempo's `static`): a string, number, duration (nanoseconds) or boolean. */
export type HintValue = string | number | bigint | boolean;

/**
 * Query hints after the query, Tempo's `with (name = value, ...)`: read here so that queries carrying them parse;
 * the caller decides which it honours.
 */
export function parseHints(c: TokenCursor): Map<string, HintValue> {
  const hints = new Map<string, HintValue>();
  if (!(c.is('with') && c.is('(', 1))) return hints;
  c.next();
  c.next();
  do {
    const name = c.next();
    if (name.type !== 'ident') c.fail('expected a hint name such as exemplars', name);
    c.expect('=', `"=" after ${name.text}`);
    const v = c.next();
    if (v.type === 'string' || v.type === 'float') hints.set(name.text, v.value);
    else if (v.type === 'int' || v.type === 'duration') hints.set(name.text, v.value);
    else if (v.type === 'ident' && (v.text === 'true' || v.text === 'false')) hints.set(name.text, v.text === 'true');
    else c.fail('expected a value (a string, a number, a duration, true or false)', v);
  } while (c.accept(','));
  c.expect(')', '"," or ")" to close with(');
  return hints;
}

function parseAggregate(c: TokenCursor): MetricsAggregate {
  const name = c.next();
  if (name.text === 'compare') return { fn: 'compare', by: [], byNames: [], compare: parseCompareArgs(c) };
  if (!FIRST_STAGE.has(name.text)) {
    const why = `${name.text}() is a second stage: it follows a metrics function, as in | rate() | ${name.text}(5)`;
    throw new TraceQLParseFailure(name.offset, why);
  }
  const fn = name.text as MetricsFn;
  c.expect('(');
  let field: MetricsField | undefined;
  let quantiles: number[] | undefined;
  if (fn === 'rate' || fn === 'count_over_time') {
    c.expect(')', `")": ${fn}() takes no arguments`);
  } else {
    if (c.is(')')) c.fail(`expected a field, such as ${fn}(duration) or ${fn}(span.bytes),`);
    field = parseMetricsField(c).field;
    if (fn === 'quantile_over_time') {
      quantiles = [];
      c.expect(',', '"," and the quantiles, as in quantile_over_time(duration, .5, .99)');
      do {
        const q = c.peek();
        if (q.type !== 'int' && q.type !== 'float') c.fail('expected a quantile such as .99');
        c.next();
        quantiles.push(Number(q.value));
      } while (c.accept(','));
    }
    c.expect(')', `")" to close ${fn}(`);
  }
  const by: MetricsField[] = [];
  const byNames: string[] = [];
  if (c.is('by') && c.is('(', 1)) {
    c.next();
    c.next();
    do {
      const { field: f, name: n } = parseMetricsField(c);
      by.push(f);
      byNames.push(n);
    } while (c.accept(','));
    c.expect(')', '"," or ")" to close by(');
    // Tempo's series keys hold at most five labels.
    if (by.length > 5) throw new TraceQLParseFailure(name.offset, `by() groups by at most 5 fields, not ${by.length}`);
  }
  return { fn, ...(field && { field }), ...(quantiles && { quantiles }), by, byNames };
}

function parseMetricsField(c: TokenCursor): { field: MetricsField; name: string } {
  const first = c.peek();
  const f = parseField(c).expr;
  if (f.type !== 'attribute' && f.type !== 'intrinsic') throw new TraceQLParseFailure(first.offset, 'expected an attribute or an intrinsic such as span.http.route or duration');
  // Clew reads `span:name` as `name`; Tempo names the series label as the query wrote it.
  return { field: f, name: f.type === 'intrinsic' && first.type === 'ident' ? first.text : fieldText(f) };
}
