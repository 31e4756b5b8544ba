import { sortSpans, toTraceOutline } from '@clew/api';
import type { UnixNanos } from '@clew/model';
import { spanOutline } from '@clew/model';
import type { TreeNode } from '@clew/model/testing';
import { makeTrace } from '@clew/model/testing';
import { buildTraceView } from './build-trace-view.js';
import type { TraceView } from './trace-view.js';

/** A TraceView of a hand-drawn trace, and a way to find a span's index by name. */
export function viewOf(root: TreeNode): { view: TraceView; at(name: string): number } {
  const view = buildTraceView(toTraceOutline(sortSpans(makeTrace(1_700_000_000_000_000_000n as UnixNanos, root)).map(spanOutline)));
  return { view, at: (name) => view.timed.findIndex((s) => s.name === name) };
}
