import type { Span } from '@clew/model';
import { AttrBloom } from './attr-bloom.js';
import { releaseChunks, SpanChunk } from './span-chunk.js';

/**
 * Encodes spans into the DuckDB store's rows as an append does (columns, attribute and event text, the attribute
 * bloom's entries, DuckDB data chunks), `batch` at a time, and lets the rows go without writing them: what encoding
 * costs the appending thread (bench/encode.js).
 */
export function encodeRows(spans: readonly Span[], batch = 20_000): void {
  const chunk = new SpanChunk();
  const bloom = new AttrBloom();
  for (let i = 0; i < spans.length; i += batch) {
    const traces: number[] = [];
    for (let j = i; j < Math.min(spans.length, i + batch); j++) chunk.add(spans[j]!, 0, 1, 1, 0, traces, bloom);
    releaseChunks(chunk.take());
  }
}
