// The shop against a real `clew serve`: drive one request at a time (no load generator) and check, through Clew's
// Jaeger API, that each trace has the shape the demo promises — the fan-out, the N+1, the slow query, the retried
// payments and the queue step — with every hop from a client span into the next service's server span.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess } from '@clew/testing/clew-process';
import type { Demo } from './start-demo.js';
import { startDemo } from './start-demo.js';
import type { JaegerSpan, TraceShape } from './testing/trace-shape.js';
import { otlpSpan, traceIdOf, traceWhen } from './testing/trace-shape.js';

const clew = useClewProcess();
let demo: Demo;

beforeAll(async () => {
  demo = await startDemo({
    otlpEndpoint: clew().otlpHttp.replace(/\/v1\/traces$/, ''),
    rate: 0,
    paymentFailureRate: 0.7,
    paymentAttempts: 3,
    exportDelayMs: 200,
  });
}, 120_000);
afterAll(() => demo?.stop(), 60_000);

async function shop(method: string, path: string, body?: unknown): Promise<{ status: number; traceId: string; body: any }> {
  const res = await fetch(demo.urls.frontend + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, traceId: traceIdOf(res), body: text ? JSON.parse(text) : undefined };
}

const end = (s: JaegerSpan) => s.startTime + s.duration;
/**
 * Whether `b` started after `a` ended. The SDK stamps span starts to the millisecond and durations finer, so a start
 * may read up to 1 ms early.
 */
const startsAfter = (b: JaegerSpan, a: JaegerSpan) => b.startTime + 1000 >= end(a);

/** Every server span outside the frontend is entered from a client span of another service. */
function expectEveryHopLinked(t: TraceShape) {
  for (const s of t.find({ kind: 'server' })) {
    if (t.service(s) === 'frontend') continue;
    const parent = t.parent(s);
    expect(parent, `${t.service(s)} ${s.operationName} has its caller's span as parent`).toBeDefined();
    expect(t.kind(parent!)).toBe('client');
    expect(t.service(parent!)).not.toBe(t.service(s));
  }
}

describe('the demo shop, traced into Clew', () => {
  it('the home page fans out to catalog, cart and inventory in parallel', async () => {
    const res = await shop('GET', '/?user=fan-out');
    expect(res.status).toBe(200);
    const t = await traceWhen(clew().query, res.traceId, (t) =>
      ['catalog', 'cart', 'inventory'].every((s) => t.callsInto(s).length > 0) && t.callsInto('catalog').length === 2,
    );
    const [root, ...others] = t.roots();
    expect(others).toEqual([]);
    expect(t.service(root!)).toBe('frontend');
    expect(t.kind(root!)).toBe('server');
    // Named after its route, as the walkthrough says, though it was asked for with a query string.
    expect(root!.operationName).toBe('GET /');

    const hops = ['catalog', 'cart', 'inventory'].flatMap((s) => t.callsInto(s));
    expect(hops.map((h) => t.service(h.client))).toEqual(['frontend', 'frontend', 'frontend', 'frontend']);
    // Siblings under one parent, and all under way at once: the last to start began before the first to end ended.
    expect(new Set(hops.map((h) => t.parent(h.client)!.spanID)).size).toBe(1);
    const clients = hops.map((h) => h.client);
    expect(Math.max(...clients.map((c) => c.startTime))).toBeLessThan(Math.min(...clients.map(end)));
    expectEveryHopLinked(t);
  });

  it('reading a cart calls the catalog once per item: the N+1 pattern', async () => {
    const products = [3, 14, 27, 58, 91];
    for (const productId of products) expect((await shop('POST', '/cart/n-plus-one/items', { productId })).status).toBe(201);
    const res = await shop('GET', '/cart/n-plus-one');
    expect(res.status).toBe(200);
    expect(res.body.lines.map((l: { productId: number }) => l.productId)).toEqual(products);

    const t = await traceWhen(clew().query, res.traceId, (t) => t.callsInto('catalog').length === products.length);
    const hops = t.callsInto('catalog');
    expect(hops.every((h) => t.service(h.client) === 'cart')).toBe(true);
    expect(hops.map((h) => t.tag(h.server, 'url.path'))).toEqual(products.map((id) => `/products/${id}`));
    expect(hops.every((h) => h.server.operationName === 'GET /products/:id')).toBe(true);
    // Under each of catalog's server spans, @fastify/otel's request span and the handler named after its function.
    for (const h of hops) {
      const [request, ...others] = t.children(h.server);
      expect(others).toEqual([]);
      expect(request!.operationName).toBe('request');
      expect(t.children(request!).map((s) => s.operationName)).toEqual(['handler - productById']);
    }
    // Repeated siblings under the span that prices the cart, one after the other.
    const parents = new Set(hops.map((h) => t.parent(h.client)!));
    expect(parents.size).toBe(1);
    const [pricing] = parents;
    expect(pricing!.operationName).toBe('price-cart');
    expect(t.tag(pricing!, 'cart.items')).toBe(products.length);
    for (let i = 1; i < hops.length; i++) expect(startsAfter(hops[i]!.client, hops[i - 1]!.client)).toBe(true);
    expectEveryHopLinked(t);
  });

  it('a search no product name answers runs the slow query: the longest database span on its path', async () => {
    const res = await shop('GET', '/search?q=waterproof');
    expect(res.status).toBe(200);
    expect(res.body.hits.length).toBeGreaterThan(0);
    const dbSpans = (t: TraceShape) => t.spans.filter((s) => t.tag(s, 'db.system') === 'duckdb');
    const t = await traceWhen(clew().query, res.traceId, (t) => dbSpans(t).length === 3);
    for (const s of dbSpans(t)) {
      expect(t.service(s)).toBe('catalog');
      expect(t.kind(s)).toBe('client');
      expect(t.tag(s, 'db.system.name')).toBe('duckdb');
      expect(t.tag(s, 'db.namespace')).toBe('catalog');
      expect(t.tag(s, 'db.operation.name')).toBe('SELECT');
      expect(t.tag(s, 'db.query.text')).toMatch(/^SELECT /);
      expect(t.tag(s, 'db.statement')).toBe(t.tag(s, 'db.query.text'));
    }
    const [slowest, ...others] = dbSpans(t).sort((a, b) => b.duration - a.duration);
    expect(slowest!.operationName).toBe('SELECT reviews');
    expect(t.tag(slowest!, 'db.query.text')).toContain('jaro_winkler_similarity');
    // The product names were looked in first, and the facets of what was found after.
    expect(others.map((s) => s.operationName).sort()).toEqual(['SELECT categories', 'SELECT products']);
    // Found the way the README says: catalog's traces of the search operation.
    const search = await getJson<{ data: Array<{ traceID: string }> }>(
      `${clew().query}/api/traces?service=catalog&operation=${encodeURIComponent('GET /search')}&limit=100`,
    );
    expect(search.body.data.map((t) => t.traceID)).toContain(res.traceId);
    expectEveryHopLinked(t);

    // A product's name answers the search without the reviews.
    const named = await shop('GET', '/search?q=kettle');
    expect(named.status).toBe(200);
    expect(named.body.hits.map((h: { name: string }) => h.name)).toEqual(expect.arrayContaining(['Cozy Kettle']));
    const quick = await traceWhen(clew().query, named.traceId, (t) => dbSpans(t).length === 2);
    expect(dbSpans(quick).map((s) => s.operationName).sort()).toEqual(['SELECT categories', 'SELECT products']);
  });

  it('payment 503s are retried with backoff: failed attempts, then a success or a final failure', async () => {
    const seen = { retriedSuccess: 0, finalFailure: 0 };
    const withErrors: string[] = [];
    const withoutErrors: string[] = [];
    for (let i = 0; i < 40 && (seen.retriedSuccess === 0 || seen.finalFailure === 0); i++) {
      const user = `payer-${i}`;
      expect((await shop('POST', `/cart/${user}/items`, { productId: 1 + i })).status).toBe(201);
      const res = await shop('POST', `/checkout/${user}`);
      expect([201, 502]).toContain(res.status);
      const charge = (t: TraceShape) => t.find({ service: 'checkout', name: 'charge-payment' })[0];
      const t = await traceWhen(clew().query, res.traceId, (t) => {
        const c = charge(t);
        return c !== undefined && t.callsInto('payment').length === t.tag(c, 'payment.attempts') && t.find({ service: 'frontend', kind: 'server' }).length === 1;
      });
      const c = charge(t)!;
      const attempts = t.callsInto('payment');
      const retries = c.logs.filter((l) => l.fields.some((f) => f.key === 'event' && f.value === 'retry'));
      expect(retries.length).toBe(attempts.length - 1);
      // Every attempt a sibling under charge-payment, each after the one before and its backoff.
      expect(attempts.every((a) => t.parent(a.client) === c)).toBe(true);
      for (let k = 1; k < attempts.length; k++) expect(startsAfter(attempts[k]!.client, attempts[k - 1]!.client)).toBe(true);
      const failed = attempts.slice(0, -1);
      for (const a of failed) {
        expect(t.tag(a.client, 'http.response.status_code')).toBe(503);
        expect(t.isError(a.client)).toBe(true);
        expect(t.isError(a.server)).toBe(true);
      }
      (attempts.length > 1 ? withErrors : withoutErrors).push(res.traceId);
      const last = attempts[attempts.length - 1]!;
      if (res.status === 201) {
        expect(t.tag(last.client, 'http.response.status_code')).toBe(201);
        expect(t.isError(last.client)).toBe(false);
        expect(t.isError(c)).toBe(false);
        if (attempts.length > 1) seen.retriedSuccess++;
      } else {
        expect(attempts.length).toBe(3);
        expect(t.tag(last.client, 'http.response.status_code')).toBe(503);
        expect(t.isError(c)).toBe(true);
        expect(t.isError(t.find({ service: 'frontend', kind: 'server' })[0]!)).toBe(true);
        // The stock reserved for the order is released again.
        expect(t.callsInto('inventory').map((h) => t.tag(h.client, 'http.request.method'))).toEqual(['POST', 'DELETE']);
        seen.finalFailure++;
      }
      expectEveryHopLinked(t);
    }
    expect(seen.retriedSuccess).toBeGreaterThan(0);
    expect(seen.finalFailure).toBeGreaterThan(0);

    // What the README has a user do: search checkout's traces for errors, and find exactly the ones that retried.
    const search = await getJson<{ data: Array<{ traceID: string }> }>(
      `${clew().query}/api/traces?service=checkout&tags=${encodeURIComponent('{"error":"true"}')}&limit=200`,
    );
    const found = new Set(search.body.data.map((t) => t.traceID));
    expect(withErrors.filter((id) => !found.has(id))).toEqual([]);
    expect(withoutErrors.filter((id) => found.has(id))).toEqual([]);
  });

  it('order.placed is consumed later by shipping, in the same trace, linked to the producer', async () => {
    let res: Awaited<ReturnType<typeof shop>>;
    let i = 0;
    do {
      expect((await shop('POST', `/cart/queue-${i}/items`, { productId: 7 })).status).toBe(201);
      res = await shop('POST', `/checkout/queue-${i++}`);
    } while (res.status === 502 && i < 20);
    expect(res.status).toBe(201);

    const t = await traceWhen(clew().query, res.traceId, (t) => t.callsInto('inventory').length === 2);
    const [producer, ...moreProducers] = t.find({ kind: 'producer' });
    expect(moreProducers).toEqual([]);
    expect(t.service(producer!)).toBe('checkout');
    expect(producer!.operationName).toBe('send order.placed');
    expect(t.tag(producer!, 'messaging.destination.name')).toBe('order.placed');

    const [consumer, ...moreConsumers] = t.find({ kind: 'consumer' });
    expect(moreConsumers).toEqual([]);
    expect(t.service(consumer!)).toBe('shipping');
    expect(consumer!.operationName).toBe('process order.placed');
    // Jaeger shows the consumer under the producer by one FOLLOWS_FROM reference; OTLP keeps both the parent and the link.
    expect(t.parent(consumer!)).toBe(producer);
    expect(t.links(consumer!)).toEqual([producer!.spanID]);
    const otlp = await otlpSpan(clew().query, res.traceId, consumer!.spanID);
    expect(otlp?.parentSpanId).toBe(producer!.spanID);
    expect(otlp?.links?.map((l) => [l.traceId, l.spanId])).toEqual([[res.traceId, producer!.spanID]]);
    expect(t.tag(consumer!, 'messaging.message.id')).toBe(t.tag(producer!, 'messaging.message.id'));
    expect(t.tag(consumer!, 'order.id')).toBe(res.body.orderId);

    // The worker's own call, made from the consumer span, joins the same trace in inventory.
    const commit = t.callsInto('inventory').find((h) => t.service(h.client) === 'shipping');
    expect(commit).toBeDefined();
    expect(t.parent(commit!.client)).toBe(consumer);
    expectEveryHopLinked(t);
  });
});
