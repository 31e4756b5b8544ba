import { describe, expect, it } from 'vitest';
import { encodeExportRequests } from '@clew/server';
import { SpanCounter } from './export-count.js';
import { daySpans } from './testing/export-spans.js';

describe('SpanCounter counts the spans of an export as it streams by', () => {
  const spans = daySpans(4, 900); // 2,700 spans: three requests, the last one short
  it.each(['json', 'protobuf'] as const)('%s, whatever the chunks', (format) => {
    const body = Buffer.concat(encodeExportRequests(spans, format));
    for (const size of [3, 4096, 65_536, body.length]) {
      const counter = new SpanCounter(format);
      for (let i = 0; i < body.length; i += size) counter.push(body.subarray(i, i + size));
      expect(counter.spans, `chunks of ${size}`).toBe(spans.length);
    }
  });
});
