import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDataDir } from '@clew/testing/clew-process';
import { decodeOtlpJson } from '@clew/codecs';
import { str } from '@clew/model';
import { encodeExportRequests } from '@clew/server';
import { describe, expect, it } from 'vitest';
import { bySpanKey, daySpans, runClew } from './testing/export-spans.js';

describe('an import of OTLP JSON lines', () => {
  it('detaches no buffer in either thread: its reads and protobuf are shared with the worker, not moved (sharedBytes)', async () => {
    const tmp = await tempDataDir();
    try {
      // Lines over more than one read of the file (JOB_BYTES), so that several jobs go to the worker and come back.
      const lines = encodeExportRequests(daySpans(1, 3_000), 'json');
      expect(lines.length).toBeGreaterThan(2);
      const file = join(tmp.dir, 'spans.jsonl');
      await writeFile(file, Buffer.concat(lines));
      // V8 says when a thread first detaches an ArrayBuffer: from then on its optimised code checks every typed array
      // access for it (the worker's transcoding took a third more CPU a span).
      const run = await runClew(['import', file, '-d', join(tmp.dir, 'data')], {}, undefined, ['--trace-protector-invalidation']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/written [\d,]+, refused 0/);
      expect(run.stdout.split('\n').filter((l) => /protector/i.test(l))).toEqual([]);
    } finally {
      await tmp.cleanup();
    }
  });

  it('reads more lines than are in flight at once into buffers used again, and every span comes out as it went in', async () => {
    const tmp = await tempDataDir();
    try {
      // 600 lines of 10 spans, each with 12 KB of its own: 75 MB, more reads than the decoder keeps in flight (64 of
      // JOB_BYTES), so that later lines are read into the buffers of jobs already taken.
      const spans = daySpans(1, 2_000).map((s) => ({ ...s, attributes: [...s.attributes, { key: 'payload', value: str(`${s.spanId} `.padEnd(12_000, 'abcdefghij')) }] }));
      const lines = [];
      for (let i = 0; i < spans.length; i += 10) lines.push(...encodeExportRequests(spans.slice(i, i + 10), 'json'));
      expect(lines.length).toBe(600);
      const file = join(tmp.dir, 'spans.jsonl');
      await writeFile(file, Buffer.concat(lines));
      const dir = join(tmp.dir, 'data');
      const run = await runClew(['import', file, '-d', dir, '--no-metrics']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('spans read 6,000, written 6,000, refused 0');
      const exported = await runClew(['export', '-d', dir, '--from', '2026-11-02', '--to', '2026-11-03']);
      expect(exported.code, exported.stderr).toBe(0);
      const out = exported.stdout.split('\n').filter((l) => l !== '').flatMap((l) => decodeOtlpJson(l).spans);
      expect(out.sort(bySpanKey)).toEqual(spans.sort(bySpanKey));
    } finally {
      await tmp.cleanup();
    }
  }, 120_000);
});

