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
 * How far a sibling may seem to overlap the next call's start and still count as finished before it: the
 * millisecond of the OpenTelemetry JS SDK's start stamps (see criticalPath).
 */
export const CLOCK_SLACK_NS = 1_000_000;

/**
 * The critical path, by Jaeger UI's last-finishing-child walk (TracePage/CriticalPath): from a span's end, the
 * child that finished last (before the point reached) is what the span was waiting for, so the path runs through
 * the span from that child's end to the point, then into the child; with no such child left, the path runs through
 * the span back to its start and returns to the parent at that start. Children are first clipped to their parents
 * (see clipToParents). Each root-level span (roots and orphans) gets its own walk, as Jaeger walks each root.
 *
 * Differences from Jaeger UI: the walk is a loop, not recursion (a 50,000-deep chain would overflow the stack); a time
 * of 0 counts as a time (Jaeger tests `if (spawnTime)`); and a sibling that ends less than `clockSlackNs` (a
 * millisecond by default; 0 gives Jaeger's walk) after the point reached, having started before it, still counts as
 * finished there, its part of the path cut at that point. The OpenTelemetry JS SDK stamps a span's start with
 * `Date.now()` (whole milliseconds) and its end as that start plus a precise duration, so of two calls made one after
 * the other, the first can seem to end up to a millisecond after the second began; Jaeger's strict test then drops the
 * first call from the path and counts its time as the parent's own.
 * O(n log n): sorting children by end; the walk itself is linear, because each span keeps a cursor into its children
 * that only moves forward (the point reached in a span only moves back).
 */
export function criticalPath(spans: readonly TimedSpan[], tree: SpanTree, clockSlackNs: number = CLOCK_SLACK_NS): CriticalPath {
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
    let end = clipped[root]!.end; // the point the walk has reached in `span`
    let returned = false; // whether the walk just came back to `span` from a child (which then started at `end`)
    for (;;) {
      const c = clipped[span]!;
      const list = kids[span]!;
      let k = cursor[span]!;
      // The next child that finished by the point reached (coming back from a child: before that child started; one
      // that ended at its start or later ran beside it), or within the clock's slack of it. A child skipped here
      // stays skipped: the point only moves back.
      while (k < list.length) {
        const kc = clipped[list[k]!]!;
        if (kc.end < end || (kc.end === end && !returned) || (kc.end < end + clockSlackNs && kc.start < end)) break;
        k++;
      }
      if (k < list.length) {
        const lfc = list[k]!;
        cursor[span] = k + 1;
        const lfcEnd = Math.min(clipped[lfc]!.end, end);
        push(span, lfcEnd, end);
        span = lfc;
        end = lfcEnd;
        returned = false;
      } else {
        cursor[span] = k;
        push(span, c.start, end);
        if (span === root) break;
        end = c.start;
        span = tree.parent[span]!;
        returned = true;
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
