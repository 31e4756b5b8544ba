import { CLOCK_SLACK_NS, criticalPath } from './critical-path.js';
import { buildSpanTree } from './span-tree.js';
import type { SpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';

/** One (service, operation)'s part of the critical paths of many traces. Times are nanoseconds. */
export interface CriticalPathOperation {
  readonly service: string;
  readonly name: string;
  /** Time spans of this operation were on the critical path, summed over every trace. */
  readonly totalNs: number;
  /** totalNs over the traces it appears in: what it costs a trace when it is on the path. */
  readonly meanNs: number;
  /** totalNs over the critical-path time of every trace (0..1): the shares of all operations add up to 1. */
  readonly share: number;
  /** How many traces have it on their critical path. */
  readonly traces: number;
}

/**
 * A node of the merged flame graph: one call path (the service and operation of each span from the top down), with
 * the critical-path time of the spans on that path. Flat, parents before children, children by totalNs (largest
 * first), so it travels as JSON and draws as an icicle.
 */
export interface CriticalPathFlameNode {
  /** Index of the parent node; -1 at the top. */
  readonly parent: number;
  readonly service: string;
  readonly name: string;
  /** Critical-path time of the spans on this path themselves. */
  readonly selfNs: number;
  /** selfNs plus that of every node below. */
  readonly totalNs: number;
  /** How many traces reach this path with some critical-path time. */
  readonly traces: number;
}

export interface AggregateCriticalPath {
  /** How many traces were merged. */
  readonly traces: number;
  /** The length of every trace's critical path, summed (the matching spans' durations, clipped). */
  readonly totalNs: number;
  /** By totalNs, largest first (ties by service, then name). */
  readonly operations: readonly CriticalPathOperation[];
  readonly flame: readonly CriticalPathFlameNode[];
}

interface MutableNode {
  readonly service: string;
  readonly name: string;
  selfNs: number;
  traces: number;
  /** The last trace that counted here, so that a path met twice in one trace counts the trace once. */
  lastTrace: number;
  readonly children: Map<string, MutableNode>;
}

interface MutableOperation {
  readonly service: string;
  readonly name: string;
  totalNs: number;
  traces: number;
  lastTrace: number;
}

const keyOf = (service: string, name: string): string => `${service}\u0000${name}`;
const newNode = (service: string, name: string): MutableNode => ({ service, name, selfNs: 0, traces: 0, lastTrace: -1, children: new Map() });

/**
 * Merges the critical paths of many traces into per-operation totals and one flame graph of call paths, as
 * "the p99 of checkout is mostly `SELECT reviews`" needs. Feed it a trace at a time with {@link add}, or fold in
 * another aggregate (from another batch or node) with {@link merge}; {@link result} gives plain data. Linear in the
 * spans added, apart from sorting each trace's children (see criticalPath).
 * @example
 * const agg = new CriticalPathAggregator();
 * for (const spans of traces) agg.add(spans, spans.findIndex((s) => s.name === 'GET /search'));
 * agg.result().operations[0] // { service: 'catalog', name: 'SELECT reviews', share: 0.8, ... }
 */
export class CriticalPathAggregator {
  private readonly top = newNode('', '');
  private readonly operations = new Map<string, MutableOperation>();
  private traceCount = 0;
  private totalNs = 0;

  /** @param clockSlackNs how far a call may seem to overlap the next and still be waited for (see criticalPath) */
  constructor(private readonly clockSlackNs: number = CLOCK_SLACK_NS) {}

  /**
   * Adds one trace's critical path below the span at index `from` (the endpoint's span, which need not be a root: the
   * path is walked as if it were one, and time outside it is not counted). Returns that path's length.
   */
  add(spans: readonly TimedSpan[], from: number, tree: SpanTree = buildSpanTree(spans)): number {
    const sub = subtree(spans, tree, from);
    const subTree = buildSpanTree(sub.spans);
    const path = criticalPath(sub.spans, subTree, this.clockSlackNs);
    const n = sub.spans.length;
    const own = new Float64Array(n);
    for (const s of path.sections) own[s.span]! += s.end - s.start;
    // Critical time at or below each span, so that paths with none (spans never waited for) get no node.
    const below = Float64Array.from(own);
    for (let k = n - 1; k >= 0; k--) {
      const i = subTree.order[k]!;
      const p = subTree.parent[i]!;
      if (p >= 0) below[p]! += below[i]!;
    }
    const trace = this.traceCount++;
    const nodeOf: (MutableNode | undefined)[] = new Array(n);
    let length = 0;
    for (const i of subTree.order) {
      if (below[i] === 0) continue;
      const s = sub.spans[i]!;
      const p = subTree.parent[i]!;
      const parentNode = p >= 0 ? nodeOf[p]! : this.top;
      const key = keyOf(s.service, s.name);
      let node = parentNode.children.get(key);
      if (!node) parentNode.children.set(key, (node = newNode(s.service, s.name)));
      nodeOf[i] = node;
      node.selfNs += own[i]!;
      if (node.lastTrace !== trace) {
        node.lastTrace = trace;
        node.traces++;
      }
      if (own[i] === 0) continue;
      length += own[i]!;
      let op = this.operations.get(key);
      if (!op) this.operations.set(key, (op = { service: s.service, name: s.name, totalNs: 0, traces: 0, lastTrace: -1 }));
      op.totalNs += own[i]!;
      if (op.lastTrace !== trace) {
        op.lastTrace = trace;
        op.traces++;
      }
    }
    this.totalNs += length;
    return length;
  }

  /** Folds in another aggregate's result, as if its traces had been added here. */
  merge(other: AggregateCriticalPath): this {
    const nodes: MutableNode[] = [];
    for (const f of other.flame) {
      const parentNode = f.parent >= 0 ? nodes[f.parent]! : this.top;
      const key = keyOf(f.service, f.name);
      let node = parentNode.children.get(key);
      if (!node) parentNode.children.set(key, (node = newNode(f.service, f.name)));
      node.selfNs += f.selfNs;
      node.traces += f.traces;
      nodes.push(node);
    }
    for (const o of other.operations) {
      const key = keyOf(o.service, o.name);
      let op = this.operations.get(key);
      if (!op) this.operations.set(key, (op = { service: o.service, name: o.name, totalNs: 0, traces: 0, lastTrace: -1 }));
      op.totalNs += o.totalNs;
      op.traces += o.traces;
    }
    this.traceCount += other.traces;
    this.totalNs += other.totalNs;
    return this;
  }

  /** The aggregate so far, as plain data. */
  result(): AggregateCriticalPath {
    const byName = (a: { service: string; name: string }, b: { service: string; name: string }): number =>
      a.service < b.service ? -1 : a.service > b.service ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    const operations = [...this.operations.values()]
      .map((o) => ({ service: o.service, name: o.name, totalNs: o.totalNs, meanNs: o.traces > 0 ? o.totalNs / o.traces : 0, share: this.totalNs > 0 ? o.totalNs / this.totalNs : 0, traces: o.traces }))
      .sort((a, b) => b.totalNs - a.totalNs || byName(a, b));

    // Totals bottom-up, then a pre-order walk with an explicit stack (paths can be deep).
    const totals = new Map<MutableNode, number>();
    const post: MutableNode[] = [];
    const stack = [...this.top.children.values()];
    while (stack.length > 0) {
      const node = stack.pop()!;
      post.push(node);
      stack.push(...node.children.values());
    }
    for (let k = post.length - 1; k >= 0; k--) {
      const node = post[k]!;
      let total = node.selfNs;
      for (const c of node.children.values()) total += totals.get(c)!;
      totals.set(node, total);
    }
    const sorted = (m: Map<string, MutableNode>): MutableNode[] => [...m.values()].sort((a, b) => totals.get(b)! - totals.get(a)! || byName(a, b));
    const flame: CriticalPathFlameNode[] = [];
    const walk: Array<{ node: MutableNode; parent: number }> = sorted(this.top.children).reverse().map((node) => ({ node, parent: -1 }));
    while (walk.length > 0) {
      const { node, parent } = walk.pop()!;
      const at = flame.push({ parent, service: node.service, name: node.name, selfNs: node.selfNs, totalNs: totals.get(node)!, traces: node.traces }) - 1;
      const kids = sorted(node.children);
      for (let k = kids.length - 1; k >= 0; k--) walk.push({ node: kids[k]!, parent: at });
    }
    return { traces: this.traceCount, totalNs: this.totalNs, operations, flame };
  }
}

/** The span at `from` and everything below it, re-indexed, with `from` made a root. */
function subtree(spans: readonly TimedSpan[], tree: SpanTree, from: number): { spans: TimedSpan[] } {
  const out: TimedSpan[] = [];
  const stack = [from];
  while (stack.length > 0) {
    const i = stack.pop()!;
    const s = spans[i]!;
    out.push(i === from ? { ...s, parentSpanId: null } : s);
    for (const c of tree.children[i]!) stack.push(c);
  }
  return { spans: out };
}

/**
 * The merged flame graph as spans an icicle can be drawn from (flameLayout, the trace page's flame graph): each node
 * spans its totalNs, children side by side from their parent's start, largest first, so a parent's self time is the
 * space after its children. Same order as `flame`; span ids are the node indexes.
 */
export function flameGraphSpans(flame: readonly CriticalPathFlameNode[]): TimedSpan[] {
  const next = new Float64Array(flame.length); // where a node's next child starts
  let topNext = 0;
  return flame.map((f, i) => {
    let start: number;
    if (f.parent < 0) {
      start = topNext;
      topNext += f.totalNs;
    } else {
      start = next[f.parent]!;
      next[f.parent]! += f.totalNs;
    }
    next[i] = start;
    return { spanId: String(i), parentSpanId: f.parent < 0 ? null : String(f.parent), start, end: start + f.totalNs, service: f.service, name: f.name, error: false };
  });
}
