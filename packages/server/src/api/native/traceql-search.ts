import type { SearchQuery } from '@clew/api';
import type { TraceId, UnixNanos } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import { MAX_INSPECTED_TRACES, parseTraceQL, searchTraceQL } from '../../query/traceql/index.js';
import { ClewError } from '../../errors.js';

/** One page of a TraceQL search: the traces' ids, newest first, and how many match as far as the search looked. */
export interface TraceQLPage {
  readonly traceIds: readonly TraceId[];
  readonly total: number;
  /** True when more traces may match than `total`: the search stopped at the page and one more, or at its read limit. */
  readonly totalIsLowerBound: boolean;
}

/**
 * Runs the native search's `q` (TraceQL) for the page `offset`..`offset + limit` within `start`/`end`. A TraceQL
 * search evaluates whole traces and stops once it has enough, so counting every match would cost a full scan; it
 * asks for one trace past the page instead, which is enough to know whether an older page exists.
 * A parse error is a BAD_PARAMETER on `q` carrying the position.
 */
export async function searchTraceQLPage(store: SpanReader, text: string, q: SearchQuery): Promise<TraceQLPage> {
  const parsed = parseTraceQL(text);
  if (!parsed.ok) {
    const { message, offset, line, column } = parsed.error;
    throw new ClewError('BAD_PARAMETER', message, { parameter: 'q', position: { offset, line, column } });
  }
  const want = q.offset + q.limit;
  const result = await searchTraceQL(store, parsed.query, {
    ...(q.start !== undefined && { start: q.start as UnixNanos }),
    ...(q.end !== undefined && { end: q.end as UnixNanos }),
    limit: want + 1,
    spansPerSpanSet: 1,
  });
  return {
    traceIds: result.traces.slice(q.offset, want).map((t) => t.traceId),
    total: result.traces.length,
    totalIsLowerBound: result.traces.length > want || result.inspectedTraces >= MAX_INSPECTED_TRACES,
  };
}
