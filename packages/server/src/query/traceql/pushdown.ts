import type { SpanKind } from '@clew/model';
import { SpanKind as Kinds } from '@clew/model';
import type { TraceQuery } from '@clew/storage';
import type { ComparisonOp, FieldExpr, KindName, Pipeline, SpansetExpr, Static, TraceQLQuery } from './ast.js';

/** What one span of a matching trace must satisfy, in the terms of Store.findTraces. */
export type SpanCondition = Pick<TraceQuery, 'service' | 'operation' | 'spanKind' | 'attributes' | 'minDuration' | 'maxDuration'>;

const KINDS: Record<KindName, SpanKind> = {
  unspecified: Kinds.UNSPECIFIED,
  internal: Kinds.INTERNAL,
  server: Kinds.SERVER,
  client: Kinds.CLIENT,
  producer: Kinds.PRODUCER,
  consumer: Kinds.CONSUMER,
};

/**
 * Conditions every trace the query matches must meet, each on one span: any one of them can select candidate
 * traces from the store. They come from spanset filters that must match for the query to (both sides of `&&` and
 * of the structural operators, the right side of the negated ones, every spanset stage of the pipeline), from the
 * equality, kind, status and duration comparisons joined by `&&` at the top of a filter. Conditions under `||`, `!`,
 * regexes, ranges on attributes and the like are not pushed down: the evaluator checks them on each candidate.
 * An empty list means no condition could be derived (for example `{ }` or `{ a } || { b }`).
 */
export function candidateConditions(query: TraceQLQuery): SpanCondition[] {
  return fromPipeline(query.pipeline).filter((c) => Object.keys(c).length > 0);
}

function fromPipeline(p: Pipeline): SpanCondition[] {
  return p.stages.flatMap((s) => (s.type === 'spanset' ? fromSpanset(s.expr) : []));
}

function fromSpanset(e: SpansetExpr): SpanCondition[] {
  switch (e.type) {
    case 'filter':
      return e.expr ? [fromFilter(e.expr)] : [];
    case 'pipeline':
      return fromPipeline(e.pipeline);
    case 'spanset-op':
      if (e.op === '||') return [];
      // `A !> B` yields B spans whatever A holds; every other operator needs spans on both sides.
      if (e.op.startsWith('!')) return fromSpanset(e.right);
      return [...fromSpanset(e.left), ...fromSpanset(e.right)];
  }
}

function fromFilter(e: FieldExpr): SpanCondition {
  const c: { -readonly [K in keyof SpanCondition]: SpanCondition[K] } = {};
  for (const conjunct of conjuncts(e)) {
    if (conjunct.type !== 'binary') continue;
    const pair = fieldAndLiteral(conjunct.left, conjunct.right, conjunct.op as ComparisonOp);
    if (!pair) continue;
    const { field, literal, op } = pair;
    if (field.type === 'intrinsic') {
      if (field.name === 'duration' && (literal.type === 'duration' || literal.type === 'int')) {
        narrowDuration(c, op, literal.value);
      } else if (op !== '=') continue;
      else if (field.name === 'name' && literal.type === 'string') c.operation = literal.value;
      else if (field.name === 'kind' && literal.type === 'kind') c.spanKind = KINDS[literal.value];
      else if (field.name === 'status' && literal.type === 'status' && literal.value === 'error') addAttribute(c, 'error', 'true');
    } else if (field.type === 'attribute' && op === '=') {
      if (field.scope === 'resource' && field.name === 'service.name' && literal.type === 'string') c.service = literal.value;
      // The store reads `error=true` as "status is ERROR", so an attribute named error is left to the evaluator.
      else if (field.name !== 'error') {
        const text = literalText(literal);
        if (text !== undefined) addAttribute(c, field.name, text);
      }
    }
  }
  return c;
}

function conjuncts(e: FieldExpr): FieldExpr[] {
  return e.type === 'binary' && e.op === '&&' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

const FLIPPED: Partial<Record<string, ComparisonOp>> = { '=': '=', '>': '<', '>=': '<=', '<': '>', '<=': '>=' };

/** `field op literal` read from either order (`5ms < duration` is `duration > 5ms`). */
function fieldAndLiteral(left: FieldExpr, right: FieldExpr, op: ComparisonOp): { field: FieldExpr; literal: Static; op: ComparisonOp } | null {
  if (right.type === 'static' && left.type !== 'static') return { field: left, literal: right.value, op };
  const flipped = FLIPPED[op];
  if (left.type === 'static' && right.type !== 'static' && flipped) return { field: right, literal: left.value, op: flipped };
  return null;
}

function narrowDuration(c: { minDuration?: bigint; maxDuration?: bigint }, op: ComparisonOp, v: bigint): void {
  const min = op === '>' ? v + 1n : op === '>=' || op === '=' ? v : undefined;
  const max = op === '<' ? v - 1n : op === '<=' || op === '=' ? v : undefined;
  if (min !== undefined && (c.minDuration === undefined || min > c.minDuration)) c.minDuration = min;
  if (max !== undefined && (c.maxDuration === undefined || max < c.maxDuration)) c.maxDuration = max;
}

function addAttribute(c: { attributes?: ReadonlyArray<readonly [string, string]> }, key: string, value: string): void {
  c.attributes = [...(c.attributes ?? []), [key, value]];
}

/**
 * The text the store compares for a literal, only where equal text is implied by TraceQL equality: strings, ints
 * (an int or a double attribute equal to an int prints as it does) and booleans. Floats are not pushed down.
 */
function literalText(s: Static): string | undefined {
  if (s.type === 'string') return s.value === '' ? undefined : s.value;
  if (s.type === 'int') return s.value.toString();
  if (s.type === 'bool') return String(s.value);
  return undefined;
}
