import type { TraceRow } from '@clew/api';
import type { MatchedSpan, TraceDigest } from '@clew/storage';

/**
 * A search result row from a trace's digest (Store.summarizeTraces): root, start, duration (0 when every span ends
 * before the earliest start), services with the most spans first, and the span that matched when the search had
 * span conditions.
 */
export function traceRow(d: TraceDigest, matched?: MatchedSpan): TraceRow {
  const start = BigInt(d.startTimeUnixNano);
  const end = BigInt(d.endTimeUnixNano);
  return {
    traceId: d.traceId,
    rootService: d.root.service,
    rootName: d.root.name,
    startTimeUnixNano: start.toString(),
    durationNanos: (end > start ? end - start : 0n).toString(),
    spanCount: d.spanCount,
    errorCount: d.errorCount,
    services: [...d.services].sort((a, b) => b.spanCount - a.spanCount || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    ...(matched !== undefined && {
      matchedSpan: { spanId: matched.spanId, service: matched.service, name: matched.name, durationNanos: matched.durationNanos.toString() },
    }),
  };
}
