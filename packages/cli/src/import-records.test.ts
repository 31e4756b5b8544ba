import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportFormat } from './import-formats.js';
import type { ImportRecord } from './import-records.js';
import { readRecords, START } from './import-records.js';
import { encodeExportRequests } from '@clew/server';
import { daySpans } from './testing/export-spans.js';

const JAEGER = {
  data: [
    {
      traceID: '4bf92f3577b34da6a3ce929d0e0e4736',
      spans: [{ traceID: '4bf92f3577b34da6a3ce929d0e0e4736', spanID: '00f067aa0ba902b7', operationName: 'GET /', references: [], startTime: 1_796_000_000_000_000, duration: 1000, tags: [], logs: [], processID: 'p1' }],
      processes: { p1: { serviceName: 'frontend', tags: [] } },
    },
  ],
};
const ZIPKIN = [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', id: '00f067aa0ba902b7', name: 'get /', timestamp: 1_796_000_000_000_000, duration: 1000, localEndpoint: { serviceName: 'frontend' } }];

describe('readRecords', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-import-records-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads OTLP protobuf to the end of a file that grew after it was measured, a request longer than a read too', async () => {
    const file = join(dir, 'growing.pb');
    const spans = daySpans(3, 3);
    const big = spans.slice(3, 6).map((s, i) => (i === 0 ? { ...s, attributes: [{ key: 'big', value: { type: 'string' as const, value: 'x'.repeat(3_000_000) } }] } : s));
    const requests = [spans.slice(0, 3), big, spans.slice(6, 9)].map((part) => encodeExportRequests(part, 'protobuf')[0]!);
    await writeFile(file, Buffer.concat(requests));
    // Measured when the first request and 10 bytes of the second had been written.
    const records: ImportRecord[] = [];
    for await (const r of readRecords(file, 'otlp-proto', START, requests[0]!.length + 10)) records.push(r);
    expect(records.map((r) => [r.error, r.decoded?.spans.length])).toEqual([
      [undefined, 3],
      [undefined, 3],
      [undefined, 3],
    ]);
    expect(records.at(-1)!.next.offset).toBe(requests[0]!.length + requests[1]!.length + requests[2]!.length);
  });

  it.each<[ImportFormat, unknown]>([
    ['jaeger-json', JAEGER],
    ['zipkin-json', ZIPKIN],
  ])('reads a %s document that starts with a byte order mark', async (format, doc) => {
    const file = join(dir, 'with-bom.json');
    const text = `\uFEFF${JSON.stringify(doc)}`;
    await writeFile(file, text);
    const records: ImportRecord[] = [];
    for await (const r of readRecords(file, format, START, Buffer.byteLength(text))) records.push(r);
    expect(records.map((r) => r.error)).toEqual([undefined]);
    expect(records[0]!.decoded!.spans.map((s) => s.spanId)).toEqual(['00f067aa0ba902b7']);
  });

  it('reads a Jaeger UI document whose int64 values older Jaeger wrote as JSON numbers exactly, past 2^53', async () => {
    const file = join(dir, 'old-jaeger.json');
    const tags = '[{"key":"big","type":"int64","value":9223372036854775807},{"key":"neg","type":"int64","value": -9007199254740993}]';
    const text = JSON.stringify(JAEGER).replace('"tags":[],"logs"', `"tags":${tags},"logs"`);
    expect(text).toContain('9223372036854775807}');
    await writeFile(file, text);
    const records: ImportRecord[] = [];
    for await (const r of readRecords(file, 'jaeger-json', START, Buffer.byteLength(text))) records.push(r);
    expect(records.map((r) => r.error)).toEqual([undefined]);
    const attributes = records[0]!.decoded!.spans[0]!.attributes;
    expect(attributes.filter((a) => a.key === 'big' || a.key === 'neg')).toEqual([
      { key: 'big', value: { type: 'int', value: 9223372036854775807n } },
      { key: 'neg', value: { type: 'int', value: -9007199254740993n } },
    ]);
  });
});
