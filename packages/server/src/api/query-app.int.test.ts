import type { UnixNanos } from '@clew/model';
import { openDuckDBStore } from '@clew/storage';
import type { Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace } from '@clew/model/testing';
import { createMetrics } from '../observability/metrics.js';
import { WriteAheadLog } from '../wal/wal.js';
import { AttributeCatalogs } from './native/attribute-catalogs.js';
import { queryApp } from './query-app.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const INDEX = '<!doctype html><div id="root"></div>';
const MAP = '{"version":3,"sources":["app.tsx"],"mappings":"AAAA"}';

let dir: string;
let wal: WriteAheadLog;
const apps: FastifyInstance[] = [];
const stores: Store[] = [];

async function openStore(name: string): Promise<Store> {
  const store = await openDuckDBStore({ dir: join(dir, name), now: () => NOW, checkpointIntervalMs: 0 });
  stores.push(store);
  return store;
}

async function app(store: Store, opts: { serveSourceMaps?: boolean } = {}): Promise<FastifyInstance> {
  const a = Fastify();
  await a.register(queryApp, { store, wal, metrics: createMetrics(), catalogs: new AttributeCatalogs(), webDir: join(dir, 'web'), now: () => NOW, ...opts });
  await a.ready();
  apps.push(a);
  return a;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-query-app-'));
  wal = (await WriteAheadLog.open({ dir: join(dir, 'wal') }, 0n)).wal;
  await mkdir(join(dir, 'web', 'assets'), { recursive: true });
  await writeFile(join(dir, 'web', 'index.html'), INDEX);
  await writeFile(join(dir, 'web', 'assets', 'app-1234.js'), 'console.log(1)');
  await writeFile(join(dir, 'web', 'assets', 'app-1234.js.map'), MAP);
});

afterAll(async () => {
  for (const a of apps) await a.close();
  for (const s of stores) await s.close();
  await wal?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('/health', () => {
  it('says ok while the store answers reads', async () => {
    const store = await openStore('healthy');
    await store.append(makeTrace(NOW, { service: 'cart', name: 'GET /cart', at: 0, ms: 5 }));
    const res = await (await app(store)).inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 with the reason once the store cannot be read', async () => {
    const store = await openStore('closed');
    await store.append(makeTrace(NOW, { service: 'cart', name: 'GET /cart', at: 0, ms: 5 }));
    const a = await app(store);
    await store.close();
    const res = await a.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', reason: 'store unreadable: the DuckDB store is closed' });
  });
});

describe('source maps', () => {
  it('are refused by default, with a JSON 404 rather than the page', async () => {
    const a = await app(await openStore('maps-off'));
    const res = await a.inject({ method: 'GET', url: '/assets/app-1234.js.map' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).not.toContain('<div id="root">');
    expect((await a.inject({ method: 'GET', url: '/assets/app-1234.js' })).statusCode).toBe(200);
  });

  it('are served when asked for (ui.serveSourceMaps)', async () => {
    const res = await (await app(await openStore('maps-on'), { serveSourceMaps: true })).inject({ method: 'GET', url: '/assets/app-1234.js.map' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(MAP);
  });
});

describe("Zipkin's API asked of the query port", () => {
  it.each(['/zipkin/api/v2/services', '/zipkin/api', '/zipkin/api/v2/traces?serviceName=a'])('%s is a JSON 404 that says where the API is', async (url) => {
    const res = await (await app(await openStore(`zipkin-${apps.length}`))).inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().message).toContain("Zipkin's API is served on Clew's Zipkin port");
  });

  it('leaves Zipkin UI pages (/zipkin/…) to the UI, as any other deep link', async () => {
    const res = await (await app(await openStore('zipkin-page'))).inject({ method: 'GET', url: '/zipkin/traces' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
  });
});
