import type { SpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';

/** Where a span's bar goes in a flame graph: its row and its own time, in nanoseconds from the trace start. */
export interface FlameBar {
  readonly depth: number;
  readonly offset: number;
  /** The span's duration; 0 when it has none (or ends before it starts: nothing to draw). */
  readonly width: number;
  /**
   * The part of the bar within its parent's bar, or null when none of it is. Less than the whole bar for
   * asynchronous work that outlives its parent, such as a queue consumer that runs after its producer ended; the
   * whole bar at the root level.
   */
  readonly inside: { readonly start: number; readonly end: number } | null;
}

export interface FlameLayout {
  /** One bar per span, by index. */
  readonly bars: readonly FlameBar[];
  /** The deepest row (rows are 0..maxDepth). */
  readonly maxDepth: number;
  /** The trace's extent: the latest end of any span. The drawing scales offset and width by it. */
  readonly totalWidth: number;
}

/**
 * A time-ordered flame graph (an "icicle" of the trace): each span at its tree depth, spanning its own time. A
 * child is not clipped to its parent (as the critical path clips, see clipToParents): a consumer that ran after its
 * producer ended keeps its bar, and `inside` tells the drawing which part of it lies outside the parent. Linear.
 */
export function flameLayout(spans: readonly TimedSpan[], tree: SpanTree): FlameLayout {
  let maxDepth = 0;
  let totalWidth = 0;
  const bars = spans.map((s, i): FlameBar => {
    const depth = tree.depth[i]!;
    if (depth > maxDepth) maxDepth = depth;
    const end = Math.max(s.start, s.end);
    if (end > totalWidth) totalWidth = end;
    return { depth, offset: s.start, width: end - s.start, inside: insideParent(s.start, end, tree.parent[i]!, spans) };
  });
  return { bars, maxDepth, totalWidth };
}

/** The overlap of [start, end] with span p's own interval (all of it at the root level); null when they only touch or miss. */
function insideParent(start: number, end: number, p: number, spans: readonly TimedSpan[]): FlameBar['inside'] {
  if (p < 0) return { start, end };
  const parent = spans[p]!;
  const from = Math.max(start, parent.start);
  const to = Math.min(end, Math.max(parent.start, parent.end));
  // A zero-width span counts as inside when it lies within its parent; a span touching its parent's edge from outside does not.
  return from < to || (start >= parent.start && end <= parent.end && start === end) ? { start: from, end: to } : null;
}
