import type { TraceView } from './trace-view.js';

/**
 * The spans shown in the waterfall, in tree order, skipping the descendants of collapsed spans. O(spans), with no
 * allocation per span, so toggling a subtree in a 50,000-span trace stays instant.
 */
export function visibleRows(view: TraceView, collapsed: ReadonlySet<number>): Int32Array {
  if (collapsed.size === 0) return view.order;
  const out = new Int32Array(view.order.length);
  let n = 0;
  for (let i = 0; i < view.order.length; i++) {
    const span = view.order[i]!;
    out[n++] = span;
    if (collapsed.has(span)) i += view.descendants[span]!;
  }
  return out.subarray(0, n);
}

/** The collapsed ancestors of `span`: expanding them brings it into view. */
export function collapsedAncestors(view: TraceView, span: number, collapsed: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (let p = view.parent[span]!; p >= 0; p = view.parent[p]!) if (collapsed.has(p)) out.push(p);
  return out;
}
