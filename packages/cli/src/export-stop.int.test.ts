import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { encodeExportRequests, EXPORT_ROUTE } from '@clew/server';
import { openDuckDBStore } from '@clew/storage';
import type { UnixNanos } from '@clew/model';
import { tempDataDir } from '@clew/testing/clew-process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSpans } from './export.js';
import { DAY, daySpans } from './testing/export-spans.js';

const BIN = fileURLToPath(new URL('../bin/clew.js', import.meta.url));
let tmp: { dir: string; cleanup(): Promise<void> };
const SPANS = daySpans(21, 1000); // 3,000 spans: several of the store scan's pages
const WINDOW = { start: DAY, end: (DAY + 2n * 86_400_000_000_000n) as UnixNanos };

beforeAll(async () => {
  tmp = await tempDataDir();
  const store = await openDuckDBStore({ dir: join(tmp.dir, 'data', 'store') });
  await store.append(SPANS);
  await store.close();
});
afterAll(async () => {
  await tmp?.cleanup();
});

/** Counts the bytes written, and fails the write after `failAfter` writes. */
function output(failAfter = Infinity): Writable & { writes: number } {
  const out = new Writable({
    write(_chunk, _enc, done) {
      out.writes++;
      done(out.writes > failAfter ? new Error('disk full') : null);
    },
  }) as Writable & { writes: number };
  out.writes = 0;
  return out;
}

describe('clew export -d, reading the next page ahead', () => {
  it('stops at a failed write with its error (the page read ahead is let go, the store closed), and the next export is whole', async () => {
    const failing = output(1);
    failing.on('error', () => undefined);
    await expect(exportSpans({ dataDir: join(tmp.dir, 'data') }, { ...WINDOW, format: 'json' }, failing)).rejects.toThrow('disk full');
    expect(failing.writes).toBe(2);

    const whole = output();
    expect(await exportSpans({ dataDir: join(tmp.dir, 'data') }, { ...WINDOW, format: 'protobuf' }, whole)).toBe(SPANS.length);
    expect(whole.writes).toBeGreaterThan(2);
  });
});

describe('clew export to an output that is often full', () => {
  it('waits for each drain without leaving a listener behind (no MaxListenersExceededWarning on a long export)', async () => {
    // Full after every write (highWaterMark 1), and written asynchronously: every write waits for a drain.
    const slow = new Writable({ highWaterMark: 1, write: (_chunk, _enc, done) => setImmediate(done) });
    const warnings: Error[] = [];
    const warned = (w: Error) => warnings.push(w);
    process.on('warning', warned);
    try {
      expect(await exportSpans({ dataDir: join(tmp.dir, 'data') }, { ...WINDOW, format: 'json' }, slow)).toBe(SPANS.length);
    } finally {
      process.off('warning', warned);
    }
    expect(slow.listenerCount('close')).toBe(0);
    expect(slow.listenerCount('drain')).toBe(0);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});

describe('clew export -o FILE stopped by Ctrl-C', () => {
  it('removes what it wrote, leaves FILE unwritten and exits 130, even while the Clew sends nothing', async () => {
    // A Clew's export route that sends one request and then nothing more (a long query on its side).
    const first = [...encodeExportRequests(SPANS.slice(0, 10), 'protobuf')];
    let answerClosed!: Promise<void>;
    const server = createServer((req, res) => {
      if (!req.url!.startsWith(EXPORT_ROUTE)) return void res.writeHead(500).end();
      answerClosed = new Promise((r) => res.once('close', () => r()));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      for (const b of first) res.write(b);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const file = join(tmp.dir, 'stopped.jsonl');
      const child = spawn(process.execPath, [BIN, 'export', '--url', url, '--from', '2026-01-01', '--to', '2026-01-02', '-o', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      // The first request is written to the file being made (FILE.clew-export-PID) before the stop.
      const partial = `${file}.clew-export-${child.pid}`;
      const deadline = Date.now() + 30_000;
      while (!existsSync(partial) || (await stat(partial)).size === 0) {
        if (Date.now() > deadline) throw new Error(`the export did not begin: ${stderr}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill('SIGINT');
      expect([await exited, stderr]).toEqual([130, expect.stringContaining(`export stopped by SIGINT: ${file} was not written`)]);
      expect([existsSync(partial), existsSync(file)]).toEqual([false, false]);
      await answerClosed;
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('clew export to a reader that stops reading', () => {
  it('ends quietly, as SIGPIPE ends a command (exit 141), when the pipe closes (`clew export … | head`)', async () => {
    // 3,000 spans as JSON lines are megabytes: more than the pipe holds, so the export is still writing when it closes.
    const child = spawn(process.execPath, [BIN, 'export', '-d', join(tmp.dir, 'data'), '--from', '2026-11-02', '--to', '2026-11-04'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    expect(first.toString()).toMatch(/^\{"resourceSpans":/);
    child.stdout.destroy();
    expect(await exited).toBe(141);
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
  });
});
