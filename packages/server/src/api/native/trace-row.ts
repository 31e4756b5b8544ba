import type { ServiceCount, TraceRow } from '@clew/api';
import type { Span } from '@clew/model';
import { serviceName, StatusCode } from '@clew/model';

/**
 * A search result row from a whole trace: root service and name, start, duration, counts per service. The root is
 * the earliest span without a parent, else (a trace whose root has not arrived) the earliest span whose parent is
 * missing. Linear in the spans. Returns null for an empty trace.
 */
export function traceRow(spans: readonly Span[]): TraceRow | null {
  if (spans.length === 0) return null;
  const ids = new Set(spans.map((s) => s.spanId));
  let root: Span | undefined;
  let rootRank = 3;
  let start = spans[0]!.startTimeUnixNano as bigint;
  let end = spans[0]!.endTimeUnixNano as bigint;
  let errorCount = 0;
  const services = new Map<string, { spanCount: number; errorCount: number }>();
  for (const s of spans) {
    if (s.startTimeUnixNano < start) start = s.startTimeUnixNano;
    if (s.endTimeUnixNano > end) end = s.endTimeUnixNano;
    // 0: a true root, 1: an orphan, 2: any span; a lower rank wins, then the earlier start
    const rank = s.parentSpanId === null ? 0 : ids.has(s.parentSpanId) ? 2 : 1;
    if (root === undefined || rank < rootRank || (rank === rootRank && s.startTimeUnixNano < root.startTimeUnixNano)) {
      root = s;
      rootRank = rank;
    }
    const name = serviceName(s.resource);
    let c = services.get(name);
    if (c === undefined) services.set(name, (c = { spanCount: 0, errorCount: 0 }));
    c.spanCount++;
    if (s.status.code === StatusCode.ERROR) {
      c.errorCount++;
      errorCount++;
    }
  }
  const serviceCounts: ServiceCount[] = [...services]
    .map(([name, c]) => ({ name, ...c }))
    .sort((a, b) => b.spanCount - a.spanCount || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    traceId: root!.traceId,
    rootService: serviceName(root!.resource),
    rootName: root!.name,
    startTimeUnixNano: start.toString(),
    durationNanos: (end > start ? end - start : 0n).toString(),
    spanCount: spans.length,
    errorCount,
    services: serviceCounts,
  };
}
