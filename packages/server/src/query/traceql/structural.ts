import type { SpansetOp } from './ast.js';
import type { TraceIndex } from './trace-index.js';

type Relation = '>' | '>>' | '<' | '<<' | '~';

/**
 * The spans an operator between two spansets yields, as sorted span indexes. `a` and `b` are the spans of the left
 * and right operands. `A > B` keeps the B spans whose parent is in A; `>>` those with an ancestor in A; `<` those
 * that are the parent of an A span; `<<` those that are an ancestor of one; `~` those with a sibling (another span
 * with the same parent) in A. `!op` keeps the B spans for which the relation does not hold; `&op` keeps the B spans
 * for which it holds together with the A spans on the other end of it.
 */
export function structuralJoin(op: Exclude<SpansetOp, '&&' | '||'>, trace: TraceIndex, a: readonly number[], b: readonly number[]): number[] {
  if (op.startsWith('!')) {
    const holds = mask(trace, relate(op.slice(1) as Relation, trace, a, b));
    return b.filter((i) => !holds[i]);
  }
  if (op.startsWith('&')) {
    const rel = op.slice(1) as Relation;
    return union(relate(rel, trace, a, b), relate(INVERSE[rel], trace, b, a));
  }
  return relate(op as Relation, trace, a, b);
}

const INVERSE: Record<Relation, Relation> = { '>': '<', '>>': '<<', '<': '>', '<<': '>>', '~': '~' };

function relate(rel: Relation, trace: TraceIndex, a: readonly number[], b: readonly number[]): number[] {
  const inA = mask(trace, a);
  const parent = trace.parent;
  switch (rel) {
    case '>':
      return b.filter((i) => parent[i]! >= 0 && inA[parent[i]!] === 1);
    case '>>': {
      const below = new Uint8Array(trace.spans.length);
      for (const i of trace.topDown) {
        const p = parent[i]!;
        if (p >= 0 && (inA[p] === 1 || below[p] === 1)) below[i] = 1;
      }
      return b.filter((i) => below[i] === 1);
    }
    case '<': {
      const parentOfA = new Uint8Array(trace.spans.length);
      for (const i of a) if (parent[i]! >= 0) parentOfA[parent[i]!] = 1;
      return b.filter((i) => parentOfA[i] === 1);
    }
    case '<<': {
      const above = new Uint8Array(trace.spans.length);
      for (let k = trace.topDown.length - 1; k >= 0; k--) {
        const i = trace.topDown[k]!;
        const p = parent[i]!;
        if (p >= 0 && (inA[i] === 1 || above[i] === 1)) above[p] = 1;
      }
      return b.filter((i) => above[i] === 1);
    }
    case '~': {
      const perParent = new Map<number, number>();
      for (const i of a) if (parent[i]! >= 0) perParent.set(parent[i]!, (perParent.get(parent[i]!) ?? 0) + 1);
      return b.filter((i) => parent[i]! >= 0 && (perParent.get(parent[i]!) ?? 0) - inA[i]! > 0);
    }
  }
}

function mask(trace: TraceIndex, spans: readonly number[]): Uint8Array {
  const m = new Uint8Array(trace.spans.length);
  for (const i of spans) m[i] = 1;
  return m;
}

/** The sorted union of two sorted index lists. */
export function union(x: readonly number[], y: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (j >= y.length || (i < x.length && x[i]! < y[j]!)) out.push(x[i++]!);
    else if (i >= x.length || y[j]! < x[i]!) out.push(y[j++]!);
    else {
      out.push(x[i++]!);
      j++;
    }
  }
  return out;
}
