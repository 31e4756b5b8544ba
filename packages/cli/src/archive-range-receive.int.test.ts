import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UnixNanos } from '@clew/model';
import { RANGE_ARCHIVE_CONTENT_TYPE, RANGE_ARCHIVE_ROUTE, rangeArchiveFrame } from '@clew/server';
import type { RangeArchiveDay } from '@clew/storage';
import { readManifest } from '@clew/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveRange } from './archive-range.js';

const BIN = fileURLToPath(new URL('../bin/clew.js', import.meta.url));
const START = (BigInt(Date.UTC(2026, 10, 1)) * 1_000_000n) as UnixNanos;
const END = (START + 86_400_000_000_000n) as UnixNanos;
const BYTES = Buffer.from('PAR1 not really a Parquet file, but bytes as the Clew sent them PAR1');

function day(file = 'spans-2026-11-01.parquet', bytes: Buffer = BYTES): RangeArchiveDay {
  return {
    file,
    day: '2026-11-01',
    spans: 3,
    minStart: String(START),
    maxStart: String(START + 5n),
    tenants: { default: 3 },
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

const manifestFrame = (files: RangeArchiveDay[]) =>
  rangeArchiveFrame('M', { format: 'clew-range-archive', version: 1, createdAt: '', range: { start: String(START), end: String(END) }, spans: 3, tenants: ['default'], files });

/*
 * A Clew's answer, damaged in ways a Clew does not damage it (a disk fault on its side, a proxy that cuts answers):
 * made here by an HTTP server that answers the route with the frames each test gives.
 */
describe('clew archive --url, given an answer that is damaged, cut off or stopped', () => {
  let dir: string;
  let frames: Buffer[];
  /** When set, the answer stops after the frames without ending (a Clew writing the next day), until the client goes. */
  let stall = false;
  /** When set, the connection is broken after the frames (a Clew that died). */
  let breakOff = false;
  let answerClosed: Promise<void> = Promise.resolve();
  let server: ReturnType<typeof createServer>;
  let url: string;
  const out = () => join(dir, 'archive');
  const archive = () => archiveRange({ url }, { start: START, end: END, out: out() });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-archive-receive-'));
    server = createServer((req, res) => {
      if (!req.url!.startsWith(RANGE_ARCHIVE_ROUTE)) return void res.writeHead(500).end();
      res.writeHead(200, { 'content-type': RANGE_ARCHIVE_CONTENT_TYPE });
      // One byte at a time for the first frames, so that frames split across chunks are put together.
      const all = Buffer.concat(frames);
      for (let i = 0; i < Math.min(64, all.length); i++) res.write(all.subarray(i, i + 1));
      answerClosed = new Promise((r) => res.once('close', () => r()));
      if (stall || breakOff) res.write(all.subarray(64), () => breakOff && res.destroy());
      else res.end(all.subarray(64));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    stall = false;
    breakOff = false;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a whole answer: the files it checked, and a manifest that reads back', async () => {
    frames = [rangeArchiveFrame('P', { spans: 0, total: 3 }), rangeArchiveFrame('F', day()), rangeArchiveFrame('D', BYTES.subarray(0, 10)), rangeArchiveFrame('D', BYTES.subarray(10)), manifestFrame([day()])];
    const m = await archive();
    expect(m.files).toEqual([day()]);
    expect((await readManifest(out())).spans).toBe(3);
    expect((await readdir(out())).sort()).toEqual(['manifest.json', 'spans-2026-11-01.parquet']);
  });

  it.each([
    ['a file whose bytes differ', () => [rangeArchiveFrame('F', day()), rangeArchiveFrame('D', Buffer.from(BYTES).fill(0x20, 5, 6)), manifestFrame([day()])], 'spans-2026-11-01.parquet does not have the SHA-256 the Clew gave'],
    ['a file longer than it said', () => [rangeArchiveFrame('F', day()), rangeArchiveFrame('D', Buffer.concat([BYTES, BYTES]))], 'spans-2026-11-01.parquet longer than its 68 bytes'],
    ['a file named outside the archive', () => [rangeArchiveFrame('F', day('../outside.parquet')), rangeArchiveFrame('D', BYTES)], 'a file "../outside.parquet" out of place'],
    ['an answer cut in a file', () => [rangeArchiveFrame('F', day()), rangeArchiveFrame('D', BYTES.subarray(0, 10))], 'the answer ended before the archive was whole, in spans-2026-11-01.parquet'],
    ['an answer cut before its manifest', () => [rangeArchiveFrame('F', day()), rangeArchiveFrame('D', BYTES)], 'the answer ended before the archive was whole'],
    ['a manifest of other files', () => [rangeArchiveFrame('F', day()), rangeArchiveFrame('D', BYTES), manifestFrame([day(), day('spans-2026-11-02.parquet')])], 'its manifest lists other files than it sent'],
    ['a failure the Clew reports', () => [rangeArchiveFrame('F', day()), rangeArchiveFrame('D', BYTES), rangeArchiveFrame('E', { message: 'No space left on device' })], 'could not write the archive: No space left on device'],
    ['bytes that are no frame', () => [Buffer.from('HTTP/1.1 200 OK')], 'not a range archive answer: a frame of type 0x48'],
  ])('refuses %s, leaving nothing behind', async (_what, make, message) => {
    frames = make();
    await expect(archive()).rejects.toThrow(message);
    expect(existsSync(out())).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('says so when the connection breaks in the middle of a file, leaving nothing behind', async () => {
    frames = [rangeArchiveFrame('F', day()), rangeArchiveFrame('D', BYTES.subarray(0, 20))];
    breakOff = true;
    await expect(archive()).rejects.toThrow(`${url}${RANGE_ARCHIVE_ROUTE} broke off its answer: other side closed`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops on Ctrl-C in the middle of a file, removing what it wrote, and hangs up; exit 130', async () => {
    frames = [rangeArchiveFrame('P', { spans: 0, total: 6 }), rangeArchiveFrame('F', day()), rangeArchiveFrame('D', BYTES), rangeArchiveFrame('F', day('spans-2026-11-02.parquet')), rangeArchiveFrame('D', BYTES.subarray(0, 20))];
    stall = true;
    const child = spawn(process.execPath, [BIN, 'archive', '--url', url, '--from', '2026-11-01', '--to', '2026-11-03', '--out', out()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The first day is whole and the second begun: its 20 bytes are in its .tmp file.
    const partial = join(out(), 'spans-2026-11-02.parquet.tmp');
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(out(), 'spans-2026-11-01.parquet')) || !existsSync(partial) || (await stat(partial)).size < 20) {
      if (Date.now() > deadline) throw new Error(`the archive did not begin its second file: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGINT');
    expect([await exited, stderr]).toEqual([130, expect.stringContaining(`archive stopped by SIGINT: nothing of it is left in ${out()}`)]);
    expect(existsSync(out())).toBe(false);
    await answerClosed;
  });
});
