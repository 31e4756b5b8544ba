import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDataDir } from '@clew/testing/clew-process';
import { encodeExportRequests } from '@clew/server';
import { describe, expect, it } from 'vitest';
import { daySpans, runClew } from './testing/export-spans.js';

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
});
