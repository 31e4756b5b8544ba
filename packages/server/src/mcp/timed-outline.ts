import type { SpanTree, TimedSpan } from '@clew/analysis';
import { buildSpanTree } from '@clew/analysis';
import type { SpanOutline } from '@clew/model';
import { StatusCode } from '@clew/model';

/** A trace's outline (in API order) as the analysis functions take it, with its tree. */
export interface TimedOutline {
  readonly outlines: readonly SpanOutline[];
  /** Same order as `outlines`; times in ns from the earliest start. */
  readonly spans: readonly TimedSpan[];
  readonly tree: SpanTree;
}

/** The outline's spans as TimedSpans (ns from the earliest start) and their tree. Linear apart from the tree's sort. */
export function timedOutline(outlines: readonly SpanOutline[]): TimedOutline {
  let t0 = outlines[0]?.startTimeUnixNano ?? 0n;
  for (const s of outlines) if (s.startTimeUnixNano < t0) t0 = s.startTimeUnixNano;
  const spans = outlines.map(
    (s): TimedSpan => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      start: Number(s.startTimeUnixNano - t0),
      end: Number(s.endTimeUnixNano - t0),
      service: s.serviceName,
      name: s.name,
      error: s.statusCode === StatusCode.ERROR,
    }),
  );
  return { outlines, spans, tree: buildSpanTree(spans) };
}
