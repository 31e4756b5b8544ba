import { matchesWords, searchWords, spanSearchText } from '@clew/api';
import { spanEvents } from '../span-events.js';
import type { TraceView } from '../trace-view.js';

/**
 * Spans matching a search inside the trace: every word of `text` (case-insensitive) must appear in what the outline
 * says of the span (service, name, span id, `status=error`, event names) or, for the spans in `alsoMatching`, which
 * the server found by what only it holds (attributes, status messages, exception types). Returns a flag per span
 * and the matches in tree order, or undefined for an empty search.
 */
export function matchSpans(view: TraceView, text: string, alsoMatching: readonly number[] = []): { flags: Uint8Array; inOrder: number[] } | undefined {
  const words = searchWords(text);
  if (words.length === 0) return undefined;
  const o = view.outline;
  const flags = new Uint8Array(view.timed.length);
  for (const i of alsoMatching) if (i >= 0 && i < flags.length) flags[i] = 1;
  const inOrder: number[] = [];
  for (const i of view.order) {
    const s = view.timed[i]!;
    if (flags[i] === 1 || matchesWords(spanSearchText(s.service, s.name, s.spanId, [], { statusCode: o.status[i], events: spanEvents(view, i) }), words)) {
      flags[i] = 1;
      inOrder.push(i);
    }
  }
  return { flags, inOrder };
}
