/** What building the tree needs of a span (a {@link TimedSpan} has it). */
export interface TreeSpan {
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly start: number;
}

/** The parent/child structure of a trace, by index into the spans it was built from. */
export interface SpanTree {
  /** Spans at the root level, by start: true roots, orphans, and spans whose parent link was cut to break a cycle. */
  readonly roots: readonly number[];
  /** Each span's children, by start (then by index). */
  readonly children: readonly (readonly number[])[];
  /** Each span's parent, -1 at the root level. */
  readonly parent: Int32Array;
  /** 0 at the root level. */
  readonly depth: Int32Array;
  /** Every span once, depth first, children by start: the rows of a waterfall with everything expanded. */
  readonly order: readonly number[];
  /** Spans whose parent is not in the trace (attached at the root level). */
  readonly orphans: readonly number[];
  /** Spans whose parent link was cut because it led round in a cycle. */
  readonly cycleBreaks: readonly number[];
}

/**
 * Builds the span tree. A span whose parent is missing is attached at the root level (and listed in `orphans`);
 * a cycle of parent links (corrupt data, or a span naming itself) is broken at its earliest-starting span, which
 * becomes a root. A repeated span id resolves to its first occurrence. O(n log n): linear apart from sorting siblings.
 */
export function buildSpanTree(spans: readonly TreeSpan[]): SpanTree {
  const n = spans.length;
  const indexOf = new Map<string, number>();
  spans.forEach((s, i) => {
    if (!indexOf.has(s.spanId)) indexOf.set(s.spanId, i);
  });
  const parent = new Int32Array(n).fill(-1);
  const orphans: number[] = [];
  spans.forEach((s, i) => {
    if (s.parentSpanId === null) return;
    const p = indexOf.get(s.parentSpanId);
    if (p === undefined) orphans.push(i);
    else parent[i] = p;
  });
  return treeFromParents(spans, parent, orphans);
}

/**
 * The span tree from parent indexes already resolved (-1 at the root level), as the native API's trace outline
 * carries them: {@link buildSpanTree} without the id lookup. `parent` is copied; cycles are broken the same way.
 * Orphans cannot be told from roots here, so `orphans` is empty.
 * @example spanTreeFromParents([{ start: 0 }, { start: 1 }], [-1, 0]).order // [0, 1]
 */
export function spanTreeFromParents(spans: readonly { readonly start: number }[], parents: ArrayLike<number>): SpanTree {
  return treeFromParents(spans, Int32Array.from(parents), []);
}

function treeFromParents(spans: readonly { readonly start: number }[], parent: Int32Array, orphans: number[]): SpanTree {
  const n = spans.length;
  const cycleBreaks = breakCycles(spans, parent);

  const byStart = (a: number, b: number): number => spans[a]!.start - spans[b]!.start || a - b;
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) (parent[i]! < 0 ? roots : children[parent[i]!]!).push(i);
  roots.sort(byStart);
  for (const c of children) if (c.length > 1) c.sort(byStart);

  const depth = new Int32Array(n);
  const order: number[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const i = stack.pop()!;
    order.push(i);
    const kids = children[i]!;
    for (let k = kids.length - 1; k >= 0; k--) {
      depth[kids[k]!] = depth[i]! + 1;
      stack.push(kids[k]!);
    }
  }
  return { roots, children, parent, depth, order, orphans, cycleBreaks };
}

/**
 * Cuts one parent link in every cycle, in place, and returns the spans cut loose. Each span has one parent, so
 * following parents from any span ends at a root or goes round one cycle; a walk stamps the spans it passes, and
 * meeting its own stamp means a cycle. Linear: no span is walked twice.
 */
function breakCycles(spans: readonly { readonly start: number }[], parent: Int32Array): number[] {
  const stamp = new Int32Array(spans.length).fill(-1);
  const cut: number[] = [];
  for (let from = 0; from < spans.length; from++) {
    let i = from;
    while (i >= 0 && stamp[i] === -1) {
      stamp[i] = from;
      i = parent[i]!;
    }
    if (i < 0 || stamp[i] !== from) continue; // reached a root, or a walk already done
    let earliest = i; // i is on a cycle: go round it once to find where to cut
    for (let j = parent[i]!; j !== i; j = parent[j]!) if (spans[j]!.start < spans[earliest]!.start) earliest = j;
    parent[earliest] = -1;
    cut.push(earliest);
  }
  return cut;
}
