import type { SpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';

/** A span's interval after clipping; `null` when it lies wholly outside its (clipped) parent. */
export type Clipped = { readonly start: number; readonly end: number } | null;

/**
 * Each span's interval clipped to its parent's clipped interval, top down, as Jaeger UI's sanitizeOverFlowingChildren
 * does before the critical path: a child sticking out of its parent is truncated; one wholly outside is dropped
 * (null) with everything below it. Spans at the root level keep their own interval. Linear. One difference: Jaeger
 * drops a child that sticks out at both ends; here it is clipped like the others, since it did overlap its parent.
 */
export function clipToParents(spans: readonly TimedSpan[], tree: SpanTree): Clipped[] {
  const out: Clipped[] = new Array(spans.length).fill(null);
  for (const i of tree.order) {
    const s = spans[i]!;
    const end = Math.max(s.start, s.end);
    const p = tree.parent[i]!;
    if (p < 0) {
      out[i] = { start: s.start, end };
      continue;
    }
    const pc = out[p];
    if (pc === null || pc === undefined) continue;
    const start = Math.max(s.start, pc.start);
    const clippedEnd = Math.min(end, pc.end);
    // A zero-width result survives only for a span that was zero-width inside its parent already (as in Jaeger):
    // a span merely touching its parent's edge from outside is not part of it.
    out[i] = start < clippedEnd || (s.start >= pc.start && end <= pc.end) ? { start, end: clippedEnd } : null;
  }
  return out;
}
