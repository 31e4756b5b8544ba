import type { Span } from '@clew/model';

/**
 * At most `max` spans of `spans`, evenly spread (every k-th), so a sample of a large batch still sees its many
 * traces and services rather than the first few.
 * @example sampleSpans(batchOf512, 32) // spans 0, 16, 32, …
 */
export function sampleSpans(spans: readonly Span[], max: number): readonly Span[] {
  if (spans.length <= max) return spans;
  const step = Math.ceil(spans.length / max);
  const out: Span[] = [];
  for (let i = 0; i < spans.length; i += step) out.push(spans[i]!);
  return out;
}
