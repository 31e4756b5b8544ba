import { toTraceOutline } from '@clew/api';
import type { Span, SpanOutline, Tenant, TraceId } from '@clew/model';

/** How many spans the cache holds across its traces: a few 50,000-span traces, some hundred MB of heap at most. */
export const TRACE_CACHE_SPANS = 200_000;
/** How long an outline read may be answered from the cache before the store is read again (spans may still arrive). */
export const TRACE_CACHE_FRESH_MS = 30_000;

/** A trace's spans in full, found by span id. */
export interface FullTrace {
  readonly spans: readonly Span[];
  /** The first span read with each id. */
  byId(spanId: string): Span | undefined;
}

/**
 * One trace as its outline was read (in API order: index i is span i of the outline served), with what the routes
 * derive from it, each built on first use. The spans in full are read only when a route needs attributes: opening a
 * trace reads the cheap outline, and the first click on a span reads the rest once.
 */
export class CachedTrace {
  private outlineMemo: string | undefined;
  private indexMemo: Map<string, number> | undefined;
  private fullMemo: Promise<FullTrace> | undefined;
  /** Per span of `full()`, what the in-trace search looks through (filled by the search route). */
  searchText: string[] | undefined;

  constructor(
    readonly outlines: readonly SpanOutline[],
    readonly readAt: number,
    private readonly readFull: () => Promise<readonly Span[]>,
  ) {}

  /** The outline as JSON text, built and serialised once however often the trace is opened. */
  get outlineJson(): string {
    return (this.outlineMemo ??= JSON.stringify(toTraceOutline(this.outlines)));
  }

  /** The outline index of the (first) span with this id, or -1. */
  indexOf(spanId: string): number {
    if (this.indexMemo === undefined) {
      this.indexMemo = new Map();
      this.outlines.forEach((s, i) => {
        if (!this.indexMemo!.has(s.spanId)) this.indexMemo!.set(s.spanId, i);
      });
    }
    return this.indexMemo.get(spanId) ?? -1;
  }

  /** The spans in full, read once; a failed read is retried by the next caller. */
  full(): Promise<FullTrace> {
    this.fullMemo ??= this.readFull().then(
      (spans) => {
        const byId = new Map<string, Span>();
        for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
        return { spans, byId: (id: string) => byId.get(id) };
      },
      (err: unknown) => {
        this.fullMemo = undefined;
        throw err;
      },
    );
    return this.fullMemo;
  }
}

/**
 * Recently read traces, least recently used dropped first, bounded by their total span count, so the trace page's
 * outline and the span details and searches that follow it read the store once each. A trace bigger than the whole
 * budget is not kept. Entries are the tenant's: one trace id read by two tenants is two traces, each its tenant's spans.
 */
export class TraceCache {
  /** By cacheKey (tenant and trace id). */
  private readonly entries = new Map<string, CachedTrace>();
  private spanCount = 0;

  constructor(
    readonly maxSpans = TRACE_CACHE_SPANS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached trace, or undefined; `maxAgeMs` refuses entries read longer ago than that. Touches what it returns. */
  get(tenant: Tenant, traceId: TraceId, maxAgeMs = Infinity): CachedTrace | undefined {
    const key = cacheKey(tenant, traceId);
    const e = this.entries.get(key);
    if (e === undefined || this.now() - e.readAt > maxAgeMs) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /**
   * Keeps a freshly read outline (in API order) of the tenant's trace as the newest entry, dropping the oldest past
   * the budget; `readFull` reads the same trace in full when a route first needs it.
   */
  put(tenant: Tenant, traceId: TraceId, outlines: readonly SpanOutline[], readFull: () => Promise<readonly Span[]>): CachedTrace {
    const key = cacheKey(tenant, traceId);
    const e = new CachedTrace(outlines, this.now(), readFull);
    this.delete(key);
    if (outlines.length > this.maxSpans) return e;
    this.entries.set(key, e);
    this.spanCount += outlines.length;
    for (const [id] of this.entries) {
      if (this.spanCount <= this.maxSpans) break;
      this.delete(id);
    }
    return e;
  }

  /** Drops the tenant's trace (un-archived: its spans may be gone), so that the next read goes to the store. */
  forget(tenant: Tenant, traceId: TraceId): void {
    this.delete(cacheKey(tenant, traceId));
  }

  /** Traces held and their spans, for tests and metrics. */
  get size(): { traces: number; spans: number } {
    return { traces: this.entries.size, spans: this.spanCount };
  }

  private delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.spanCount -= old.outlines.length;
  }
}

/** Tenant names hold no space (the model's tenant name rule), so a space keeps (a, "b c") apart from ("a b", c). */
const cacheKey = (tenant: Tenant, traceId: TraceId): string => `${tenant} ${traceId}`;
