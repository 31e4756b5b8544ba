import type { TraceView } from '../trace-view.js';

/** Span indexes grouped by flame-graph row, in tree order: for drawing row by row and for hit testing. */
export function spansByDepth(view: TraceView): Int32Array[] {
  const bars = view.flame.bars;
  const counts = new Int32Array(view.flame.maxDepth + 1);
  for (const b of bars) counts[b.depth]!++;
  const rows = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(counts.length);
  for (const i of view.order) {
    const d = bars[i]!.depth;
    rows[d]![fill[d]!++] = i;
  }
  return rows;
}

/** The span whose bar in row `depth` covers time `ns`, if any (the later one where bars touch). */
export function spanAt(view: TraceView, rows: readonly Int32Array[], depth: number, ns: number): number | undefined {
  const row = rows[depth];
  if (!row) return undefined;
  let hit: number | undefined;
  for (const i of row) {
    const b = view.flame.bars[i]!;
    if (b.width > 0 && b.offset <= ns && ns <= b.offset + b.width) hit = i;
  }
  return hit;
}
