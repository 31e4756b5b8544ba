import type { CriticalPath, FlameLayout, SpanTree, TimedSpan } from '@clew/analysis';
import type { ApiTrace } from '@clew/api';

/**
 * A trace laid out for drawing, built once per trace from @clew/analysis results. Per-span facts are flat arrays
 * indexed by the span's position in `trace.spans` (the index every analysis function answers by), so a 50,000-span
 * trace costs a few arrays rather than 50,000 objects or React states. Times are ns from the trace's earliest start.
 */
export interface TraceView {
  readonly trace: ApiTrace;
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
  readonly isError: Uint8Array;
  readonly errorCount: number;
  readonly critical: CriticalPath;
  /** 1 where some part of the span is on the critical path. */
  readonly onCritical: Uint8Array;
  readonly flame: FlameLayout;
}
