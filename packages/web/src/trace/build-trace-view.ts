import { criticalPath, flameLayout, selfTimes, spanTreeFromParents } from '@clew/analysis';
import type { ApiTraceOutline } from '@clew/api';
import { timedSpansFromOutline } from './timed-from-outline.js';
import type { TraceView } from './trace-view.js';

/** Runs the analysis once and packs what the views draw into flat arrays. Linear apart from the tree's sorting. */
export function buildTraceView(outline: ApiTraceOutline): TraceView {
  const timed = timedSpansFromOutline(outline);
  const tree = spanTreeFromParents(timed, outline.parent);
  const n = timed.length;
  const offset = new Float64Array(n);
  const duration = new Float64Array(n);
  const isError = new Uint8Array(n);
  const childCount = new Int32Array(n);
  const eventFirst = new Int32Array(n + 1);
  let durationNs = 0;
  let errorCount = 0;
  let maxDepth = 0;
  for (let i = 0; i < n; i++) {
    const s = timed[i]!;
    offset[i] = s.start;
    duration[i] = Math.max(0, s.end - s.start);
    if (s.end > durationNs) durationNs = s.end;
    if (s.error) {
      isError[i] = 1;
      errorCount++;
    }
    eventFirst[i + 1] = eventFirst[i]! + outline.eventCount[i]!;
    childCount[i] = tree.children[i]!.length;
    if (tree.depth[i]! > maxDepth) maxDepth = tree.depth[i]!;
  }
  const order = Int32Array.from(tree.order);
  const critical = criticalPath(timed, tree);
  const onCritical = new Uint8Array(n);
  for (const span of critical.bySpan.keys()) onCritical[span] = 1;
  return {
    outline,
    timed,
    tree,
    startNs: BigInt(outline.startTimeUnixNano),
    durationNs,
    offset,
    duration,
    selfTime: selfTimes(timed, tree),
    depth: tree.depth,
    maxDepth,
    parent: tree.parent,
    order,
    descendants: countDescendants(order, tree.parent),
    childCount,
    service: Int32Array.from(outline.service),
    serviceNames: outline.services,
    eventFirst,
    isError,
    errorCount,
    critical,
    onCritical,
    flame: flameLayout(timed, tree),
  };
}

/** Subtree sizes: walking tree order backwards, each span adds itself and its descendants to its parent. */
function countDescendants(order: Int32Array, parent: Int32Array): Int32Array {
  const out = new Int32Array(order.length);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    const p = parent[i]!;
    if (p >= 0) out[p]! += out[i]! + 1;
  }
  return out;
}
