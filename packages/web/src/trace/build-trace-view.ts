import { buildSpanTree, criticalPath, flameLayout, selfTimes, timedSpansFromApi } from '@clew/analysis';
import type { ApiTrace } from '@clew/api';
import type { TraceView } from './trace-view.js';

/** Runs the analysis once and packs what the views draw into flat arrays. Linear apart from the tree's sorting. */
export function buildTraceView(trace: ApiTrace): TraceView {
  const timed = timedSpansFromApi(trace);
  const tree = buildSpanTree(timed);
  const n = timed.length;
  const offset = new Float64Array(n);
  const duration = new Float64Array(n);
  const isError = new Uint8Array(n);
  const service = new Int32Array(n);
  const childCount = new Int32Array(n);
  const serviceIndex = new Map<string, number>();
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
    let si = serviceIndex.get(s.service);
    if (si === undefined) serviceIndex.set(s.service, (si = serviceIndex.size));
    service[i] = si;
    childCount[i] = tree.children[i]!.length;
    if (tree.depth[i]! > maxDepth) maxDepth = tree.depth[i]!;
  }
  const order = Int32Array.from(tree.order);
  const critical = criticalPath(timed, tree);
  const onCritical = new Uint8Array(n);
  for (const span of critical.bySpan.keys()) onCritical[span] = 1;
  return {
    trace,
    timed,
    tree,
    startNs: earliestStart(trace, offset),
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
    service,
    serviceNames: [...serviceIndex.keys()],
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

/** The trace's start as epoch ns: the start of a span at offset 0 (offsets count from the earliest start). */
function earliestStart(trace: ApiTrace, offset: Float64Array): bigint {
  const first = offset.indexOf(0);
  return first < 0 ? 0n : BigInt(trace.spans[first]!.startTimeUnixNano);
}
