import type { TimedSpan } from './timed-span.js';
import { durationOf } from './timed-span.js';

/** Totals for one (service, operation) in a trace. Times in nanoseconds. */
export interface OperationStats {
  readonly service: string;
  readonly name: string;
  readonly count: number;
  readonly errorCount: number;
  /** Sum of durations (overlapping calls count twice, as in Jaeger UI's trace statistics). */
  readonly totalDuration: number;
  readonly selfTime: number;
  readonly minDuration: number;
  readonly avgDuration: number;
  readonly maxDuration: number;
}

/**
 * Statistics per service and operation (span name) of a trace, given each span's self time (from {@link selfTimes}),
 * ordered by self time, largest first: where the trace's own time went. Linear, plus sorting the groups.
 */
export function operationStats(spans: readonly TimedSpan[], selfTime: ArrayLike<number>): OperationStats[] {
  const groups = new Map<string, { service: string; name: string; count: number; errorCount: number; total: number; self: number; min: number; max: number }>();
  spans.forEach((s, i) => {
    const key = `${s.service}\u0000${s.name}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { service: s.service, name: s.name, count: 0, errorCount: 0, total: 0, self: 0, min: Infinity, max: 0 }));
    const d = durationOf(s);
    g.count++;
    if (s.error) g.errorCount++;
    g.total += d;
    g.self += selfTime[i]!;
    g.min = Math.min(g.min, d);
    g.max = Math.max(g.max, d);
  });
  return [...groups.values()]
    .map((g) => ({
      service: g.service,
      name: g.name,
      count: g.count,
      errorCount: g.errorCount,
      totalDuration: g.total,
      selfTime: g.self,
      minDuration: g.min,
      avgDuration: g.total / g.count,
      maxDuration: g.max,
    }))
    .sort((a, b) => b.selfTime - a.selfTime || (a.service < b.service ? -1 : a.service > b.service ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
