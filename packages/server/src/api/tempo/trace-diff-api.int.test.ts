import type { TraceId, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { tempoApi } from './index.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const T = (NOW - 60_000_000_000n) as UnixNanos;
const A = 'aaaa0000000000000000000000000001' as TraceId;
const B = 'bbbb0000000000000000000000000002' as TraceId;
const lookup = (at: number) => ({ service: 'shop', name: 'GET /products/:id', at, ms: 2 });
const traceA = makeTrace(T, { service: 'frontend', name: 'POST /checkout', at: 0, ms: 10, children: [lookup(1), lookup(4)] }, A);
const traceB = makeTrace(T, { service: 'frontend', name: 'POST /checkout', at: 0, ms: 10, children: [lookup(1), lookup(4), lookup(7)] }, B);

let dir: string;
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-tempo-diff-'));
  store = await openDuckDBStore({ dir, now: () => NOW, checkpointIntervalMs: 0 });
  await store.append([...traceA, ...traceB]);
  app = Fastify();
  await app.register(tempoApi, { store, catalogs: new AttributeCatalogs() });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.inject({ method: 'POST', url: '/api/v2/traces/diff', payload, headers });

describe('POST /api/v2/traces/diff', () => {
  it('answers trace-patch-v0 by default, as Tempo\'s integration test asks it (base and compare by traceId)', async () => {
    const res = await post(`{"base":{"traceId":"${A}"},"compare":{"traceId":"${B}"}}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ version: 'trace-patch-v0', base: { traceId: A, spanCount: 3 }, compare: { traceId: B, spanCount: 4 } });
    expect(body.stats).toMatchObject({ matchedSpans: 3, addedSpans: 1, removedSpans: 0 });
    expect(body.added).toEqual([
      { target: { type: 'span', parentPath: [0], index: 2 }, span: { path: [0, 2], service: 'shop', name: 'GET /products/:id', kind: 'internal', duration_nanos: 2_000_000, status: 'unset' } },
    ]);
  });

  it('answers the summary and composed formats, whatever the content type', async () => {
    const native = JSON.parse((await post(`{"base":{"traceId":"${A}"},"compare":{"traceId":"${B}"},"format":"trace-summary-v0-native"}`, { 'content-type': 'text/plain' })).body);
    expect(native).toMatchObject({ version: 'trace-summary-v0-native', changedServices: ['shop'], stats: { spanCountDelta: 1, addedSpans: 1 } });
    const composed = JSON.parse((await post(`{"base":{"traceId":"${A}","start":1,"end":2},"compare":{"traceId":"${B}"},"format":"trace-summary-v0-composed"}`)).body);
    expect(composed.version).toBe('trace-summary-v0-composed');
    expect(composed.summary).toEqual(native);
    expect(composed.patch.version).toBe('trace-patch-v0');
  });

  it('answers 400 with Tempo\'s text, 404 "Not Found" for a missing trace, 405 for GET', async () => {
    const bad = await post('{"base":{"traceId":""}}');
    expect([bad.statusCode, bad.body]).toEqual([400, 'base.traceId is required']);
    const empty = await app.inject({ method: 'POST', url: '/api/v2/traces/diff' });
    expect([empty.statusCode, empty.body]).toEqual([400, 'invalid trace diff request body: EOF']);
    const missing = await post(`{"base":{"traceId":"${A}"},"compare":{"traceId":"cc"}}`);
    expect([missing.statusCode, missing.body]).toEqual([404, 'Not Found']);
    const get = await app.inject({ method: 'GET', url: '/api/v2/traces/diff' });
    expect([get.statusCode, get.body]).toEqual([405, 'Method Not Allowed']);
  });
});
