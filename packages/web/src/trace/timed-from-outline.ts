import type { TimedSpan } from '@clew/analysis';
import type { ApiTraceOutline } from '@clew/api';

/** Span i's id in an outline (16 hex digits per span, concatenated). */
export const outlineSpanId = (o: ApiTraceOutline, i: number): string => o.spanIds.slice(16 * i, 16 * i + 16);

/**
 * The outline's spans as @clew/analysis takes them, in the same order. Times are already ns from the trace start;
 * a parent index becomes that parent's id, and -1 (a root or an orphan) no parent. Linear.
 */
export function timedSpansFromOutline(o: ApiTraceOutline): TimedSpan[] {
  const n = o.parent.length;
  const ids = Array.from({ length: n }, (_, i) => outlineSpanId(o, i));
  return ids.map((spanId, i) => {
    const p = o.parent[i]!;
    const start = o.start[i]!;
    return {
      spanId,
      parentSpanId: p >= 0 ? ids[p]! : null,
      start,
      end: start + o.duration[i]!,
      service: o.services[o.service[i]!]!,
      name: o.names[o.name[i]!]!,
      error: o.status[i] === 2,
    };
  });
}
