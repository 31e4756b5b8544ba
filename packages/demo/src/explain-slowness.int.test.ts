// The demo's faults as the "explain the slowness" routes name them, against a real `clew serve`: the aggregate critical
// path of frontend GET /search puts the catalog's reviews query on top, and a cart read is flagged N+1 on the catalog's
// GET /products/:id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess } from '@clew/testing/clew-process';
import type { Demo } from './start-demo.js';
import { startDemo } from './start-demo.js';
import { traceIdOf, traceWhen } from './testing/trace-shape.js';

const clew = useClewProcess();
let demo: Demo;
const started = Date.now();

beforeAll(async () => {
  demo = await startDemo({ otlpEndpoint: clew().otlpHttp.replace(/\/v1\/traces$/, ''), rate: 0, exportDelayMs: 200 });
}, 120_000);
afterAll(() => demo?.stop(), 60_000);

async function shop(method: string, path: string, body?: unknown): Promise<{ status: number; traceId: string }> {
  const res = await fetch(demo.urls.frontend + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.text();
  return { status: res.status, traceId: traceIdOf(res) };
}

describe('explaining the demo\'s slowness', () => {
  it('the aggregate critical path of frontend GET /search has SELECT reviews on top', async () => {
    const ids: string[] = [];
    // Terms no product name has: each search falls back to the reviews.
    for (const q of ['waterproof', 'battery', 'lantren', 'stove', 'boots']) {
      const res = await shop('GET', `/search?q=${q}`);
      expect(res.status).toBe(200);
      ids.push(res.traceId);
    }
    for (const id of ids) await traceWhen(clew().query, id, (t) => t.spans.some((s) => s.operationName === 'SELECT reviews'));
    const url = `${clew().query}/api/clew/v1/critical-path?service=frontend&operation=${encodeURIComponent('GET /search')}&from=${started - 60_000}&to=${Date.now() + 60_000}`;
    const r = await getJson<{ used: number; operations: Array<{ service: string; name: string; share: number }> }>(url);
    expect(r.status).toBe(200);
    expect(r.body.used).toBe(ids.length);
    // On top, as the issue asks. How large its share is depends on the machine's load (every span's time is wall
    // time, and the other work on the path stretches under load too): 0.47 on a busy CI run, most of it on a quiet one.
    expect(r.body.operations[0]).toMatchObject({ service: 'catalog', name: 'SELECT reviews' });
    expect(r.body.operations[0]!.share).toBeGreaterThan(r.body.operations[1]!.share);
  });

  it('a cart of five items is flagged N+1 on the catalog\'s GET /products/:id', async () => {
    for (const productId of [3, 14, 27, 58, 91]) expect((await shop('POST', '/cart/explain/items', { productId })).status).toBe(201);
    const res = await shop('GET', '/cart/explain');
    expect(res.status).toBe(200);
    await traceWhen(clew().query, res.traceId, (t) => t.callsInto('catalog').length === 5);
    const r = await getJson<{ nPlusOne: Array<{ service: string; count: number; callee?: { service: string; name: string } }> }>(
      `${clew().query}/api/clew/v1/traces/${res.traceId}/patterns`,
    );
    expect(r.status).toBe(200);
    expect(r.body.nPlusOne).toHaveLength(1);
    expect(r.body.nPlusOne[0]).toMatchObject({ service: 'cart', count: 5, callee: { service: 'catalog', name: 'GET /products/:id' } });
  });
});
