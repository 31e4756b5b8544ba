import type { Span, UnixNanos } from '@clew/model';
import type { SearchAnchor, SpanReader, SpanScanWindow } from './store.js';

/**
 * Every span of the reader's tenant starting in the window, in batches: the backend's own scan when it has one,
 * else `scanThroughTraces`.
 * @example for await (const spans of scanSpans(store.forTenant('acme'), { start, end })) write(spans);
 */
export function scanSpans(reader: SpanReader, window: SpanScanWindow): AsyncIterable<Span[]> {
  return reader.scanSpans ? reader.scanSpans(window) : scanThroughTraces(reader, window);
}

/**
 * How many spans `scanSpans` gives for the window: the backend's own count when it has one, else the total of the
 * window's latency heatmap (every span of the tenant starting in it, which is what `scanThroughTraces` gives).
 */
export async function countSpans(reader: SpanReader, window: SpanScanWindow): Promise<number> {
  if (window.end <= window.start) return 0;
  if (reader.countSpans) return reader.countSpans(window);
  const heatmap = await reader.latencyHeatmap({ filter: { start: window.start, end: (window.end - 1n) as UnixNanos }, step: window.end - window.start });
  return heatmap.total;
}

/**
 * The scan any backend can answer: pages of the traces with a span in the window (findTraces, anchored at the
 * first page's newest so that arrivals do not shift the pages), each page read with getTraces and cut to the window.
 */
export async function* scanThroughTraces(reader: SpanReader, window: SpanScanWindow, tracesPerPage = 500): AsyncIterable<Span[]> {
  if (window.end <= window.start) return;
  const query = { start: window.start, end: (window.end - 1n) as UnixNanos, limit: tracesPerPage };
  let anchor: SearchAnchor | undefined;
  for (let offset = 0; ; ) {
    const page = await reader.findTraces({ ...query, offset, ...(anchor && { anchor }) });
    anchor ??= page.newest;
    if (page.traces.length === 0) return;
    const traces = await reader.getTraces(page.traces.map((t) => t.traceId));
    const spans: Span[] = [];
    for (const trace of traces.values()) {
      for (const s of trace) if (s.startTimeUnixNano >= window.start && s.startTimeUnixNano < window.end) spans.push(s);
    }
    if (spans.length > 0) yield spans;
    offset += page.traces.length;
    if (offset >= page.total) return;
  }
}
