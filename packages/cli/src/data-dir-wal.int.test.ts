import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { postProto, traceOf } from '@clew/testing/payloads';
import { afterAll, describe, expect, it } from 'vitest';
import { runClew } from './testing/export-spans.js';

const tmp = await tempDataDir();
afterAll(() => tmp.cleanup());

describe('a stopped Clew\'s data directory whose write-ahead log holds spans the store does not', () => {
  it('is refused by export -d and archive -d, saying how to write them; once a Clew has, both read them (and import -d refuses the archive as a data directory)', async () => {
    // A store writer that waits ten minutes for its batch: the spans are acknowledged (in the log) and not yet stored.
    const config = join(tmp.dir, 'slow-writer.yaml');
    await writeFile(config, 'storage:\n  batchWait: 10m\n  batchSpans: 1000000\n');
    const clew = await startClewProcess(tmp.dir, ['-c', config]);
    const spans = traceOf(5, 'pending');
    expect((await postProto(clew.otlpHttp, spans)).status).toBe(200);
    await clew.kill();

    const range = ['--from', '-2d', '--to', 'now'];
    const exported = await runClew(['export', '-d', tmp.dir, ...range, '-o', join(tmp.dir, 'out.jsonl')]);
    const archived = await runClew(['archive', '-d', tmp.dir, ...range, '--out', join(tmp.dir, 'archive')]);
    for (const run of [exported, archived]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `the data directory ${tmp.dir} has 1 accepted request(s) in its write-ahead log that its store does not hold yet (the Clew on it stopped before writing them, killed say): run clew serve -d ${tmp.dir} once, which writes them, stop it, and try again`,
      );
    }

    // As it says: a Clew started on the directory replays its log into the store.
    const again = await startClewProcess(tmp.dir);
    expect(await again.stop()).toBe(0);
    const whole = await runClew(['export', '-d', tmp.dir, ...range, '-o', join(tmp.dir, 'out.jsonl')]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stderr).toContain('exported 5 spans');

    // A range archive of them is no data directory to import into: nothing is made inside it.
    const archive = join(tmp.dir, 'archive');
    expect((await runClew(['archive', '-d', tmp.dir, ...range, '--out', archive])).code).toBe(0);
    const before = await readdir(archive);
    const into = await runClew(['import', '-d', archive, join(tmp.dir, 'out.jsonl')]);
    expect([into.code, into.stderr.trim()]).toEqual([1, `${archive} is a range archive (clew archive --out), not a Clew data directory: attach it with clew serve --archive-dir, or give a data directory`]);
    expect(await readdir(archive)).toEqual(before);
  });
});
