import { SPAN_KIND_NAMES } from '@clew/api';
import { clip, isoOfNanos, msOf } from './answer.js';
import type { TimedOutline } from './timed-outline.js';

/** Spans an outline lists by default, and at most. */
export const OUTLINE_DEFAULT_SPANS = 100;
export const OUTLINE_MAX_SPANS = 300;
/** Services an outline names, most spans first. */
const OUTLINE_SERVICES = 20;
/** Indentation stops growing here (a 50,000-deep chain would be all spaces); deeper lines say their depth. */
const MAX_INDENT = 12;

export interface OutlineOptions {
  /** How many spans to list (the rest are counted, not listed). */
  readonly maxSpans: number;
  /** List only this span's subtree (its index in the outline), to open a part an earlier answer cut. */
  readonly under?: number;
}

/** What get_trace answers: the trace's figures and a tree of at most `maxSpans` spans, one line each. */
export interface OutlineAnswer {
  readonly traceId: string;
  readonly start: string;
  readonly durationMs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly services: { service: string; spans: number; errors: number }[];
  readonly root: { spanId: string; service: string; name: string } | null;
  readonly under?: string;
  readonly listed: number;
  readonly notListed: number;
  readonly format: string;
  readonly spans: string[];
  readonly note?: string;
}

const FORMAT = 'one span a line, indented by depth: <spanId> <service>: <name> (<kind>) +<start ms from trace start> <duration ms> [ERROR] [+N below: spans under it not listed]';

/**
 * A trace's outline bounded to `maxSpans` lines, so a 50,000-span trace fits an assistant's context. Which spans are
 * listed: the top of the tree first, then every error span with the spans above it (up to half the lines left, since
 * an error is usually what was asked about), then the rest breadth first — so what is cut is the deepest, widest part,
 * and each listed span says how many spans under it were left out.
 */
export function boundedOutline(t: TimedOutline, o: OutlineOptions): OutlineAnswer {
  const { outlines, spans, tree } = t;
  const n = spans.length;
  const scopeRoots = o.under === undefined ? tree.roots : [o.under];
  const bfs: number[] = [...scopeRoots];
  for (let k = 0; k < bfs.length; k++) for (const c of tree.children[bfs[k]!]!) bfs.push(c);

  const chosen = new Uint8Array(n);
  let count = 0;
  /** Lists span i and the spans above it that are not listed yet, if they all fit. */
  const choose = (i: number): void => {
    const path: number[] = [];
    for (let at = i; at >= 0 && chosen[at] === 0; at = at === o.under ? -1 : tree.parent[at]!) path.push(at);
    if (count + path.length > o.maxSpans) return;
    for (const p of path) chosen[p] = 1;
    count += path.length;
  };
  for (const r of scopeRoots) choose(r);
  // Errors may take half of the lines the roots left.
  const errorLines = count + Math.ceil((o.maxSpans - count) / 2);
  for (const i of bfs) if (spans[i]!.error && count < errorLines) choose(i);
  for (const i of bfs) if (count < o.maxSpans) choose(i);

  // Spans under each span, and how many of them are listed: one pass from the leaves up.
  const below = new Int32Array(n);
  const listedBelow = new Int32Array(n);
  for (let k = tree.order.length - 1; k >= 0; k--) {
    const i = tree.order[k]!;
    const p = tree.parent[i]!;
    if (p < 0) continue;
    below[p] += below[i]! + 1;
    listedBelow[p] += listedBelow[i]! + chosen[i]!;
  }

  const baseDepth = o.under === undefined ? 0 : tree.depth[o.under]!;
  const lines: string[] = [];
  const inScope = o.under === undefined ? tree.order : subtreeOrder(tree.order, o.under, below[o.under]! + 1);
  for (const i of inScope) {
    if (chosen[i] === 0) continue;
    const s = spans[i]!;
    const depth = tree.depth[i]! - baseDepth;
    const indent = '  '.repeat(Math.min(depth, MAX_INDENT)) + (depth > MAX_INDENT ? `[depth ${depth}] ` : '');
    const hidden = below[i]! - listedBelow[i]!;
    lines.push(
      `${indent}${s.spanId} ${clip(s.service, 60)}: ${clip(s.name, 100)} (${SPAN_KIND_NAMES[outlines[i]!.kind] ?? 'unspecified'}) ` +
        `+${msOf(s.start)} ${msOf(Math.max(0, s.end - s.start))}ms${s.error ? ' ERROR' : ''}${hidden > 0 ? ` [+${hidden} below]` : ''}`,
    );
  }

  const scopeSize = o.under === undefined ? n : below[o.under]! + 1;
  const notListed = scopeSize - count;
  const root = tree.roots[0];
  let end = 0;
  for (const s of spans) if (s.end > end) end = s.end;
  return {
    traceId: outlines[0]?.traceId ?? '',
    start: isoOfNanos(outlines.reduce((m, s) => (s.startTimeUnixNano < m ? s.startTimeUnixNano : m), outlines[0]?.startTimeUnixNano ?? 0n)),
    durationMs: msOf(end),
    spanCount: n,
    errorCount: spans.reduce((k, s) => k + (s.error ? 1 : 0), 0),
    services: serviceCounts(t).slice(0, OUTLINE_SERVICES),
    root: root === undefined ? null : { spanId: spans[root]!.spanId, service: spans[root]!.service, name: spans[root]!.name },
    ...(o.under !== undefined && { under: spans[o.under]!.spanId }),
    listed: count,
    notListed,
    format: FORMAT,
    spans: lines,
    ...(notListed > 0 && {
      note:
        `${notListed} of ${scopeSize} spans are not listed (the bound is ${o.maxSpans}). A line ending in [+N below] has spans under it ` +
        'not listed: call get_trace again with under=<that spanId> to list them, or critical_path to see where the time went.',
    }),
  };
}

/** The span `root` and everything under it, in tree order: a contiguous run of `order` of `size` spans. */
function subtreeOrder(order: readonly number[], root: number, size: number): readonly number[] {
  const at = order.indexOf(root);
  return order.slice(at, at + size);
}

/** Spans and errors per service, most spans first. */
function serviceCounts(t: TimedOutline): { service: string; spans: number; errors: number }[] {
  const by = new Map<string, { service: string; spans: number; errors: number }>();
  for (const s of t.spans) {
    let c = by.get(s.service);
    if (c === undefined) by.set(s.service, (c = { service: s.service, spans: 0, errors: 0 }));
    c.spans++;
    if (s.error) c.errors++;
  }
  return [...by.values()].sort((a, b) => b.spans - a.spans || a.service.localeCompare(b.service));
}
