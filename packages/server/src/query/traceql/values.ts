import type { AnyValue } from '@clew/model';
import type { ComparisonOp } from './ast.js';
import { goRegex } from './go-regex.js';

/**
 * A value during evaluation. Numbers (ints, floats, durations in nanoseconds) compare with one another as in Tempo;
 * ints keep their exact bigint for equality. `other` is a present value TraceQL cannot compare (bytes, arrays, maps).
 */
export type Value =
  | { readonly k: 'str'; readonly s: string }
  | { readonly k: 'num'; readonly n: number; readonly i?: bigint }
  | { readonly k: 'bool'; readonly b: boolean }
  | { readonly k: 'status'; readonly s: string }
  | { readonly k: 'kind'; readonly s: string }
  | { readonly k: 'other' }
  | { readonly k: 'nil' };

export const NIL: Value = { k: 'nil' };
export const TRUE: Value = { k: 'bool', b: true };
export const FALSE: Value = { k: 'bool', b: false };

export const num = (n: number): Value => ({ k: 'num', n });
export const bigNum = (i: bigint): Value => ({ k: 'num', n: Number(i), i });
export const bool = (b: boolean): Value => (b ? TRUE : FALSE);

/** An attribute's value as TraceQL sees it. */
export function fromAnyValue(v: AnyValue): Value {
  switch (v.type) {
    case 'string':
      return { k: 'str', s: v.value };
    case 'int':
      return bigNum(v.value);
    case 'double':
      return num(v.value);
    case 'bool':
      return bool(v.value);
    case 'empty':
      return NIL;
    default:
      return { k: 'other' };
  }
}

const regexCache = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = goRegex(pattern);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/**
 * `left op right`. A comparison with the literal nil (`withNil`) is a presence test: `!= nil` holds when the value
 * is there. Any other comparison involving a missing value, or values of different types, is false, so that
 * `span.x != 1` does not hold for a span without x.
 */
export function compare(op: ComparisonOp, left: Value, right: Value, withNil = false): boolean {
  if (withNil) {
    if (op === '=') return left.k === right.k;
    if (op === '!=') return left.k !== right.k;
    return false;
  }
  if (left.k === 'nil' || right.k === 'nil') return false;
  if (op === '=~' || op === '!~') {
    if (left.k !== 'str' || right.k !== 'str') return false;
    return regex(right.s).test(left.s) === (op === '=~');
  }
  if (left.k !== right.k || left.k === 'other') return false;
  const order = ordering(left, right);
  if (order === undefined) return false;
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}

/** -1, 0 or 1; NaN for incomparable numbers (NaN), undefined when only equality applies and they differ in kind. */
function ordering(left: Value, right: Value): number | undefined {
  switch (left.k) {
    case 'num': {
      const r = right as Extract<Value, { k: 'num' }>;
      if (left.i !== undefined && r.i !== undefined) return left.i < r.i ? -1 : left.i > r.i ? 1 : 0;
      return left.n < r.n ? -1 : left.n > r.n ? 1 : left.n === r.n ? 0 : NaN;
    }
    case 'str':
    case 'status':
    case 'kind': {
      const s = (right as { s: string }).s;
      return left.s < s ? -1 : left.s > s ? 1 : 0;
    }
    case 'bool':
      return left.b === (right as { b: boolean }).b ? 0 : left.b ? 1 : -1;
    default:
      return undefined;
  }
}
