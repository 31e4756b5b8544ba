import type { Span, TraceId, UnixNanos } from '@clew/model';
import type { SearchAnchor, SpanReader, SpanScanWindow } from '@clew/storage';
import { scanSpans } from '@clew/storage';
import type { TraceQLQuery } from '../../query/traceql/index.js';
import { evaluateTraceQL } from '../../query/traceql/index.js';

/**
 * What an export takes from a store: the spans starting in a window; or, with a service or a TraceQL query, the
 * whole traces having a span in the window of that service or matching the query; or the traces named.
 */
export type ExportSelection =
  | { readonly kind: 'window'; readonly window: SpanScanWindow }
  | { readonly kind: 'service'; readonly window: SpanScanWindow; readonly service: string }
  | { readonly kind: 'traceql'; readonly window: SpanScanWindow; readonly query: TraceQLQuery }
  | { readonly kind: 'traces'; readonly traceIds: readonly TraceId[] };

/** Traces read per getTraces call when whole traces are exported. */
const TRACES_PER_READ = 500;

/**
 * The selected spans in batches. A window alone is the store's scan (consecutive windows never share a span);
 * whole traces are read in pages, so that memory holds a page of traces, not the window.
 * @example for await (const spans of selectSpans(store.forTenant(t), { kind: 'window', window })) write(spans)
 */
export async function* selectSpans(reader: SpanReader, sel: ExportSelection): AsyncIterable<Span[]> {
  switch (sel.kind) {
    case 'window':
      yield* readingAhead(scanSpans(reader, sel.window));
      return;
    case 'traces':
      yield* readTraces(reader, sel.traceIds);
      return;
    case 'service':
      yield* readTraces(reader, await tracesOfService(reader, sel.window, sel.service));
      return;
    case 'traceql':
      for await (const traces of tracePages(reader, await tracesInWindow(reader, sel.window))) {
        const matching = [...traces.values()].filter((spans) => spans.length > 0 && evaluateTraceQL(sel.query, spans).length > 0);
        if (matching.length > 0) yield matching.flat();
      }
  }
}

/**
 * The items of `source`, asking for the next before handing out the current: the store's query for the next page
 * runs on its own threads while the caller encodes and writes the last (a third of an export's time was spent idle,
 * waiting for each page's query).
 */
async function* readingAhead<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      yield r.value;
    }
  } finally {
    // Stopped early (a failed write): let the source end, and its last read settle, before the store is closed.
    await next.catch(() => undefined);
    await it.return?.();
  }
}

async function* readTraces(reader: SpanReader, traceIds: readonly TraceId[]): AsyncIterable<Span[]> {
  for await (const traces of tracePages(reader, traceIds)) {
    const spans = [...traces.values()].flat();
    if (spans.length > 0) yield spans;
  }
}

async function* tracePages(reader: SpanReader, traceIds: readonly TraceId[]): AsyncIterable<Map<TraceId, Span[]>> {
  for (let i = 0; i < traceIds.length; i += TRACES_PER_READ) yield reader.getTraces(traceIds.slice(i, i + TRACES_PER_READ));
}

/** Ids of the traces with a span of `service` starting in the window, newest first (findTraces pages, anchored). */
async function tracesOfService(reader: SpanReader, window: SpanScanWindow, service: string): Promise<TraceId[]> {
  if (window.end <= window.start) return [];
  const ids: TraceId[] = [];
  const query = { service, start: window.start, end: (window.end - 1n) as UnixNanos, limit: 1000 };
  let anchor: SearchAnchor | undefined;
  for (;;) {
    const page = await reader.findTraces({ ...query, offset: ids.length, ...(anchor && { anchor }) });
    anchor ??= page.newest;
    for (const t of page.traces) ids.push(t.traceId);
    if (page.traces.length === 0 || ids.length >= page.total) return ids;
  }
}

/** Ids of the traces with a span starting in the window, in the order the scan meets them. */
async function tracesInWindow(reader: SpanReader, window: SpanScanWindow): Promise<TraceId[]> {
  const ids = new Set<TraceId>();
  for await (const spans of scanSpans(reader, window)) for (const s of spans) ids.add(s.traceId);
  return [...ids];
}
