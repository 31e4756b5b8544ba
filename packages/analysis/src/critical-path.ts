import { clipToParents } from './clip-to-parents.js';
import type { SpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';

/** A stretch of time during which `span` (an index) was on the critical path. */
export interface CriticalPathSection {
  readonly span: number;
  readonly start: number;
  readonly end: number;
}

export interface CriticalPath {
  /** From the end of the trace backwards, as the walk finds them. */
  readonly sections: readonly CriticalPathSection[];
  /** The same sections grouped by span index, each span's sections latest first. */
  readonly bySpan: ReadonlyMap<number, readonly CriticalPathSection[]>;
}

/**
 * The critical path, by Jaeger UI's last-finishing-child walk (TracePage/CriticalPath): from a span's end, the
 * child that finished last (before the point reached) is what the span was waiting for, so the path runs through
 * the span from that child's end to the point, then into the child; with no such child left, the path runs through
 * the span back to its start and returns to the parent at that start. Children are first clipped to their parents
 * (see clipToParents). Each root-level span (roots and orphans) gets its own walk, as Jaeger walks each root.
 *
 * Differences from Jaeger UI, both for exactness: the walk is a loop, not recursion (a 50,000-deep chain would
 * overflow the stack), and a time of 0 counts as a time (Jaeger tests `if (spawnTime)`). O(n log n): sorting children
 * by end; the walk itself is linear, because each span keeps a cursor into its children that only moves forward.
 */
export function criticalPath(spans: readonly TimedSpan[], tree: SpanTree): CriticalPath {
  const clipped = clipToParents(spans, tree);
  // Children still inside their parent, last finishing first (ties: the later-starting first, as a stable sort of
  // start-ordered children would not give; Jaeger's order there depends on input order).
  const kids = tree.children.map((c) =>
    c.filter((k) => clipped[k] !== null).sort((a, b) => clipped[b]!.end - clipped[a]!.end || clipped[b]!.start - clipped[a]!.start),
  );
  const cursor = new Int32Array(spans.length);
  const sections: CriticalPathSection[] = [];
  const push = (span: number, start: number, end: number): void => {
    if (start !== end) sections.push({ span, start, end });
  };

  for (const root of tree.roots) {
    let span = root;
    let until: number | undefined; // the start of the child just returned from
    for (;;) {
      const c = clipped[span]!;
      const list = kids[span]!;
      let k = cursor[span]!;
      if (until !== undefined) while (k < list.length && clipped[list[k]!]!.end >= until) k++;
      const end = until ?? c.end;
      if (k < list.length) {
        const lfc = list[k]!;
        cursor[span] = k + 1;
        push(span, clipped[lfc]!.end, end);
        span = lfc;
        until = undefined;
      } else {
        cursor[span] = k;
        push(span, c.start, end);
        if (span === root) break;
        until = c.start;
        span = tree.parent[span]!;
      }
    }
  }
  const bySpan = new Map<number, CriticalPathSection[]>();
  for (const s of sections) {
    const list = bySpan.get(s.span);
    if (list) list.push(s);
    else bySpan.set(s.span, [s]);
  }
  return { sections, bySpan };
}
