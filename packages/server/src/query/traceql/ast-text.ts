import type { Aggregate, FieldExpr, Static } from './ast.js';

const INTRINSIC_TEXT: Record<string, string> = { spanID: 'span:id', traceID: 'trace:id', parentID: 'span:parentID' };

/** A field expression written back as TraceQL, as Tempo names aggregates (`avg(duration)`) and by() groups. */
export function fieldText(e: FieldExpr): string {
  switch (e.type) {
    case 'static':
      return staticText(e.value);
    case 'intrinsic':
      return INTRINSIC_TEXT[e.name] ?? e.name;
    case 'attribute':
      return `${e.scope === 'any' ? '' : e.scope}.${/^[^\s{}()=~!<>&|^,"]+$/.test(e.name) ? e.name : JSON.stringify(e.name)}`;
    case 'unary':
      return `${e.op}${fieldText(e.operand)}`;
    case 'binary':
      return `(${fieldText(e.left)} ${e.op} ${fieldText(e.right)})`;
  }
}

/** `count()`, `avg(duration)`, `max(span.bytes)`. */
export function aggregateText(a: Aggregate): string {
  return `${a.fn}(${a.field ? fieldText(a.field) : ''})`;
}

function staticText(s: Static): string {
  switch (s.type) {
    case 'string':
      return JSON.stringify(s.value);
    case 'int':
    case 'float':
      return String(s.value);
    case 'duration':
      return `${s.value}ns`;
    case 'bool':
      return String(s.value);
    case 'nil':
      return 'nil';
    case 'status':
    case 'kind':
      return s.value;
  }
}
