import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { DuckDBStore, RangeArchiveDay, RangeArchiveManifest } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { nativeApi } from '../native/index.js';
import type { RangeArchiveFrame } from './range-archive-frames.js';
import { RANGE_ARCHIVE_CONTENT_TYPE, RangeArchiveFrames } from './range-archive-frames.js';
import { RANGE_ARCHIVE_ROUTE } from './range-archive-frames.js';

const DAY = 86_400_000_000_000n;
const DAY0 = (BigInt(Date.UTC(2026, 10, 1)) * 1_000_000n) as UnixNanos;

/** The frames of an answer, read to its end. */
async function framesOf(res: Response): Promise<RangeArchiveFrame[]> {
  const frames = new RangeArchiveFrames();
  const all: RangeArchiveFrame[] = [];
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) all.push(...frames.push(Buffer.from(chunk)));
  expect(frames.partial).toBe(0);
  return all;
}

/** The files an answer's frames carry, each with its bytes' size and SHA-256 as received. */
function filesOf(frames: readonly RangeArchiveFrame[]): Array<{ day: RangeArchiveDay; bytes: number; sha256: string }> {
  const files: Array<{ day: RangeArchiveDay; parts: Buffer[] }> = [];
  for (const f of frames) {
    if (f.kind === 'file') files.push({ day: f.day, parts: [] });
    else if (f.kind === 'data') files.at(-1)!.parts.push(f.bytes);
  }
  return files.map(({ day, parts }) => {
    const bytes = Buffer.concat(parts);
    return { day, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

describe('the range archive route (clew archive --url of a Clew on DuckDB)', () => {
  let dir: string;
  let store: DuckDBStore;
  let app: FastifyInstance;
  let base: string;
  let spans: Span[];
  const scratch = () => join(dir, 'scratch');
  /** The first archive's answer while the gate is set: closed once the server knows the client hung up. */
  let gated: Promise<unknown> | undefined;
  /** Day files the route sent whole, in all. */
  let sent = 0;
  /** While set, the archive waits after sending each day's file until it settles. */
  let gate: Promise<void> | undefined;
  const window = `start=${DAY0}&end=${DAY0 + 3n * DAY}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-range-archive-route-'));
    store = await openDuckDBStore({ dir: join(dir, 'store'), checkpointIntervalMs: 0 });
    // Three days of the default tenant's traces, and one of another tenant's that no answer here holds.
    spans = [0n, 1n, 2n].flatMap((d) =>
      makeTrace((DAY0 + d * DAY + 3_600_000_000_000n) as UnixNanos, { service: 'checkout', name: `day ${d}`, at: 0, ms: 5, children: [{ service: 'db', name: 'SELECT', at: 1, ms: 2 }] }),
    );
    await store.append(spans);
    const other = makeTrace((DAY0 + 3_600_000_000_000n) as UnixNanos, { service: 'acme', name: 'GET /', at: 0, ms: 1 });
    await store.append(other, undefined, [{ tenant: 'acme', spans: other.length }]);
    // Connections idle after their answer close soon, so that closing the app (the last test) does not wait for them
    // (a Clew's own apps end them when they stop: http-app.ts).
    app = Fastify({ keepAliveTimeout: 100 });
    app.addHook('onRequest', async (request, reply) => {
      if (gate && !gated && request.url.startsWith(RANGE_ARCHIVE_ROUTE)) gated = once(reply.raw, 'close');
    });
    await app.register(nativeApi, {
      store,
      catalogs: new AttributeCatalogs(),
      rangeArchives: {
        write: (req, opts) =>
          store.writeRangeArchive(req, {
            ...opts,
            onFile: async (day, path) => {
              await opts.onFile!(day, path);
              sent++;
              await gate;
            },
          }),
        scratch: scratch(),
      },
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends each day file the store writes, then the manifest, and keeps none of them', async () => {
    const res = await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?${window}`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, RANGE_ARCHIVE_CONTENT_TYPE]);
    const frames = await framesOf(res);
    const m = (frames.at(-1) as { manifest: RangeArchiveManifest }).manifest;
    expect(frames.at(-1)!.kind).toBe('manifest');
    expect([m.spans, m.tenants, m.files.map((f) => f.day)]).toEqual([spans.length, ['default'], ['2026-11-01', '2026-11-02', '2026-11-03']]);
    // Every file whole, as the manifest lists it.
    const files = filesOf(frames);
    expect(files.map((f) => f.day)).toEqual(m.files);
    expect(files.map((f) => [f.bytes, f.sha256])).toEqual(m.files.map((f) => [f.bytes, f.sha256]));
    // Progress before the files (the first before the spans are counted), ending at the whole.
    const progress = frames.filter((f) => f.kind === 'progress');
    expect(progress.slice(0, 2)).toEqual([{ kind: 'progress', spans: 0, total: 0 }, { kind: 'progress', spans: 0, total: spans.length }]);
    expect(progress.at(-1)).toEqual({ kind: 'progress', spans: spans.length, total: spans.length });
    expect(existsSync(scratch())).toBe(false);
  });

  it("with a service, sends its traces' days only", async () => {
    const frames = await framesOf(await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?start=${DAY0 + DAY}&end=${DAY0 + 3n * DAY}&service=db`));
    const m = (frames.at(-1) as { manifest: RangeArchiveManifest }).manifest;
    expect([m.spans, m.range.service, m.files.map((f) => f.day)]).toEqual([4, 'db', ['2026-11-02', '2026-11-03']]);
  });

  it('stops at the next file when the client hangs up, removing what it wrote, and refuses a second archive meanwhile', async () => {
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    const before = sent;
    const aborted = new AbortController();
    const res = await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?${window}`, { signal: aborted.signal });
    // Read until the first file is whole; the archive then waits at the gate, the next two days not yet written.
    const frames = new RangeArchiveFrames();
    const got: RangeArchiveFrame[] = [];
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let bytes = 0;
    while (!got.some((f) => f.kind === 'file') || bytes < (got.find((f) => f.kind === 'file') as { day: RangeArchiveDay }).day.bytes) {
      const { value } = await reader.read();
      for (const f of frames.push(Buffer.from(value!))) {
        got.push(f);
        if (f.kind === 'data') bytes += f.bytes.length;
      }
    }
    const busy = await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?${window}`);
    expect([busy.status, busy.headers.get('retry-after'), ((await busy.json()) as { error: { message: string } }).error.message]).toEqual([
      429,
      '30',
      'this Clew is writing another range archive: try again once it is done',
    ]);
    aborted.abort();
    // The server saw the answer close, so that the archive finds the client gone at its next file.
    await gated;
    gate = undefined;
    release();
    const deadline = Date.now() + 10_000;
    while (existsSync(scratch())) {
      if (Date.now() > deadline) throw new Error(`the scratch directory is still there: ${(await readdir(scratch())).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // The second day's file was not sent: the archive stopped there.
    expect(sent - before).toBe(1);
    // The next archive is whole.
    const frames2 = await framesOf(await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?${window}`));
    expect((frames2.at(-1) as { manifest: RangeArchiveManifest }).manifest.spans).toBe(spans.length);
  });

  it('ends the archive of a client gone before the answer began, and takes the next', async () => {
    // The request, and the connection closed at once: gone while the route empties its scratch directory, or before.
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.end(`GET ${RANGE_ARCHIVE_ROUTE}?${window} HTTP/1.1\r\nHost: clew\r\n\r\n`, () => socket.destroy());
    await once(socket, 'close');
    // Refused (429) while that archive ends; then whole.
    const deadline = Date.now() + 10_000;
    let res = await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?${window}`);
    while (res.status === 429 && Date.now() < deadline) {
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 50));
      res = await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?${window}`);
    }
    expect(res.status).toBe(200);
    expect(((await framesOf(res)).at(-1) as { manifest: RangeArchiveManifest }).manifest.spans).toBe(spans.length);
  });

  it('refuses a bad range before it begins, as the export route does', async () => {
    const res = await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?start=yesterday&end=${DAY0}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('start must be Unix nanoseconds (a whole number), not "yesterday"');
  });

  // Last: it closes the app.
  it('stops the archive under way when the Clew stops, telling the client why, and the stop does not wait for it', async () => {
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    const before = sent;
    const res = await fetch(`${base}${RANGE_ARCHIVE_ROUTE}?${window}`);
    const reading = framesOf(res);
    // The archive waits at the gate after its first file; the app closes meanwhile.
    while (sent === before) await new Promise((r) => setTimeout(r, 10));
    const closing = app.close();
    await new Promise((r) => setTimeout(r, 50));
    gate = undefined;
    release();
    await closing;
    const frames = await reading;
    expect(frames.at(-1)).toEqual({ kind: 'error', message: 'this Clew is stopping' });
    expect(frames.filter((f) => f.kind === 'file')).toHaveLength(1);
    expect(existsSync(scratch())).toBe(false);
  });
});
