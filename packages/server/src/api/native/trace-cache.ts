import { sortSpans, toTraceOutline } from '@clew/api';
import type { Span, TraceId } from '@clew/model';

/** How many spans the cache holds across its traces: a few 50,000-span traces, some hundred MB of heap at most. */
export const TRACE_CACHE_SPANS = 200_000;
/** How long an outline read may be answered from the cache before the store is read again (spans may still arrive). */
export const TRACE_CACHE_FRESH_MS = 30_000;

/** One trace as read, in API order, with what the routes derive from it, each built on first use. */
export class CachedTrace {
  private outlineMemo: string | undefined;
  private indexMemo: Map<string, number> | undefined;
  /** Per span, what the in-trace search looks through (filled by the search route). */
  searchText: string[] | undefined;

  constructor(
    /** By start, then span id: index i is span i of every trace answer. */
    readonly spans: readonly Span[],
    readonly readAt: number,
  ) {}

  /** The outline as JSON text, built and serialised once however often the trace is opened. */
  get outlineJson(): string {
    return (this.outlineMemo ??= JSON.stringify(toTraceOutline(this.spans)));
  }

  /** The index of the (first) span with this id, or -1. */
  indexOf(spanId: string): number {
    if (this.indexMemo === undefined) {
      this.indexMemo = new Map();
      this.spans.forEach((s, i) => {
        if (!this.indexMemo!.has(s.spanId)) this.indexMemo!.set(s.spanId, i);
      });
    }
    return this.indexMemo.get(spanId) ?? -1;
  }
}

/**
 * Recently read traces, least recently used dropped first, bounded by their total span count, so the trace page's
 * outline and the span details and searches that follow it read the store once. A trace bigger than the whole
 * budget is not kept.
 */
export class TraceCache {
  private readonly entries = new Map<TraceId, CachedTrace>();
  private spanCount = 0;

  constructor(
    readonly maxSpans = TRACE_CACHE_SPANS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached trace, or undefined; `maxAgeMs` refuses entries read longer ago than that. Touches what it returns. */
  get(traceId: TraceId, maxAgeMs = Infinity): CachedTrace | undefined {
    const e = this.entries.get(traceId);
    if (e === undefined || this.now() - e.readAt > maxAgeMs) return undefined;
    this.entries.delete(traceId);
    this.entries.set(traceId, e);
    return e;
  }

  /** Keeps freshly read spans (in any order) as the newest entry, dropping the oldest past the budget. */
  put(traceId: TraceId, spans: readonly Span[]): CachedTrace {
    const e = new CachedTrace(sortSpans(spans), this.now());
    this.delete(traceId);
    if (spans.length > this.maxSpans) return e;
    this.entries.set(traceId, e);
    this.spanCount += spans.length;
    for (const [id] of this.entries) {
      if (this.spanCount <= this.maxSpans) break;
      this.delete(id);
    }
    return e;
  }

  /** Traces held and their spans, for tests and metrics. */
  get size(): { traces: number; spans: number } {
    return { traces: this.entries.size, spans: this.spanCount };
  }

  private delete(traceId: TraceId): void {
    const old = this.entries.get(traceId);
    if (old === undefined) return;
    this.entries.delete(traceId);
    this.spanCount -= old.spans.length;
  }
}
