import type { AttributeScope, ComparisonOp, FieldExpr, Static } from './ast.js';
import type { TokenCursor } from './cursor.js';
import { goRegex } from './go-regex.js';
import { INTRINSIC_TYPES, INTRINSICS, KIND_NAMES, STATUS_NAMES, UNSUPPORTED_INTRINSICS } from './intrinsics.js';
import { TraceQLParseFailure } from './syntax-error.js';
import type { Token } from './tokens.js';

/** What an expression yields, as far as the query alone tells; `any` for attributes (their type is per span). */
export type FieldType = 'bool' | 'number' | 'string' | 'status' | 'kind' | 'nil' | 'any';

export interface TypedField {
  readonly expr: FieldExpr;
  readonly type: FieldType;
}

const COMPARISONS = new Set<string>(['=', '!=', '>', '>=', '<', '<=', '=~', '!~']);
const ORDERED = new Set<string>(['>', '>=', '<', '<=']);

/** Parses a field expression (what goes inside `{ }`, `select()`, `by()` and aggregates), checking its types. */
export function parseField(c: TokenCursor): TypedField {
  return parseOr(c);
}

// Tempo's grammar gives `&&` and `||` one precedence, left-associative: `a || b && c` is `(a || b) && c`.
function parseOr(c: TokenCursor): TypedField {
  let left = parseComparison(c);
  while (c.is('&&') || c.is('||')) {
    const op = c.next();
    left = logical(op, left, parseComparison(c));
  }
  return left;
}

function logical(op: Token, left: TypedField, right: TypedField): TypedField {
  for (const side of [left, right]) {
    if (side.type !== 'bool' && side.type !== 'any') {
      throw new TraceQLParseFailure(op.offset, `"${op.text}" needs true/false on both sides, not ${describeType(side.type)}`);
    }
  }
  return { expr: { type: 'binary', op: op.text as '&&' | '||', left: left.expr, right: right.expr }, type: 'bool' };
}

function parseComparison(c: TokenCursor): TypedField {
  const left = parseAdditive(c);
  const t = c.peek();
  if (t.type !== 'op' || !COMPARISONS.has(t.text)) return left;
  const op = c.next();
  const rightAt = c.peek().offset;
  const right = parseAdditive(c);
  if (op.text === '=~' || op.text === '!~') checkRegex(op, left, right, rightAt);
  else checkComparable(op, left.type, right.type);
  return { expr: { type: 'binary', op: op.text as ComparisonOp, left: left.expr, right: right.expr }, type: 'bool' };
}

function checkRegex(op: Token, left: TypedField, right: TypedField, rightAt: number): void {
  if (left.type !== 'string' && left.type !== 'any') {
    throw new TraceQLParseFailure(op.offset, `"${op.text}" matches text, not ${describeType(left.type)}`);
  }
  const pattern = right.expr.type === 'static' && right.expr.value.type === 'string' ? right.expr.value.value : undefined;
  if (pattern === undefined) throw new TraceQLParseFailure(op.offset, `expected a string with a regular expression after "${op.text}"`);
  try {
    goRegex(pattern);
  } catch (e) {
    throw new TraceQLParseFailure(rightAt, `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`);
  }
}

function checkComparable(op: Token, left: FieldType, right: FieldType): void {
  if (left === 'any' || right === 'any' || left === 'nil' || right === 'nil') {
    if ((left === 'nil' || right === 'nil') && op.text !== '=' && op.text !== '!=') {
      throw new TraceQLParseFailure(op.offset, `nil compares only with "=" and "!=", not "${op.text}"`);
    }
    return;
  }
  if (left !== right) {
    throw new TraceQLParseFailure(op.offset, `cannot compare ${describeType(left)} with ${describeType(right)}`);
  }
  if (ORDERED.has(op.text) && left !== 'number' && left !== 'string') {
    throw new TraceQLParseFailure(op.offset, `"${op.text}" does not apply to ${describeType(left)}; use "=" or "!="`);
  }
}

function parseAdditive(c: TokenCursor): TypedField {
  let left = parseMultiplicative(c);
  while (c.is('+') || c.is('-')) {
    const op = c.next();
    left = arithmetic(op, left, parseMultiplicative(c));
  }
  return left;
}

function parseMultiplicative(c: TokenCursor): TypedField {
  let left = parsePower(c);
  while (c.is('*') || c.is('/') || c.is('%')) {
    const op = c.next();
    left = arithmetic(op, left, parsePower(c));
  }
  return left;
}

function parsePower(c: TokenCursor): TypedField {
  const base = parseUnary(c);
  if (!c.is('^')) return base;
  const op = c.next();
  return arithmetic(op, base, parsePower(c));
}

function arithmetic(op: Token, left: TypedField, right: TypedField): TypedField {
  for (const side of [left, right]) {
    if (side.type !== 'number' && side.type !== 'any') {
      throw new TraceQLParseFailure(op.offset, `"${op.text}" needs numbers on both sides, not ${describeType(side.type)}`);
    }
  }
  return { expr: { type: 'binary', op: op.text as '+', left: left.expr, right: right.expr }, type: 'number' };
}

function parseUnary(c: TokenCursor): TypedField {
  if (c.is('!')) {
    const op = c.next();
    const operand = parseUnary(c);
    if (operand.type !== 'bool' && operand.type !== 'any') {
      throw new TraceQLParseFailure(op.offset, `"!" needs true/false, not ${describeType(operand.type)}`);
    }
    return { expr: { type: 'unary', op: '!', operand: operand.expr }, type: 'bool' };
  }
  if (c.is('-')) {
    const op = c.next();
    const operand = parseUnary(c);
    const e = operand.expr;
    if (e.type === 'static' && (e.value.type === 'int' || e.value.type === 'duration')) {
      return { expr: { type: 'static', value: { type: e.value.type, value: -e.value.value } }, type: 'number' };
    }
    if (e.type === 'static' && e.value.type === 'float') return { expr: { type: 'static', value: { type: 'float', value: -e.value.value } }, type: 'number' };
    if (operand.type !== 'number' && operand.type !== 'any') {
      throw new TraceQLParseFailure(op.offset, `"-" needs a number, not ${describeType(operand.type)}`);
    }
    return { expr: { type: 'unary', op: '-', operand: e }, type: 'number' };
  }
  return parsePrimary(c);
}

function parsePrimary(c: TokenCursor): TypedField {
  const t = c.peek();
  if (c.is('(')) {
    c.next();
    const inner = parseOr(c);
    c.expect(')', `")" or an operator`);
    return inner;
  }
  switch (t.type) {
    case 'string':
      c.next();
      return staticField({ type: 'string', value: t.value });
    case 'int':
      c.next();
      return staticField({ type: 'int', value: t.value });
    case 'float':
      c.next();
      return staticField({ type: 'float', value: t.value });
    case 'duration':
      c.next();
      return staticField({ type: 'duration', value: t.value });
    case 'attribute':
      c.next();
      return { expr: { type: 'attribute', scope: attributeScope(t), name: t.name }, type: 'any' };
    case 'ident':
      c.next();
      return identifier(t);
    default: {
      const before = c.previous();
      const after = before !== t && (before.type === 'op' || before.text === '(') ? ` after ${JSON.stringify(before.text)}` : '';
      return c.fail(`expected a value${after}`);
    }
  }
}

function attributeScope(t: Extract<Token, { type: 'attribute' }>): AttributeScope {
  if (t.scope === '') return 'any';
  if (t.scope === 'span' || t.scope === 'resource') return t.scope;
  throw new TraceQLParseFailure(
    t.offset,
    `"${t.scope}." attributes are not supported: use span., resource. or an unscoped . attribute`,
  );
}

function identifier(t: Token): TypedField {
  const word = t.text;
  if (word === 'true' || word === 'false') return staticField({ type: 'bool', value: word === 'true' });
  if (word === 'nil') return staticField({ type: 'nil' });
  if (STATUS_NAMES.has(word)) return staticField({ type: 'status', value: word as 'ok' });
  if (KIND_NAMES.has(word)) return staticField({ type: 'kind', value: word as 'server' });
  const intrinsic = INTRINSICS.get(word);
  if (intrinsic) return { expr: { type: 'intrinsic', name: intrinsic }, type: INTRINSIC_TYPES[intrinsic] };
  if (UNSUPPORTED_INTRINSICS.has(word)) throw new TraceQLParseFailure(t.offset, `intrinsic "${word}" is not supported`);
  const colon = word.indexOf(':');
  if (colon > 0) {
    const scope = word.slice(0, colon);
    const known = ['span', 'trace', 'event', 'link', 'instrumentation'].includes(scope);
    throw new TraceQLParseFailure(t.offset, known ? `unknown intrinsic "${word}"` : `unknown scope "${scope}:" in "${word}"`);
  }
  throw new TraceQLParseFailure(
    t.offset,
    `unknown intrinsic "${word}"; attributes need a scope: span.${word}, resource.${word} or .${word}`,
  );
}

function staticField(value: Static): TypedField {
  const type: FieldType =
    value.type === 'int' || value.type === 'float' || value.type === 'duration' ? 'number' : value.type === 'string' ? 'string' : value.type;
  return { expr: { type: 'static', value }, type };
}

function describeType(t: FieldType): string {
  switch (t) {
    case 'bool':
      return 'a boolean';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'status':
      return 'a status (ok, error, unset)';
    case 'kind':
      return 'a kind (server, client, ...)';
    case 'nil':
      return 'nil';
    case 'any':
      return 'an attribute';
  }
}
