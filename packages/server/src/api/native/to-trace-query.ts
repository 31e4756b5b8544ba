import type { SearchQuery } from '@clew/api';
import { SPAN_KIND_NAMES } from '@clew/api';
import type { SpanKind, TraceId, UnixNanos } from '@clew/model';
import type { TraceQuery } from '@clew/storage';

/** A kind's lowercase name as the model's wire number (the names are listed in wire order). */
export const spanKindOf = (name: (typeof SPAN_KIND_NAMES)[number]): SpanKind => SPAN_KIND_NAMES.indexOf(name) as SpanKind;

/** Parsed search parameters as the Store's query. */
export function toTraceQuery(q: SearchQuery): TraceQuery {
  return {
    ...(q.service !== undefined && { service: q.service }),
    ...(q.operation !== undefined && { operation: q.operation }),
    ...(q.spanKind !== undefined && { spanKind: spanKindOf(q.spanKind) }),
    ...(q.attr.length > 0 && { attributes: q.attr }),
    ...(q.minDuration !== undefined && { minDuration: q.minDuration }),
    ...(q.maxDuration !== undefined && { maxDuration: q.maxDuration }),
    ...(q.start !== undefined && { start: q.start as UnixNanos }),
    ...(q.end !== undefined && { end: q.end as UnixNanos }),
    limit: q.limit,
    offset: q.offset,
    sort: q.sort,
    ...(q.anchor !== undefined && {
      anchor: { startTimeUnixNano: q.anchor.startTimeUnixNano as UnixNanos, traceId: q.anchor.traceId as TraceId },
    }),
  };
}

/** Whether a query says anything about the matching span (beyond the time window): then its match is worth showing. */
export function hasSpanConditions(q: TraceQuery): boolean {
  return (
    q.service !== undefined ||
    q.operation !== undefined ||
    q.spanKind !== undefined ||
    (q.attributes?.length ?? 0) > 0 ||
    q.minDuration !== undefined ||
    q.maxDuration !== undefined
  );
}
