import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import type { Span, Tenant, UnixNanos } from '@clew/model';
import { encodeExportRequests, openDataDirMetricsStore, resolveConfig } from '@clew/server';
import { openDuckDBStore, scanSpans } from '@clew/storage';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from './import-checkpoint.js';
import { checkpointPath } from './import-checkpoint.js';
import { importFile } from './import.js';
import type { ImportTarget } from './import-targets.js';
import { dataDirTarget } from './import-targets.js';
import { DAY, daySpans, runClew, spanIdOf, traceIdOf } from './testing/export-spans.js';
import { TEAM_TOKEN_ENTRIES, TEAM_TOKENS } from './testing/team-tokens.js';

const BIN = fileURLToPath(new URL('../bin/clew.js', import.meta.url));
const EVERYTHING = { start: 0n as UnixNanos, end: (2n ** 63n) as UnixNanos };

let tmp: { dir: string; cleanup(): Promise<void> };
beforeAll(async () => {
  tmp = await tempDataDir();
});
afterAll(async () => {
  await tmp?.cleanup();
});

/** Every span a data directory's store holds: how many, and how many distinct (trace id, span id). */
async function storedIn(dir: string, tenant?: Tenant): Promise<{ spans: number; distinct: number }> {
  const store = await openDuckDBStore({ dir: join(dir, 'store') });
  try {
    let spans = 0;
    const keys = new Set<string>();
    for await (const batch of scanSpans(tenant === undefined ? store : store.forTenant(tenant), EVERYTHING)) {
      spans += batch.length;
      for (const s of batch) keys.add(s.traceId + s.spanId);
    }
    return { spans, distinct: keys.size };
  } finally {
    await store.close();
  }
}

/** How many spans a data directory's span metrics count, over the hour the test's spans start in. */
async function countedIn(dir: string): Promise<number> {
  const store = await openDataDirMetricsStore(dir, resolveConfig({}));
  try {
    const from = Number(DAY / 1_000_000n);
    return (await store.spanMetrics({ from, to: from + 3_600_000, groupBy: ['service'] })).reduce((n, r) => n + r.count, 0);
  } finally {
    await store.close();
  }
}

/** `count` small spans, ten to a trace, as length-delimited OTLP protobuf requests of 1000; `seed` picks their ids. */
async function writeSpans(file: string, count: number, seed = 9): Promise<void> {
  const out = createWriteStream(file);
  const template = daySpans(9, 1)[1]!;
  for (let i = 0; i < count; i += 1000) {
    const spans: Span[] = [];
    for (let j = i; j < i + 1000; j++) {
      const start = (DAY + BigInt(j) * 1_000_000n) as UnixNanos;
      spans.push({ ...template, traceId: traceIdOf(seed, Math.floor(j / 10)), spanId: spanIdOf(seed, j), parentSpanId: null, startTimeUnixNano: start, endTimeUnixNano: (start + 5_000n) as UnixNanos });
    }
    for (const request of encodeExportRequests(spans, 'protobuf')) if (!out.write(request)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Waits until the import's checkpoint says it has written past `offset`. */
async function checkpointPast(file: string, offset: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the import ended (${child.exitCode}) before it reached byte ${offset}`);
    try {
      const c = JSON.parse(await readFile(checkpointPath(file), 'utf8')) as Checkpoint;
      if (c.done.offset >= offset) return;
    } catch {
      // Not written yet.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `clew import FILE ARGS…` killed with SIGKILL once its checkpoint is past half the file; the checkpoint it left. */
async function killedHalfWay(file: string, ...args: string[]): Promise<{ size: number; half: Checkpoint }> {
  const size = (await stat(file)).size;
  const child = spawn(process.execPath, [BIN, 'import', file, ...args], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await checkpointPast(file, size / 2, child);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const half = JSON.parse(await readFile(checkpointPath(file), 'utf8')) as Checkpoint;
  expect(half.complete).toBeUndefined();
  return { size, half };
}

/** `clew import FILE -d DIR` in batches of 10,000 spans, sent `signal` once its first batch is written. */
async function importStoppedBy(signal: NodeJS.Signals, file: string, dir: string, ...args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, 'import', file, '-d', dir, '--batch-spans', '10000', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  // As soon as a first batch is written: most of the file is still to go when the signal lands.
  await checkpointPast(file, 1, child);
  child.kill(signal);
  return { code: await exited, stdout };
}

describe('clew import resumes after an interruption without duplicates', () => {
  it('an import of 1M spans killed with SIGKILL half way and run again ends with exactly 1M spans', async () => {
    const file = join(tmp.dir, 'million.pb');
    const dir = join(tmp.dir, 'million');
    await writeSpans(file, 1_000_000);
    const { size, half } = await killedHalfWay(file, '-d', dir, '--batch-spans', '20000');
    expect(half.done.offset).toBeLessThan(size);

    const again = await runClew(['import', file, '-d', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('spans read 1,000,000, written 1,000,000, refused 0');
    expect(await storedIn(dir)).toEqual({ spans: 1_000_000, distinct: 1_000_000 });

    // Done is done: a third run writes nothing.
    const third = await runClew(['import', file, '-d', dir]);
    expect(third.stdout).toContain('already imported');
    expect(await storedIn(dir)).toEqual({ spans: 1_000_000, distinct: 1_000_000 });
  }, 600_000);

  it('a gzip file killed with SIGKILL part way and run again: every span once', async () => {
    const plain = join(tmp.dir, 'compressed.pb');
    const file = `${plain}.gz`;
    const dir = join(tmp.dir, 'compressed');
    await writeSpans(plain, 200_000);
    await pipeline(createReadStream(plain), createGzip(), createWriteStream(file));
    // Its checkpoint counts decompressed bytes: past half the file's own size is a tenth of the way or so.
    const { half } = await killedHalfWay(file, '-d', dir, '--batch-spans', '10000');
    expect(half.input.compression).toBe('gzip');
    expect(half.done.offset).toBeLessThan((await stat(plain)).size);

    const again = await runClew(['import', file, '-d', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('(otlp-proto, gzip): done');
    expect(again.stdout).toContain('spans read 200,000, written 200,000, refused 0');
    expect(await storedIn(dir)).toEqual({ spans: 200_000, distinct: 200_000 });
  }, 300_000);

  it('Ctrl-C (SIGINT) lets the batch being written finish, says how to go on, and the same command does', async () => {
    const file = join(tmp.dir, 'interrupted.pb');
    const dir = join(tmp.dir, 'interrupted');
    await writeSpans(file, 200_000);
    const { code, stdout } = await importStoppedBy('SIGINT', file, dir);
    expect(code).toBe(130);
    expect(stdout).toContain('interrupted; run the same command again to go on');
    const stopped = JSON.parse(await readFile(checkpointPath(file), 'utf8')) as Checkpoint;
    expect(stopped.inDoubt).toBeUndefined();
    expect(stopped.complete).toBeUndefined();

    const again = await runClew(['import', file, '-d', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('spans read 200,000, written 200,000, refused 0');
    expect(await storedIn(dir)).toEqual({ spans: 200_000, distinct: 200_000 });
    // Counted into the span metrics once each, across the stop: the batches under way when it came were stored, and
    // their counts written.
    expect(await countedIn(dir)).toBe(200_000);
  }, 300_000);

  it('Ctrl-C once the file is imported, while the span metrics are written, waits for them: every span counted', async () => {
    const file = join(tmp.dir, 'at-the-end.pb');
    const dir = join(tmp.dir, 'at-the-end');
    await writeSpans(file, 20_000);
    const child = spawn(process.execPath, [BIN, 'import', file, '-d', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    // The summary is said before the stores close (and the span metrics are written): the signal lands then.
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('spans read 20,000, written 20,000, refused 0')) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await countedIn(dir)).toBe(20_000);
    expect((JSON.parse(await readFile(checkpointPath(file), 'utf8')) as Checkpoint).complete).toBe(true);
  });

  it('SIGTERM stops an import as Ctrl-C does, and the command exits as a shell reports SIGTERM', async () => {
    const file = join(tmp.dir, 'terminated.pb');
    const dir = join(tmp.dir, 'terminated');
    await writeSpans(file, 200_000);
    const { code, stdout } = await importStoppedBy('SIGTERM', file, dir, '--no-metrics');
    expect(code).toBe(143);
    expect(stdout).toContain('interrupted; run the same command again to go on');
    const again = await runClew(['import', file, '-d', dir, '--no-metrics']);
    expect(again.code, again.stderr).toBe(0);
    expect(await storedIn(dir)).toEqual({ spans: 200_000, distinct: 200_000 });
  }, 300_000);

  it('a data directory is its absolute path: the same -d from elsewhere is another directory, and a file imported into one can be into another, each once', async () => {
    const file = join(tmp.dir, 'two-places.pb');
    await writeSpans(file, 2000);
    for (const cwd of ['here', 'there']) {
      await mkdir(join(tmp.dir, cwd));
      const run = await runClew(['import', file, '-d', 'data', '--no-metrics'], {}, join(tmp.dir, cwd));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('spans read 2,000, written 2,000, refused 0');
      expect(await storedIn(join(tmp.dir, cwd, 'data'))).toEqual({ spans: 2000, distinct: 2000 });
    }
    // Both are remembered as done, the first too (it was imported into before the second began).
    for (const dir of [join(tmp.dir, 'here', 'data'), join(tmp.dir, 'there', 'data/')]) {
      const again = await runClew(['import', file, '-d', dir, '--no-metrics']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('already imported');
      expect(again.stdout).toContain('spans read 2,000, written 2,000, refused 0');
      expect(await storedIn(dir)).toEqual({ spans: 2000, distinct: 2000 });
    }
  });

  it('progress shows what is written, not what is read ahead: its percent goes with its spans', async () => {
    const file = join(tmp.dir, 'progress.pb');
    await writeSpans(file, 20_000);
    const real = await dataDirTarget(join(tmp.dir, 'progress'), 'default', { metrics: false });
    // Slow writes, so that reading runs ahead of them and the bar is drawn between them.
    const slow: ImportTarget = { ...real, name: real.name, write: async (b) => (await new Promise((r) => setTimeout(r, 250)), real.write(b)) };
    const drawn: string[] = [];
    const tty = { isTTY: true, columns: 120, write: (text: string) => (drawn.push(text), true) } as unknown as NodeJS.WriteStream;
    const summary = await importFile(file, slow, { batchSpans: 1000, out: tty });
    await real.close();
    expect(summary.counts.written).toBe(20_000);
    const shown = drawn.map((l) => /(\d+)%\s+([\d,]+) spans/.exec(l)).filter((m) => m !== null);
    expect(shown.length).toBeGreaterThan(5);
    for (const [line, percent, spans] of shown) expect(Number(percent), line).toBe(Math.floor(Number(spans!.replaceAll(',', '')) / 200));
  });

  it('spans read for a batch an interruption left unsent are written by the import that goes on, not with the next file', async () => {
    const [first, second] = [join(tmp.dir, 'unsent-1.pb'), join(tmp.dir, 'unsent-2.pb')];
    const dir = join(tmp.dir, 'unsent');
    await writeSpans(first, 3000, 9);
    await writeSpans(second, 2000, 8);
    // A data directory takes each request's spans as it is read, into the batch being read (counted apart until stored).
    const real = await dataDirTarget(dir, 'default');
    const stop = new AbortController();
    let requests = 0;
    const stopped: ImportTarget = {
      ...real,
      add: (spans) => {
        real.add!(spans);
        if (++requests === 2) stop.abort();
      },
    };
    const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
    // Stopped after its second request: 2,000 spans read into a batch of 5,000, which is never sent.
    const one = await importFile(first, stopped, { batchSpans: 5000, signal: stop.signal, out: quiet });
    expect(one.complete).toBe(false);
    expect(one.counts.written).toBe(0);
    const two = await importFile(second, real, { batchSpans: 5000, out: quiet });
    expect(two.counts.written).toBe(2000);
    await real.close();
    expect(await storedIn(dir)).toEqual({ spans: 2000, distinct: 2000 });
    expect(await countedIn(dir)).toBe(2000);

    const again = await runClew(['import', first, '-d', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('spans read 3,000, written 3,000, refused 0');
    expect(await storedIn(dir)).toEqual({ spans: 5000, distinct: 5000 });
    expect(await countedIn(dir)).toBe(5000);
  });

  it('an import that fails with writes under way returns once they have ended: what they stored is counted', async () => {
    const file = join(tmp.dir, 'fails-reading.pb');
    const dir = join(tmp.dir, 'fails-reading');
    await writeSpans(file, 4000, 7);
    const real = await dataDirTarget(dir, 'default');
    let requests = 0;
    let writing = 0;
    let ended = 0;
    const failing: ImportTarget = {
      ...real,
      add: (spans) => {
        if (++requests === 3) throw new Error('cannot encode this request');
        real.add!(spans);
      },
      // Slow writes: both batches before the failing request are still being written when it comes.
      write: async (batch) => {
        writing++;
        await new Promise((r) => setTimeout(r, 300));
        try {
          return await real.write(batch);
        } finally {
          ended++;
        }
      },
    };
    const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
    await expect(importFile(file, failing, { batchSpans: 1000, out: quiet })).rejects.toThrow('cannot encode this request');
    expect(writing).toBe(2);
    expect(ended).toBe(2);
    await real.close();
    expect(await storedIn(dir)).toEqual({ spans: 2000, distinct: 2000 });
    expect(await countedIn(dir)).toBe(2000);
  });

  it('two writes under way into a data directory: a kill before the first is stored loses neither batch', async () => {
    const file = join(tmp.dir, 'two-under-way.pb');
    const dir = join(tmp.dir, 'two-under-way');
    await writeSpans(file, 3000);
    // A data directory takes two writes at once (its store encodes the second while the first commits). Here the
    // first is held until the second is sent, and the checkpoint on disk at that moment is what a kill -9 leaves.
    const real = await dataDirTarget(dir, 'default', { metrics: false });
    expect(real.writesAtOnce).toBe(2);
    let writes = 0;
    let killedAt: string | undefined;
    const held: ImportTarget = {
      name: real.name,
      writesAtOnce: real.writesAtOnce,
      present: (spans) => real.present(spans),
      close: () => real.close(),
      async write(batch) {
        if (++writes > 1) return real.write(batch);
        for (;;) {
          const c = JSON.parse(await readFile(checkpointPath(file), 'utf8')) as Checkpoint;
          if (c.inDoubt !== undefined && c.inDoubt.to.record >= 2) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        killedAt = await readFile(checkpointPath(file), 'utf8');
        throw new Error('killed before this batch was stored');
      },
    };
    await expect(importFile(file, held, { batchSpans: 1000, out: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream })).rejects.toThrow(
      'killed before this batch was stored',
    );
    await held.close();
    await writeFile(checkpointPath(file), killedAt!);
    const left = JSON.parse(killedAt!) as Checkpoint;
    expect(left.done.record).toBe(0);
    expect(left.inDoubt?.to.record).toBe(2);

    const again = await runClew(['import', file, '-d', dir, '--no-metrics']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('spans read 3,000, written 3,000, refused 0');
    expect(await storedIn(dir)).toEqual({ spans: 3000, distinct: 3000 });
  });

  /*
   * The batch in doubt, made on purpose: the first 1000 spans of a file are imported (as its first line alone), then
   * the file's checkpoint is written as a run killed after sending all of it, before its acknowledgement was recorded.
   */
  async function fileInDoubt(name: string, target: string): Promise<{ file: string; spans: Span[] }> {
    const spans = daySpans(11, 1000);
    const lines = encodeExportRequests(spans, 'json');
    expect(lines).toHaveLength(3);
    const file = join(tmp.dir, `${name}.jsonl`);
    const head = join(tmp.dir, `${name}-head.jsonl`);
    await writeFile(file, Buffer.concat(lines));
    await writeFile(head, lines[0]!);
    const size = (await stat(file)).size;
    const checkpoint: Checkpoint = {
      input: { size, format: 'otlp-json' },
      target,
      done: { offset: 0, record: 0 },
      inDoubt: { from: { offset: 0, record: 0 }, to: { offset: size, record: 3 } },
      counts: { read: 0, written: 0, refused: 0, skippedRecords: 0, problems: [] },
    };
    await writeFile(checkpointPath(file), JSON.stringify(checkpoint));
    return { file: head, spans };
  }

  it('a batch in doubt in a data directory: the spans already there are not written again', async () => {
    const dir = join(tmp.dir, 'doubt-dir');
    const { file: head, spans } = await fileInDoubt('doubt-dir', `dir:${dir}#default`);
    expect((await runClew(['import', head, '-d', dir])).code).toBe(0);
    expect(await storedIn(dir)).toEqual({ spans: 1000, distinct: 1000 });
    const run = await runClew(['import', head.replace('-head', ''), '-d', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('spans read 3,000, written 3,000, refused 0');
    expect(await storedIn(dir)).toEqual({ spans: spans.length, distinct: spans.length });
  });

  describe('into a running Clew', () => {
    let clew: ClewProcess;
    beforeAll(async () => {
      clew = await startClewProcess(join(tmp.dir, 'running'));
    });
    afterAll(async () => {
      await clew?.stop();
    });

    it('killed with SIGKILL half way, two requests under way, and run again: the Clew holds every span once', async () => {
      const file = join(tmp.dir, 'killed-url.pb');
      await writeSpans(file, 200_000);
      const own = await startClewProcess(join(tmp.dir, 'killed-url'));
      try {
        const args = ['--url', own.query, '--otlp-url', own.otlpHttp, '--batch-spans', '2000'];
        await killedHalfWay(file, ...args);
        const again = await runClew(['import', file, ...args]);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toContain('spans read 200,000, written 200,000, refused 0');
      } finally {
        await own.stop();
      }
      expect(await storedIn(own.dataDir)).toEqual({ spans: 200_000, distinct: 200_000 });
    }, 300_000);

    it('a batch in doubt: Clew is asked for its spans once it has stored what it acknowledged, and only the missing ones are sent', async () => {
      const { file: head, spans } = await fileInDoubt('doubt-url', `url:${clew.otlpHttp}#`);
      const args = ['--url', clew.query, '--otlp-url', clew.otlpHttp];
      expect((await runClew(['import', head, ...args])).code).toBe(0);
      const run = await runClew(['import', head.replace('-head', ''), ...args]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('spans read 3,000, written 3,000, refused 0');
      await clew.stop();
      expect(await storedIn(clew.dataDir)).toEqual({ spans: spans.length, distinct: spans.length });
    });

    it('a batch in doubt written with a write-only token: checked with --read-token, the same import goes on', async () => {
      const config = join(tmp.dir, 'auth.yaml');
      await writeFile(config, `auth:\n  tokens:\n${TEAM_TOKEN_ENTRIES}\n`);
      const own = await startClewProcess(join(tmp.dir, 'doubt-auth'), ['--config', config]);
      let sent: number | undefined;
      try {
        // The checkpoint names the write-only token (by its fingerprint), as a run with it left it.
        const fingerprint = createHash('sha256').update(TEAM_TOKENS.aWrite).digest('hex').slice(0, 12);
        const { file: head, spans } = await fileInDoubt('doubt-auth', `url:${own.otlpHttp}##token:${fingerprint}`);
        sent = spans.length;
        const args = ['--url', own.query, '--otlp-url', own.otlpHttp, '--token', TEAM_TOKENS.aWrite];
        expect((await runClew(['import', head, ...args])).code).toBe(0);
        const file = head.replace('-head', '');
        const refused = await runClew(['import', file, ...args]);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('cannot check whether the batch in doubt is already in Clew (403');
        expect(refused.stderr).toContain('give one of the same tenant with --read-token, and the same command goes on');
        const run = await runClew(['import', file, ...args, '--read-token', TEAM_TOKENS.aRead]);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toContain('spans read 3,000, written 3,000, refused 0');
      } finally {
        await own.stop();
      }
      expect(await storedIn(join(tmp.dir, 'doubt-auth'), 'team-a')).toEqual({ spans: sent, distinct: sent });
    });
  });
});

describe('clew import of a file in a directory it cannot write', () => {
  /** Runs the built `clew` as a user who cannot write `readOnly` (nobody, when these tests run as root). */
  const runAsOther = (args: string[], env: Record<string, string>) => {
    const asRoot = process.getuid?.() === 0;
    const command = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    const child = spawn(command[0]!, [...command.slice(1), BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stdout: out, stderr: err })));
  };

  it('keeps its checkpoint under the cache directory instead, and goes on from it', async () => {
    const { chmod } = await import('node:fs/promises');
    const base = join(tmp.dir, 'read-only-input');
    const [readOnly, cache, data] = ['collector', 'cache', 'data'].map((d) => join(base, d));
    for (const d of [readOnly, cache, data]) await mkdir(d, { recursive: true });
    const file = join(readOnly, 'traces.jsonl');
    const spans = daySpans(1, 30);
    await writeFile(file, encodeExportRequests(spans, 'json')[0]!);
    // Readable by everyone, writable by nobody but root: the collector's output directory of another user.
    for (const d of [tmp.dir, base]) await chmod(d, 0o755);
    await chmod(readOnly, 0o555);
    for (const d of [cache, data]) await chmod(d, 0o777);
    const env = { XDG_CACHE_HOME: cache };
    const first = await runAsOther(['import', file, '-d', data], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`spans read ${spans.length}, written ${spans.length}, refused 0`);
    const again = await runAsOther(['import', file, '-d', data], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`already imported \\(${cache}/clew/import/[0-9a-f]{32}\\.clew-import; remove it to import again\\)`));
    expect(await stat(checkpointPath(file)).catch(() => undefined)).toBeUndefined();
    expect(await storedIn(data)).toEqual({ spans: spans.length, distinct: spans.length });
    // A file it may not read, and one that is not there: said plainly.
    const unreadable = join(base, 'secret.jsonl');
    await writeFile(unreadable, encodeExportRequests(spans, 'json')[0]!);
    await chmod(unreadable, 0o000);
    const refused = await runAsOther(['import', unreadable, join(base, 'missing.jsonl'), '-d', data], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${unreadable}: cannot read it: permission denied`);
    expect(refused.stderr).toContain(`${join(base, 'missing.jsonl')}: no such file`);
  });
});
