import type { AnyValue } from '@clew/model';
import { getAttribute, SPAN_KIND_NAMES, str } from '@clew/model';
import type { FieldExpr, Pipeline, ScalarExpr, SpansetExpr, TraceQLQuery } from './ast.js';
import { STATUS_TEXT } from './field-eval.js';
import type { TraceIndex } from './trace-index.js';

/** A field whose value is shown with each returned span. */
export type NamedField =
  | { readonly type: 'attribute'; readonly scope: 'span' | 'resource' | 'any'; readonly name: string }
  | { readonly type: 'intrinsic'; readonly name: ShownIntrinsic };

/**
 * The intrinsics shown as span attributes, under their own name, as Tempo's search results show them. Tempo leaves
 * out the span's name and duration (they travel with the span) and the trace-level ones (the trace carries them).
 */
const SHOWN_INTRINSICS = ['status', 'kind', 'statusMessage', 'childCount', 'nestedSetLeft', 'nestedSetRight', 'nestedSetParent'] as const;
type ShownIntrinsic = (typeof SHOWN_INTRINSICS)[number];
const isShown = (name: string): name is ShownIntrinsic => (SHOWN_INTRINSICS as readonly string[]).includes(name);

/**
 * The attributes a query names in its conditions, aggregates, by() and select(), in order of appearance, each once.
 * Of the intrinsics only those in SHOWN_INTRINSICS are listed.
 */
export function namedFields(query: TraceQLQuery): NamedField[] {
  const out = new Map<string, NamedField>();
  const field = (e: FieldExpr): void => {
    switch (e.type) {
      case 'attribute':
        out.set(`${e.scope}\u0000${e.name}`, { type: 'attribute', scope: e.scope, name: e.name });
        break;
      case 'intrinsic':
        if (isShown(e.name)) out.set(e.name, { type: 'intrinsic', name: e.name });
        break;
      case 'unary':
        field(e.operand);
        break;
      case 'binary':
        field(e.left);
        field(e.right);
        break;
      case 'static':
        break;
    }
  };
  const scalar = (e: ScalarExpr): void => {
    if (e.type === 'aggregate' && e.aggregate.field) field(e.aggregate.field);
    if (e.type === 'binary') {
      scalar(e.left);
      scalar(e.right);
    }
  };
  const spanset = (e: SpansetExpr): void => {
    if (e.type === 'filter' && e.expr) field(e.expr);
    if (e.type === 'pipeline') pipeline(e.pipeline);
    if (e.type === 'spanset-op') {
      spanset(e.left);
      spanset(e.right);
    }
  };
  const pipeline = (p: Pipeline): void => {
    for (const stage of p.stages) {
      if (stage.type === 'spanset') spanset(stage.expr);
      else if (stage.type === 'scalar-filter') {
        scalar(stage.left);
        scalar(stage.right);
      } else if (stage.type === 'by' || stage.type === 'select') stage.fields.forEach(field);
    }
  };
  pipeline(query.pipeline);
  return [...out.values()];
}

/** The named fields span `i` has, keyed by attribute name (a span's own attribute wins over its resource's). */
export function namedValues(fields: readonly NamedField[], trace: TraceIndex, i: number): Array<{ key: string; value: AnyValue }> {
  const span = trace.spans[i]!;
  const out: Array<{ key: string; value: AnyValue }> = [];
  const seen = new Set<string>();
  const add = (key: string, value: AnyValue | undefined): void => {
    if (value === undefined || seen.has(key)) return;
    seen.add(key);
    out.push({ key, value });
  };
  for (const f of fields) {
    if (f.type === 'intrinsic') {
      if (f.name === 'status') add('status', str(STATUS_TEXT[span.status.code] ?? 'unset'));
      else if (f.name === 'kind') add('kind', str(SPAN_KIND_NAMES[span.kind] ?? 'unspecified'));
      else if (f.name === 'statusMessage') add('statusMessage', str(span.status.message));
      else add(f.name, intrinsicInt(f.name, trace, i));
      continue;
    }
    const own = f.scope === 'resource' ? undefined : getAttribute(span.attributes, f.name);
    add(f.name, own ?? (f.scope === 'span' ? undefined : getAttribute(span.resource.attributes, f.name)));
  }
  return out;
}

/** childCount and the nested set numbers of span `i`, as the ints Tempo shows. */
function intrinsicInt(name: 'childCount' | 'nestedSetLeft' | 'nestedSetRight' | 'nestedSetParent', trace: TraceIndex, i: number): AnyValue {
  const n = name === 'childCount' ? trace.childCount(i) : trace.nestedSet()[name === 'nestedSetLeft' ? 'left' : name === 'nestedSetRight' ? 'right' : 'parent'][i]!;
  return { type: 'int', value: BigInt(n) };
}
