import type { SpanTree, TimedSpan } from '@clew/analysis';
import { buildSpanTree, timedSpansFromOutline } from '@clew/analysis';
import type { SpanOutline } from '@clew/model';

/** A trace's outline (in API order) as the analysis functions take it, with its tree. */
export interface TimedOutline {
  readonly outlines: readonly SpanOutline[];
  /** Same order as `outlines`; times in ns from the earliest start. */
  readonly spans: readonly TimedSpan[];
  readonly tree: SpanTree;
}

/** The outline's spans as TimedSpans (ns from the earliest start) and their tree. Linear apart from the tree's sort. */
export function timedOutline(outlines: readonly SpanOutline[]): TimedOutline {
  const spans = timedSpansFromOutline(outlines);
  return { outlines, spans, tree: buildSpanTree(spans) };
}
