import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportFormat } from './import-formats.js';
import type { ImportRecord } from './import-records.js';
import { readRecords, START } from './import-records.js';

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
});
