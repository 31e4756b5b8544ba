import type { Aggregate, AggregateFn, ComparisonOp, FieldExpr, Pipeline, ScalarExpr, SpansetExpr, SpansetOp, Stage, TraceQLQuery } from './ast.js';
import { TokenCursor } from './cursor.js';
import { parseField } from './field-parser.js';
import { tokenize } from './lexer.js';
import { TraceQLParseFailure } from './syntax-error.js';

const STRUCTURAL = new Set<string>(['>', '>>', '<', '<<', '~', '!>', '!>>', '!<', '!<<', '!~', '&>', '&>>', '&<', '&<<', '&~']);
const AGGREGATES = new Set<string>(['count', 'avg', 'max', 'min', 'sum']);
const SCALAR_COMPARISONS = new Set<string>(['=', '!=', '>', '>=', '<', '<=']);
const METRICS = new Set<string>([
  'rate',
  'count_over_time',
  'min_over_time',
  'max_over_time',
  'avg_over_time',
  'sum_over_time',
  'quantile_over_time',
  'histogram_over_time',
  'compare',
  'topk',
  'bottomk',
]);
const STAGE_START = '"{", "(", an aggregate (count(), avg(), max(), min(), sum()), by(), select() or coalesce()';

/** Parses TraceQL text to its syntax tree. Throws TraceQLParseFailure where it goes wrong. */
export function parseQuery(text: string): TraceQLQuery {
  const c = new TokenCursor(tokenize(text));
  if (c.peek().type === 'end') c.fail('expected a query such as { span.http.status_code = 500 }');
  const pipeline = parsePipeline(c);
  if (c.peek().type !== 'end') c.fail(`expected "|", "&&", "||", a structural operator (">", ">>", "<", "<<", "~") or the end of the query`);
  return { pipeline };
}

/** A pipeline of stages; with `stopAtMetrics` it ends before a `| rate()`-like metrics function (see metrics-parser). */
export function parsePipeline(c: TokenCursor, stopAtMetrics = false): Pipeline {
  const stages: Stage[] = [parseStage(c)];
  while (c.is('|') && !(stopAtMetrics && isMetricsFunction(c, 1))) {
    c.next();
    stages.push(parseStage(c));
  }
  return { stages };
}

/** True when a TraceQL metrics function (`rate(`, `topk(`, ...) starts `ahead` tokens from here. */
export function isMetricsFunction(c: TokenCursor, ahead = 0): boolean {
  const t = c.peek(ahead);
  return t.type === 'ident' && METRICS.has(t.text) && c.is('(', ahead + 1);
}

function parseStage(c: TokenCursor): Stage {
  const t = c.peek();
  if (c.is('{') || c.is('(')) return { type: 'spanset', expr: parseSpansetOr(c) };
  if (t.type === 'ident' && AGGREGATES.has(t.text) && c.is('(', 1)) return parseScalarFilter(c);
  if (t.type === 'int' || t.type === 'float' || t.type === 'duration' || c.is('-')) return parseScalarFilter(c);
  if (c.is('by') && c.is('(', 1)) return { type: 'by', fields: parseFieldList(c) };
  if (c.is('select') && c.is('(', 1)) return { type: 'select', fields: parseFieldList(c) };
  if (c.is('coalesce') && c.is('(', 1)) {
    c.next();
    c.next();
    c.expect(')', '")": coalesce() takes no arguments');
    return { type: 'coalesce' };
  }
  if (t.type === 'ident' && METRICS.has(t.text) && c.is('(', 1)) {
    throw new TraceQLParseFailure(t.offset, `TraceQL metrics (${t.text}()) are not supported: Clew's TraceQL searches traces`);
  }
  const after = c.previous().text === '|' && c.previous() !== t ? ' after "|"' : '';
  return c.fail(`expected ${STAGE_START}${after}`);
}

// As in Tempo's grammar, `&&` and `||` between spansets share one precedence, left-associative, and the
// structural operators bind tighter: `{a} || {b} && {c} > {d}` is `({a} || {b}) && ({c} > {d})`.
function parseSpansetOr(c: TokenCursor): SpansetExpr {
  let left = parseStructural(c);
  while (c.is('&&') || c.is('||')) {
    const op = c.next().text as '&&' | '||';
    left = { type: 'spanset-op', op, left, right: parseStructural(c) };
  }
  return left;
}

function parseStructural(c: TokenCursor): SpansetExpr {
  let left = parseSpansetOperand(c);
  while (c.peek().type === 'op' && STRUCTURAL.has(c.peek().text)) {
    const op = c.next().text as SpansetOp;
    left = { type: 'spanset-op', op, left, right: parseSpansetOperand(c) };
  }
  return left;
}

function parseSpansetOperand(c: TokenCursor): SpansetExpr {
  if (c.accept('(')) {
    const pipeline = parsePipeline(c);
    c.expect(')', '")", "|" or a spanset operator');
    const only = pipeline.stages.length === 1 ? pipeline.stages[0]! : undefined;
    return only?.type === 'spanset' ? only.expr : { type: 'pipeline', pipeline };
  }
  if (!c.is('{')) {
    const prev = c.previous();
    const after = prev !== c.peek() && prev.type === 'op' ? ` after ${JSON.stringify(prev.text)}` : '';
    return c.fail(`expected a spanset filter "{" or "("${after}`);
  }
  c.next();
  if (c.accept('}')) return { type: 'filter', expr: null };
  const field = parseField(c);
  if (field.type !== 'bool' && field.type !== 'any') {
    throw new TraceQLParseFailure(c.peek().offset, 'a spanset filter must be a condition such as { span.http.status_code = 500 }');
  }
  c.expect('}', 'one of "=", "!=", ">", ">=", "<", "<=", "=~", "!~", "&&", "||" or "}"');
  return { type: 'filter', expr: field.expr };
}

function parseFieldList(c: TokenCursor): FieldExpr[] {
  const name = c.next().text;
  c.expect('(');
  const fields = [parseField(c).expr];
  while (c.accept(',')) fields.push(parseField(c).expr);
  c.expect(')', `"," or ")" to close ${name}(`);
  return fields;
}

function parseScalarFilter(c: TokenCursor): Stage {
  const left = parseScalarAdditive(c);
  const op = c.peek();
  if (op.type !== 'op' || !SCALAR_COMPARISONS.has(op.text)) c.fail('expected one of "=", "!=", ">", ">=", "<", "<=" after the aggregate');
  c.next();
  const right = parseScalarAdditive(c);
  if (!hasAggregate(left) && !hasAggregate(right)) {
    throw new TraceQLParseFailure(op.offset, 'a pipeline comparison needs an aggregate such as count() or avg(duration)');
  }
  return { type: 'scalar-filter', op: op.text as ComparisonOp, left, right };
}

function hasAggregate(e: ScalarExpr): boolean {
  return e.type === 'aggregate' || (e.type === 'binary' && (hasAggregate(e.left) || hasAggregate(e.right)));
}

function parseScalarAdditive(c: TokenCursor): ScalarExpr {
  let left = parseScalarMultiplicative(c);
  while (c.is('+') || c.is('-')) {
    const op = c.next().text as '+' | '-';
    left = { type: 'binary', op, left, right: parseScalarMultiplicative(c) };
  }
  return left;
}

function parseScalarMultiplicative(c: TokenCursor): ScalarExpr {
  let left = parseScalarPower(c);
  while (c.is('*') || c.is('/') || c.is('%')) {
    const op = c.next().text as '*' | '/' | '%';
    left = { type: 'binary', op, left, right: parseScalarPower(c) };
  }
  return left;
}

function parseScalarPower(c: TokenCursor): ScalarExpr {
  const base = parseScalarPrimary(c);
  if (!c.accept('^')) return base;
  return { type: 'binary', op: '^', left: base, right: parseScalarPower(c) };
}

function parseScalarPrimary(c: TokenCursor): ScalarExpr {
  const negative = c.accept('-');
  const t = c.peek();
  if (t.type === 'int' || t.type === 'duration') {
    c.next();
    return { type: 'static', value: { type: t.type, value: negative ? -t.value : t.value } };
  }
  if (t.type === 'float') {
    c.next();
    return { type: 'static', value: { type: 'float', value: negative ? -t.value : t.value } };
  }
  if (!negative && t.type === 'ident' && AGGREGATES.has(t.text) && c.is('(', 1)) return { type: 'aggregate', aggregate: parseAggregate(c) };
  if (!negative && c.accept('(')) {
    const inner = parseScalarAdditive(c);
    c.expect(')', '")" or an operator');
    return inner;
  }
  return c.fail('expected a number, a duration or an aggregate (count(), avg(), max(), min(), sum())');
}

function parseAggregate(c: TokenCursor): Aggregate {
  const fn = c.next().text as AggregateFn;
  c.expect('(');
  if (fn === 'count') {
    c.expect(')', '")": count() takes no arguments');
    return { fn };
  }
  if (c.is(')')) c.fail(`expected a field to aggregate, such as ${fn}(duration) or ${fn}(span.bytes),`);
  const at = c.peek().offset;
  const field = parseField(c);
  if (field.type !== 'number' && field.type !== 'any') {
    throw new TraceQLParseFailure(at, `${fn}() needs a number or a duration, such as ${fn}(duration)`);
  }
  c.expect(')', `")" to close ${fn}(`);
  return { fn, field: field.expr };
}
