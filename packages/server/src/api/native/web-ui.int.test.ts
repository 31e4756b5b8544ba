import type { UnixNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../observability/metrics.js';
import { WriteAheadLog } from '../../wal/wal.js';
import { queryApp } from '../query-app.js';
import { AttributeCatalogs } from './attribute-catalogs.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const INDEX = '<!doctype html><div id="root"></div>';

let dir: string;
let store: Store;
let wal: WriteAheadLog;
/** One query app with a built UI, one pointing at a UI that was never built. */
let built: FastifyInstance;
let unbuilt: FastifyInstance;

async function app(webDir: string): Promise<FastifyInstance> {
  const a = Fastify();
  await a.register(queryApp, { store, wal, metrics: createMetrics(), catalogs: new AttributeCatalogs(), webDir });
  await a.ready();
  return a;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-web-ui-'));
  store = await openDuckDBStore({ dir: join(dir, 'store'), now: () => NOW, checkpointIntervalMs: 0 });
  wal = (await WriteAheadLog.open({ dir: join(dir, 'wal') }, 0n)).wal;
  await mkdir(join(dir, 'web', 'assets'), { recursive: true });
  await writeFile(join(dir, 'web', 'index.html'), INDEX);
  await writeFile(join(dir, 'web', 'assets', 'app-1234.js'), 'console.log(1)');
  built = await app(join(dir, 'web'));
  unbuilt = await app(join(dir, 'no-such-dir'));
});

afterAll(async () => {
  await built?.close();
  await unbuilt?.close();
  await wal?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the built UI', () => {
  it.each(['/', '/search?service=cart', '/trace/4bf92f3577b34da6a3ce929d0e0e4736', '/deep/link/'])('answers %s with index.html', async (url) => {
    const res = await built.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves files as they are, hashed assets cached for good', async () => {
    const res = await built.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each(['/assets/missing.js', '/api/nothing', '/metrics/x', '/health/x'])('answers %s with a 404, not the app', async (url) => {
    const res = await built.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<div id="root">');
  });

  it('leaves the APIs and health alone', async () => {
    expect((await built.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await built.inject({ method: 'GET', url: '/api/services' })).json()).toMatchObject({ data: [], errors: null });
    expect((await built.inject({ method: 'GET', url: '/api/clew/v1/services' })).json()).toEqual({ services: [] });
    const jaeger404 = await built.inject({ method: 'GET', url: `/api/traces/${'f'.repeat(32)}` });
    expect(jaeger404.statusCode).toBe(404);
    expect(jaeger404.json()).toMatchObject({ errors: [{ code: 404, msg: 'trace not found' }] });
    expect((await built.inject({ method: 'GET', url: '/api/clew/v1/nope' })).json().error.code).toBe('NOT_FOUND');
  });

  it('does not answer other methods with the app', async () => {
    expect((await built.inject({ method: 'POST', url: '/search' })).statusCode).toBe(404);
  });
});

describe('a UI that was not built', () => {
  it('answers pages with a 503 that says how to build it', async () => {
    const res = await unbuilt.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build');
    expect((await unbuilt.inject({ method: 'GET', url: '/trace/abc' })).statusCode).toBe(503);
  });

  it('still answers the APIs', async () => {
    expect((await unbuilt.inject({ method: 'GET', url: '/api/clew/v1/services' })).statusCode).toBe(200);
    expect((await unbuilt.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
