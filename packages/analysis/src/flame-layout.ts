import { clipToParents } from './clip-to-parents.js';
import type { SpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';

/** Where a span's bar goes in a flame graph: its row and its horizontal extent, in nanoseconds from the trace start. */
export interface FlameBar {
  readonly depth: number;
  readonly offset: number;
  /** 0 for a span wholly outside its parent (nothing to draw: a flame graph nests children inside parents). */
  readonly width: number;
}

export interface FlameLayout {
  /** One bar per span, by index. */
  readonly bars: readonly FlameBar[];
  /** The deepest row (rows are 0..maxDepth). */
  readonly maxDepth: number;
  /** The trace's extent: the latest end of a root-level span. The drawing scales offset and width by it. */
  readonly totalWidth: number;
}

/**
 * A time-ordered flame graph (an "icicle" of the trace): each span at its tree depth, spanning its own time,
 * clipped to its parent so bars nest. Linear given the tree.
 */
export function flameLayout(spans: readonly TimedSpan[], tree: SpanTree): FlameLayout {
  const clipped = clipToParents(spans, tree);
  let maxDepth = 0;
  let totalWidth = 0;
  const bars = spans.map((_s, i): FlameBar => {
    const c = clipped[i];
    const depth = tree.depth[i]!;
    if (depth > maxDepth) maxDepth = depth;
    if (!c) return { depth, offset: spans[i]!.start, width: 0 };
    if (c.end > totalWidth) totalWidth = c.end;
    return { depth, offset: c.start, width: c.end - c.start };
  });
  return { bars, maxDepth, totalWidth };
}
