// Trace comparison over the real demo: a cart of 2 items and one of 8, read through the shop, compared by Clew's
// native API. The cart prices each item with its own catalog call (the N+1 pattern), so B has 6 more of them.
import type { ComparisonNode } from '@clew/api';
import { ApiTraceSchema, comparePath, TraceComparisonSchema, tracePath } from '@clew/api';
import { getJson, useClewProcess } from '@clew/testing/clew-process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from './start-demo.js';
import { startDemo } from './start-demo.js';
import { traceIdOf, traceWhen } from './testing/trace-shape.js';

const clew = useClewProcess();
let demo: Demo;

beforeAll(async () => {
  demo = await startDemo({ otlpEndpoint: clew().otlpHttp.replace(/\/v1\/traces$/, ''), rate: 0, exportDelayMs: 200 });
}, 120_000);
afterAll(() => demo?.stop(), 60_000);

/** Fills `user`'s cart with `items` products, reads it, and gives the trace id of the read once Clew holds it whole. */
async function cartRead(user: string, items: number): Promise<string> {
  for (let productId = 1; productId <= items; productId++) {
    const res = await fetch(`${demo.urls.frontend}/cart/${user}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ productId }) });
    expect(res.status).toBe(201);
  }
  const res = await fetch(`${demo.urls.frontend}/cart/${user}`);
  expect(res.status).toBe(200);
  const traceId = traceIdOf(res);
  await traceWhen(clew().query, traceId, (t) => t.callsInto('catalog').length === items);
  return traceId;
}

/** The summed durations of a trace's catalog `GET /products/:id` spans, read from the trace itself. */
async function lookupNanos(traceId: string): Promise<number> {
  const t = ApiTraceSchema.parse((await getJson<unknown>(`${clew().query}${tracePath(traceId)}`)).body);
  const lookups = t.spans.filter((s) => t.resources[s.resource]!.serviceName === 'catalog' && s.name === 'GET /products/:id');
  return lookups.reduce((n, s) => n + Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)), 0);
}

describe('comparing two cart reads of the demo', () => {
  it('a cart with 8 items shows 6 more GET /products/:id calls than one with 2', async () => {
    const a = await cartRead('two-items', 2);
    const b = await cartRead('eight-items', 8);
    const res = await getJson<unknown>(`${clew().query}${comparePath(a, b)}`);
    expect(res.status).toBe(200);
    const diff = TraceComparisonSchema.parse(res.body);
    const path = (n: ComparisonNode): string[] => {
      const out = [];
      for (let at: ComparisonNode | undefined = n; at; at = diff.nodes[at.parent]) out.unshift(`${at.service} ${at.name}`);
      return out;
    };
    // The catalog's server spans, one per item, each under the cart's client call inside price-cart.
    const lookups = diff.nodes.filter((n) => n.service === 'catalog' && n.name === 'GET /products/:id');
    expect(lookups).toHaveLength(1);
    const [lookup] = lookups;
    expect([lookup!.a.count, lookup!.b.count, lookup!.b.count - lookup!.a.count]).toEqual([2, 8, 6]);
    expect(lookup!.presence).toBe('both');
    expect(path(lookup!)).toContain('cart price-cart');
    // Everything under each lookup comes 6 times more too; everything outside price-cart comes as often in both.
    const under = (n: ComparisonNode): boolean => n.id === lookup!.id || (n.parent >= 0 && under(diff.nodes[n.parent]!));
    for (const n of diff.nodes) {
      if (under(n)) expect(n.b.count - n.a.count, path(n).join(' > ')).toBe(6);
      else if (!path(n).includes('cart price-cart') || n.name === 'price-cart') expect(n.b.count, path(n).join(' > ')).toBe(n.a.count);
    }
    expect(diff.b.spanCount).toBeGreaterThan(diff.a.spanCount);
    // Each side's time is its own trace's: the sum of its lookups' durations (which of the two is longer depends on
    // the machine's load, not on the comparison).
    expect([lookup!.a.totalNanos, lookup!.b.totalNanos]).toEqual([await lookupNanos(a), await lookupNanos(b)]);
  });
});
