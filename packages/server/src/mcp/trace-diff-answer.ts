import type { DiffNode, DiffSide } from '@clew/analysis';
import { traceDiff } from '@clew/analysis';
import { clip, msOf } from './answer.js';
import type { TimedOutline } from './timed-outline.js';

/** Aligned nodes an answer lists by default, and at most. */
export const DIFF_DEFAULT_NODES = 25;
export const DIFF_MAX_NODES = 150;
/** Levels of a node's path written out; the levels above are an ellipsis. */
const PATH_LEVELS = 4;

const side = (s: DiffSide) => ({ count: s.count, selfMs: msOf(s.selfTime), totalMs: msOf(s.totalTime), criticalMs: msOf(s.criticalTime) });

/**
 * Two traces aligned by service + operation path (Jaeger UI's TraceDiff): each trace's figures, and the aligned
 * nodes whose time changed most — by critical-path time, then self time — with their counts and times in both.
 * `a` is the baseline; deltas are b − a.
 */
export function traceDiffAnswer(a: TimedOutline, b: TimedOutline, maxNodes: number): object {
  const diff = traceDiff(a.spans, b.spans);
  const byId = new Map(diff.nodes.map((n) => [n.id, n]));
  const pathOf = (n: DiffNode): string => {
    const parts: string[] = [];
    for (let at: DiffNode | undefined = n; at !== undefined; at = at.parent < 0 ? undefined : byId.get(at.parent)) parts.push(`${at.service}: ${at.name}`);
    parts.reverse();
    const shown = parts.length > PATH_LEVELS ? ['…', ...parts.slice(-PATH_LEVELS)] : parts;
    return clip(shown.join(' > '), 300);
  };
  const change = (n: DiffNode) => Math.abs(n.b.criticalTime - n.a.criticalTime);
  const selfChange = (n: DiffNode) => Math.abs(n.b.selfTime - n.a.selfTime);
  const ranked = [...diff.nodes].sort((x, y) => change(y) - change(x) || selfChange(y) - selfChange(x) || x.id - y.id).slice(0, maxNodes);
  const summary = (t: TimedOutline, s: typeof diff.a) => ({
    traceId: t.outlines[0]?.traceId ?? '',
    spanCount: s.spanCount,
    durationMs: msOf(s.duration),
    errorCount: s.errorCount,
  });
  const count = (p: DiffNode['presence']) => diff.nodes.filter((n) => n.presence === p).length;
  return {
    a: summary(a, diff.a),
    b: summary(b, diff.b),
    durationDeltaMs: msOf(diff.b.duration - diff.a.duration),
    alignedNodes: diff.nodes.length,
    onlyInA: count('onlyA'),
    onlyInB: count('onlyB'),
    nodes: ranked.map((n) => ({
      path: pathOf(n),
      presence: n.presence,
      a: side(n.a),
      b: side(n.b),
      criticalDeltaMs: msOf(n.b.criticalTime - n.a.criticalTime),
      selfDeltaMs: msOf(n.b.selfTime - n.a.selfTime),
    })),
    ...(diff.nodes.length > ranked.length && { note: `the ${ranked.length} of ${diff.nodes.length} aligned nodes whose critical-path time changed most are listed` }),
  };
}
