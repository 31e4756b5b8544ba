import type { CriticalPath, FlameLayout, SpanTree, TimedSpan } from '@clew/analysis';
import type { ApiTraceOutline } from '@clew/api';

/**
 * A trace laid out for drawing, built once per trace from @clew/analysis results. Per-span facts are flat arrays
 * indexed by the span's position in the outline (the index every analysis function answers by, and the full trace's
 * order), so a 50,000-span trace costs a few arrays rather than 50,000 React states. Times are ns from the trace's
 * earliest start. What the outline leaves out (attributes, links, resources) is fetched per span when shown.
 */
export interface TraceView {
  readonly outline: ApiTraceOutline;
  /** Per span: id, parent id, service and name, as the analysis takes them. */
  readonly timed: readonly TimedSpan[];
  readonly tree: SpanTree;
  /** Earliest span start, epoch ns. */
  readonly startNs: bigint;
  readonly durationNs: number;
  readonly offset: Float64Array;
  readonly duration: Float64Array;
  /** Time not covered by children. */
  readonly selfTime: Float64Array;
  readonly depth: Int32Array;
  readonly maxDepth: number;
  /** Span index of the parent, -1 at the root level. */
  readonly parent: Int32Array;
  /** Span indexes in tree order (depth first, children by start). */
  readonly order: Int32Array;
  /** How many descendants each span has (they follow it in `order`). */
  readonly descendants: Int32Array;
  readonly childCount: Int32Array;
  /** Index into `serviceNames`. */
  readonly service: Int32Array;
  readonly serviceNames: readonly string[];
  /** Span i's events are outline.eventTime/eventName[eventFirst[i] .. eventFirst[i + 1]). */
  readonly eventFirst: Int32Array;
  readonly isError: Uint8Array;
  readonly errorCount: number;
  readonly critical: CriticalPath;
  /** 1 where some part of the span is on the critical path. */
  readonly onCritical: Uint8Array;
  readonly flame: FlameLayout;
}
