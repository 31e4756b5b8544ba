import type { TraceId, UnixNanos } from '@clew/model';
import type { ServiceSpanCount, TraceDigest } from './store.js';

/** What a digest reads of a span: `parentSpanId` empty or null for none. */
export interface DigestSpan {
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly start: bigint;
  readonly end: bigint;
  readonly service: string;
  readonly name: string;
  readonly error: boolean;
}

/** A digest's root kind by rank: 0 a span without a parent, 1 an orphan (its parent missing), 2 any other span. */
export const ROOT_KINDS = ['root', 'orphan', 'span'] as const;
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A trace's digest from all its spans (at least one), for stores that read the spans rather than add the digest up
 * in SQL: the root is the earliest span without a parent, else the earliest orphan, else the earliest span (ties by
 * span id); see TraceDigest.
 */
export function digestOfSpans(traceId: TraceId, spans: readonly DigestSpan[]): TraceDigest {
  const ids = new Set(spans.map((s) => s.spanId));
  let start = spans[0]!.start;
  let end = spans[0]!.end;
  let errors = 0;
  let orphans = 0;
  let root: { rank: number; span: DigestSpan } | undefined;
  const services = new Map<string, { spanCount: number; errorCount: number }>();
  for (const s of spans) {
    if (s.start < start) start = s.start;
    if (s.end > end) end = s.end;
    const error = s.error ? 1 : 0;
    errors += error;
    const rank = s.parentSpanId === null || s.parentSpanId === '' ? 0 : ids.has(s.parentSpanId) ? 2 : 1;
    if (rank === 1) orphans++;
    const r = root?.span;
    if (root === undefined || rank < root.rank || (rank === root.rank && (s.start < r!.start || (s.start === r!.start && s.spanId < r!.spanId)))) {
      root = { rank, span: s };
    }
    const c = services.get(s.service);
    if (c) {
      c.spanCount++;
      c.errorCount += error;
    } else services.set(s.service, { spanCount: 1, errorCount: error });
  }
  const list: ServiceSpanCount[] = [...services].map(([name, c]) => ({ name, ...c })).sort((a, b) => byCodeUnit(a.name, b.name));
  return {
    traceId,
    root: { service: root!.span.service, name: root!.span.name, kind: ROOT_KINDS[root!.rank]! },
    startTimeUnixNano: start as UnixNanos,
    endTimeUnixNano: end as UnixNanos,
    spanCount: spans.length,
    errorCount: errors,
    orphanCount: orphans,
    services: list,
  };
}
