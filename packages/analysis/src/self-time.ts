import type { SpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';
import { durationOf } from './timed-span.js';

/**
 * Each span's self time: its duration minus the time at least one of its children was running, with children
 * clipped to the span (time a child spends outside its parent is not the parent's). Overlapping children count
 * once. Linear given the tree (children come sorted by start, so one sweep per span merges their intervals).
 * @example a 10 ms span with children at 1–4 ms and 3–6 ms has 5 ms of self time
 */
export function selfTimes(spans: readonly TimedSpan[], tree: SpanTree): Float64Array {
  const out = new Float64Array(spans.length);
  spans.forEach((s, i) => {
    const end = Math.max(s.start, s.end);
    let covered = 0;
    let runStart = 0;
    let runEnd = -Infinity; // the merged run of children so far
    for (const c of tree.children[i]!) {
      const cs = Math.max(spans[c]!.start, s.start);
      const ce = Math.min(spans[c]!.end, end);
      if (ce <= cs) continue;
      if (cs > runEnd) {
        if (runEnd > runStart) covered += runEnd - runStart;
        runStart = cs;
        runEnd = ce;
      } else if (ce > runEnd) runEnd = ce;
    }
    if (runEnd > runStart) covered += runEnd - runStart;
    out[i] = durationOf(s) - covered;
  });
  return out;
}
