import type { TraceDiff, TimedSpan } from '@clew/analysis';
import { timedSpansFromOutline, traceDiff } from '@clew/analysis';
import type { ComparedTrace, CriticalSection, TraceComparison } from '@clew/api';
import type { SpanOutline } from '@clew/model';

/**
 * The native comparison of two stored traces, from their outlines (no attributes are needed, and reading them
 * was most of the time on 5,000-span traces) (`a` the base, `b` the one compared with it): their span trees aligned
 * by service + operation path (traceDiff), each trace's figures, and both critical paths in time order.
 */
export function traceComparison(a: readonly SpanOutline[], b: readonly SpanOutline[]): TraceComparison {
  const timedA = timedSpansFromOutline(a);
  const timedB = timedSpansFromOutline(b);
  const diff = traceDiff(timedA, timedB);
  const nodes = diff.nodes.map((n) => ({
    id: n.id,
    parent: n.parent,
    depth: n.depth,
    service: n.service,
    name: n.name,
    leaf: n.leaf,
    presence: n.presence,
    a: { count: n.a.count, selfNanos: n.a.selfTime, totalNanos: n.a.totalTime, criticalNanos: n.a.criticalTime },
    b: { count: n.b.count, selfNanos: n.b.selfTime, totalNanos: n.b.totalTime, criticalNanos: n.b.criticalTime },
  }));
  return {
    a: comparedTrace(a, timedA, diff.a),
    b: comparedTrace(b, timedB, diff.b),
    nodes,
    totals: {
      nodes: nodes.length,
      onlyA: nodes.filter((n) => n.presence === 'onlyA').length,
      onlyB: nodes.filter((n) => n.presence === 'onlyB').length,
      countChanged: nodes.filter((n) => n.presence === 'both' && n.a.count !== n.b.count).length,
    },
    criticalPaths: { a: sections(timedA, diff, 'a'), b: sections(timedB, diff, 'b') },
  };
}

function comparedTrace(spans: readonly SpanOutline[], timed: readonly TimedSpan[], summary: TraceDiff['a']): ComparedTrace {
  let start = spans[0]?.startTimeUnixNano ?? 0n;
  for (const s of spans) if (s.startTimeUnixNano < start) start = s.startTimeUnixNano;
  const root = summary.tree.roots[0];
  return {
    traceId: spans[0]?.traceId ?? '',
    startTimeUnixNano: start.toString(),
    durationNanos: summary.duration,
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    rootService: root === undefined ? '' : timed[root]!.service,
    rootName: root === undefined ? '' : timed[root]!.name,
  };
}

/** A trace's critical path in time order (the walk finds it from the end backwards), each section with its node. */
function sections(timed: readonly TimedSpan[], diff: TraceDiff, side: 'a' | 'b'): CriticalSection[] {
  const nodeOf = new Int32Array(timed.length);
  for (const n of diff.nodes) for (const i of n[side].spans) nodeOf[i] = n.id;
  return diff[side].criticalPath.sections
    .map((s) => ({ node: nodeOf[s.span]!, spanId: timed[s.span]!.spanId, service: timed[s.span]!.service, name: timed[s.span]!.name, startNanos: s.start, endNanos: s.end }))
    .reverse();
}
