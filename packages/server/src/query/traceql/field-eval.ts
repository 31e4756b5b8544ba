import type { Attributes } from '@clew/model';
import { SPAN_KIND_NAMES, StatusCode } from '@clew/model';
import type { ArithmeticOp, AttributeScope, FieldExpr, Intrinsic, Static } from './ast.js';
import type { TraceIndex } from './trace-index.js';
import type { Value } from './values.js';
import { bigNum, bool, compare, FALSE, fromAnyValue, NIL, num } from './values.js';

export const STATUS_TEXT: Record<number, string> = { [StatusCode.UNSET]: 'unset', [StatusCode.OK]: 'ok', [StatusCode.ERROR]: 'error' };

/** The value of a field expression for span `i` of the trace. */
export function evalField(e: FieldExpr, trace: TraceIndex, i: number): Value {
  switch (e.type) {
    case 'static':
      return staticValue(e.value);
    case 'intrinsic':
      return intrinsicValue(e.name, trace, i);
    case 'attribute':
      return attributeValue(trace, i, e.scope, e.name);
    case 'unary': {
      const v = evalField(e.operand, trace, i);
      if (e.op === '!') return v.k === 'bool' ? bool(!v.b) : FALSE;
      return v.k === 'num' ? (v.i !== undefined ? bigNum(-v.i) : num(-v.n)) : NIL;
    }
    case 'binary': {
      if (e.op === '&&') return bool(isTrue(evalField(e.left, trace, i)) && isTrue(evalField(e.right, trace, i)));
      if (e.op === '||') return bool(isTrue(evalField(e.left, trace, i)) || isTrue(evalField(e.right, trace, i)));
      const l = evalField(e.left, trace, i);
      const r = evalField(e.right, trace, i);
      switch (e.op) {
        case '+':
        case '-':
        case '*':
        case '/':
        case '%':
        case '^':
          return l.k === 'num' && r.k === 'num' ? num(arithmetic(e.op, l.n, r.n)) : NIL;
        default:
          return bool(compare(e.op, l, r, isNilLiteral(e.left) || isNilLiteral(e.right)));
      }
    }
  }
}

const isNilLiteral = (e: FieldExpr): boolean => e.type === 'static' && e.value.type === 'nil';

/** Whether a condition's value lets a span through: only a boolean true does. */
export function isTrue(v: Value): boolean {
  return v.k === 'bool' && v.b;
}

/** `a op b` for TraceQL's arithmetic operators, in floating point as Tempo computes them. */
export function arithmetic(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
  }
}

/** A literal as an evaluation value (durations as nanoseconds). */
export function staticValue(s: Static): Value {
  switch (s.type) {
    case 'string':
      return { k: 'str', s: s.value };
    case 'int':
    case 'duration':
      return bigNum(s.value);
    case 'float':
      return num(s.value);
    case 'bool':
      return bool(s.value);
    case 'nil':
      return NIL;
    case 'status':
      return { k: 'status', s: s.value };
    case 'kind':
      return { k: 'kind', s: s.value };
  }
}

function intrinsicValue(name: Intrinsic, trace: TraceIndex, i: number): Value {
  const span = trace.spans[i]!;
  switch (name) {
    case 'name':
      return { k: 'str', s: span.name };
    case 'status':
      return { k: 'status', s: STATUS_TEXT[span.status.code] ?? 'unset' };
    case 'statusMessage':
      return { k: 'str', s: span.status.message };
    case 'kind':
      return { k: 'kind', s: SPAN_KIND_NAMES[span.kind] ?? 'unspecified' };
    case 'duration':
      return bigNum(trace.spanDuration(i));
    case 'rootName':
      return optionalString(trace.rootName);
    case 'rootServiceName':
      return optionalString(trace.rootServiceName);
    case 'traceDuration':
      return bigNum(trace.duration);
    case 'spanID':
      return { k: 'str', s: span.spanId };
    case 'traceID':
      return { k: 'str', s: span.traceId };
    case 'parentID':
      return optionalString(span.parentSpanId ?? undefined);
    // Ints in Tempo: kept exact so aggregates and by() report them as ints.
    case 'childCount':
      return bigNum(BigInt(trace.childCount(i)));
    case 'nestedSetLeft':
      return bigNum(BigInt(trace.nestedSet().left[i]!));
    case 'nestedSetRight':
      return bigNum(BigInt(trace.nestedSet().right[i]!));
    case 'nestedSetParent':
      return bigNum(BigInt(trace.nestedSet().parent[i]!));
  }
}

function optionalString(s: string | undefined): Value {
  return s === undefined ? NIL : { k: 'str', s };
}

/** An attribute of span `i`: `span.` reads the span, `resource.` its resource, unscoped the span then the resource. */
export function attributeValue(trace: TraceIndex, i: number, scope: AttributeScope, name: string): Value {
  const span = trace.spans[i]!;
  if (scope !== 'resource') {
    const v = find(span.attributes, name);
    if (v || scope === 'span') return v ? fromAnyValue(v) : NIL;
  }
  const v = find(span.resource.attributes, name);
  return v ? fromAnyValue(v) : NIL;
}

function find(attrs: Attributes, key: string) {
  for (const kv of attrs) if (kv.key === key) return kv.value;
  return undefined;
}
