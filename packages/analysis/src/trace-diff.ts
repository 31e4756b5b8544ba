import type { CriticalPath } from './critical-path.js';
import { criticalPath } from './critical-path.js';
import { selfTimes } from './self-time.js';
import type { SpanTree } from './span-tree.js';
import { buildSpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';
import { durationOf } from './timed-span.js';

/** One trace's share of an aligned node. Times in the unit of the spans (nanoseconds for the TimedSpans built here). */
export interface DiffSide {
  /** How many of the trace's spans sit at this node. 0: the node is not in this trace. */
  readonly count: number;
  /** The sum of those spans' self times (see selfTimes). */
  readonly selfTime: number;
  /** The sum of those spans' durations. */
  readonly totalTime: number;
  /** The time those spans spent on the trace's critical path. */
  readonly criticalTime: number;
  /** The spans, by index into the trace's span array, in tree order. */
  readonly spans: readonly number[];
}

/** Where an aligned node was found. */
export type DiffPresence = 'both' | 'onlyA' | 'onlyB';

/** One node of the aligned tree: every span of either trace reached by the same service + operation path. */
export interface DiffNode {
  readonly id: number;
  /** The parent node's id, -1 at the root level. */
  readonly parent: number;
  readonly depth: number;
  readonly service: string;
  readonly name: string;
  /** Whether the node's spans have no children (Jaeger keeps leaves apart from inner spans of the same name). */
  readonly leaf: boolean;
  readonly a: DiffSide;
  readonly b: DiffSide;
  readonly presence: DiffPresence;
}

/** One trace's figures in a comparison. */
export interface DiffTraceSummary {
  readonly spanCount: number;
  /** From the earliest start to the latest end. */
  readonly duration: number;
  readonly errorCount: number;
  readonly tree: SpanTree;
  readonly selfTimes: Float64Array;
  readonly criticalPath: CriticalPath;
}

export interface TraceDiff {
  /** Every aligned node, depth first (a node, then its children in the order they were first met: A's, then B's). */
  readonly nodes: readonly DiffNode[];
  readonly a: DiffTraceSummary;
  readonly b: DiffTraceSummary;
}

interface MutableSide {
  count: number;
  selfTime: number;
  totalTime: number;
  criticalTime: number;
  spans: number[];
}

interface MutableNode {
  readonly parent: number;
  readonly service: string;
  readonly name: string;
  readonly leaf: boolean;
  readonly sides: [MutableSide, MutableSide];
  readonly children: number[];
}

const emptySide = (): MutableSide => ({ count: 0, selfTime: 0, totalTime: 0, criticalTime: 0, spans: [] });

/**
 * Two traces' span trees aligned as Jaeger UI's TraceDiff aligns them (model/trace-dag: TraceDag.newFromTrace with
 * the ancestralPathParentOrLeaf id, then TraceDag.diff): a span's node is its parent's node plus its service and
 * operation, with leaves kept apart from spans that have children; spans reaching the same node are counted
 * together, and a node met in one trace only is only-in-A or only-in-B. Each node carries its count, self time, total
 * time and critical-path time in both traces; each trace its critical path (criticalPath) and self times (selfTimes).
 *
 * Differences from Jaeger UI: Jaeger's node ids are the whole path as text (quadratic in depth); here a node is
 * keyed by its parent node's number plus its own name, so the walk stays linear on a 50,000-deep chain and is a loop,
 * not recursion. Jaeger's "dense" rewrites for Jaeger-client conventions (skipping a client span whose only child
 * is the server span it called, renaming HTTP server operations after the client's) are not applied: the spans are
 * aligned as they were recorded.
 * @example traceDiff(cartWith2Items, cartWith8Items).nodes.find((n) => n.name === 'GET /products/:id') // a.count 2, b.count 8
 */
export function traceDiff(a: readonly TimedSpan[], b: readonly TimedSpan[]): TraceDiff {
  const nodes: MutableNode[] = [];
  const roots: number[] = [];
  const keyed = new Map<string, number>();

  const summaries = [a, b].map((spans, side) => {
    const tree = buildSpanTree(spans);
    const self = selfTimes(spans, tree);
    const path = criticalPath(spans, tree);
    const nodeOf = new Int32Array(spans.length);
    let errorCount = 0;
    let first = Infinity;
    let last = -Infinity;
    for (const i of tree.order) {
      const s = spans[i]!;
      const leaf = tree.children[i]!.length === 0;
      const parentNode = tree.parent[i]! < 0 ? -1 : nodeOf[tree.parent[i]!]!;
      const key = `${parentNode}\t${s.service}\t${s.name}\t${leaf ? 'L' : ''}`;
      let id = keyed.get(key);
      if (id === undefined) {
        id = nodes.length;
        keyed.set(key, id);
        nodes.push({ parent: parentNode, service: s.service, name: s.name, leaf, sides: [emptySide(), emptySide()], children: [] });
        (parentNode < 0 ? roots : nodes[parentNode]!.children).push(id);
      }
      nodeOf[i] = id;
      const at = nodes[id]!.sides[side]!;
      at.count++;
      at.selfTime += self[i]!;
      at.totalTime += durationOf(s);
      at.spans.push(i);
      if (s.error) errorCount++;
      if (s.start < first) first = s.start;
      if (s.end > last) last = s.end;
    }
    for (const section of path.sections) nodes[nodeOf[section.span]!]!.sides[side]!.criticalTime += section.end - section.start;
    const summary: DiffTraceSummary = {
      spanCount: spans.length,
      duration: spans.length === 0 ? 0 : Math.max(0, last - first),
      errorCount,
      tree,
      selfTimes: self,
      criticalPath: path,
    };
    return summary;
  });

  // Depth first over the node tree, renumbering so that ids are positions in the answer.
  const out: DiffNode[] = [];
  const newId = new Int32Array(nodes.length);
  const stack = [...roots].reverse().map((id) => ({ id, depth: 0 }));
  while (stack.length > 0) {
    const { id, depth } = stack.pop()!;
    const n = nodes[id]!;
    newId[id] = out.length;
    const [sa, sb] = n.sides;
    out.push({
      id: out.length,
      parent: n.parent < 0 ? -1 : newId[n.parent]!,
      depth,
      service: n.service,
      name: n.name,
      leaf: n.leaf,
      a: sa,
      b: sb,
      presence: sa.count === 0 ? 'onlyB' : sb.count === 0 ? 'onlyA' : 'both',
    });
    for (let k = n.children.length - 1; k >= 0; k--) stack.push({ id: n.children[k]!, depth: depth + 1 });
  }
  return { nodes: out, a: summaries[0]!, b: summaries[1]! };
}
