import type { ApiKeyValue } from '@clew/api';
import type { TraceView } from '../trace-view.js';

/**
 * Spans matching a search inside the trace: every word of `text` (case-insensitive) must appear in the span's
 * service, name, span id, or one of its attribute keys or values. Returns a flag per span and the matches in tree
 * order, or undefined for an empty search.
 */
export function matchSpans(view: TraceView, text: string): { flags: Uint8Array; inOrder: number[] } | undefined {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const flags = new Uint8Array(view.trace.spans.length);
  const inOrder: number[] = [];
  for (const i of view.order) {
    const s = view.trace.spans[i]!;
    const hay = `${view.serviceNames[view.service[i]!]} ${s.name} ${s.spanId} ${attributesText(s.attributes)}`.toLowerCase();
    if (words.every((w) => hay.includes(w))) {
      flags[i] = 1;
      inOrder.push(i);
    }
  }
  return { flags, inOrder };
}

function attributesText(attrs: readonly ApiKeyValue[]): string {
  let out = '';
  for (const a of attrs) out += ` ${a.key}=${'value' in a && typeof a.value !== 'object' ? a.value : ''}`;
  return out;
}
