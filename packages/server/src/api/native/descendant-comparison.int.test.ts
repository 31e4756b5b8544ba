// "What is different about the slow requests" counted over what each request called: the slow search requests differ
// from the fast ones by the query their child span ran, not by any attribute of their own.
import { describe, expect, it } from 'vitest';
import { AttributeCompareResponseSchema, SEARCH_COMPARE_ROUTE } from '@clew/api';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { SpanKind, str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { descendantAttributeCounts } from './descendant-attribute-counts.js';
import { useNativeApi } from './native-api-fixture.js';

const MS = 1_000_000n;
const T0 = 1_700_000_000_000_000_000n;
const T0_MS = Number(T0 / MS);

/*
 * Ten catalog GET /search requests, one a second from T0, each with the facets query below it:
 *   i = 0..3   400 ms  search.fallback=fuzzy   → SELECT reviews   350 ms  db.collection.name=reviews (its own child: a
 *                                                 cache lookup, cache.hit=false)
 *   i = 4..9    40 ms                          → SELECT products   20 ms  db.collection.name=products
 *   every one                                  → SELECT categories  5 ms  db.collection.name=categories
 */
function fixture(): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < 10; i++) {
    const slow = i < 4;
    const db = (name: string, at: number, ms: number, collection: string, children = []) => ({
      service: 'catalog',
      name,
      at,
      ms,
      kind: SpanKind.CLIENT,
      attributes: [{ key: 'db.collection.name', value: str(collection) }],
      children,
    });
    const query = slow
      ? { ...db('SELECT reviews', 2, 350, 'reviews'), children: [{ service: 'catalog', name: 'cache get', at: 3, ms: 1, attributes: [{ key: 'cache.hit', value: str('false') }] }] }
      : db('SELECT products', 2, 20, 'products');
    spans.push(
      ...makeTrace(
        (T0 + BigInt(i) * 1000n * MS) as UnixNanos,
        {
          service: 'catalog',
          name: 'GET /search',
          at: 0,
          ms: slow ? 400 : 40,
          kind: SpanKind.SERVER,
          attributes: [{ key: 'http.route', value: str('/search') }, ...(slow ? [{ key: 'search.fallback', value: str('fuzzy') }] : [])],
          children: [query, db('SELECT categories', slow ? 360 : 30, 5, 'categories')],
        },
        i.toString(16).padStart(32, 'd') as TraceId,
      ),
    );
  }
  return spans;
}

const api = useNativeApi(() => fixture(), T0 as UnixNanos, { listen: true });

const query = `service=catalog&operation=${encodeURIComponent('GET /search')}&spanKind=server&start=${T0_MS}&end=${T0_MS + 20_000}&selMinDuration=200ms`;
const compare = async (extra: string) => {
  const res = await fetch(`${api().base}${SEARCH_COMPARE_ROUTE}?${query}${extra}`);
  expect(res.status).toBe(200);
  return AttributeCompareResponseSchema.parse(await res.json());
};
const text = (v: { key: string; value: string | null }) => `${v.key}=${v.value}`;

describe('GET /search/compare with descendants=true', () => {
  it("ranks what the slow requests called first: the slow query's name and attributes, and what ran below it", async () => {
    const r = await compare('&descendants=true');
    expect(r.descendants).toBe(true);
    expect(r.selection).toEqual({ spans: 4, counted: 4, marginPercent: 0 });
    expect(r.baseline).toEqual({ spans: 6, counted: 6, marginPercent: 0 });
    expect(r.sampled).toBe(false);
    // Every value only the slow requests have, at 100% against 0%: their own, their query's and its child's.
    const top = r.values.filter((v) => v.selectionPercent === 100 && v.baselinePercent === 0);
    expect(r.values.slice(0, top.length)).toEqual(top);
    expect(top.map(text).sort()).toEqual(
      ['cache.hit=false', 'db.collection.name=reviews', 'kind=internal', 'name=SELECT reviews', 'name=cache get', 'search.fallback=fuzzy'].sort(),
    );
    // What every request called (the facets query) and the request's own route are on both sides: not ranked.
    expect(r.values.map(text)).not.toEqual(expect.arrayContaining(['name=SELECT categories']));
    expect(r.values.map(text)).not.toEqual(expect.arrayContaining(['http.route=/search']));
    // A click adds a value to the search only when the request span itself carries it.
    expect(top.find((v) => v.key === 'search.fallback')?.filter).toEqual({ param: 'attr', value: 'search.fallback=fuzzy' });
    expect(top.find((v) => v.key === 'db.collection.name')?.filter).toBeNull();
    expect(top.find((v) => v.key === 'name')?.filter).toBeNull();
  });

  it('without it, counts the request spans alone: the query they called is not in the answer', async () => {
    const r = await compare('');
    expect(r.descendants).toBe(false);
    expect(r.selection).toMatchObject({ spans: 4, counted: 4 });
    expect(r.values.map(text)).toEqual(['search.fallback=fuzzy']);
  });

  it('reads a uniform sample of each side when there are more traces than it reads, and says so', async () => {
    const filter = { service: 'catalog', operation: 'GET /search', start: T0 as UnixNanos, end: (T0 + 20_000n * MS) as UnixNanos };
    const r = await descendantAttributeCounts(api().store, filter, { minDuration: 200n * MS }, 10, 2);
    expect(r.sampled).toBe(true);
    expect(r.selection).toMatchObject({ spans: 4, counted: 2 });
    expect(r.selection.marginPercent).toBeGreaterThan(0);
    // The baseline draws 4 of the 10 traces (2 × 10 / 6, rounded up) and counts the fast requests among them.
    const drawn = await api().store.tracePoints({ ...filter, limit: 1 }, 4);
    const fast = drawn.points.filter((p) => parseInt(p.traceId.slice(-1), 16) >= 4).length;
    expect(r.baseline).toMatchObject({ spans: 6, counted: fast });
    const collections = r.keys.find((k) => k.scope === 'span' && k.key === 'db.collection.name')!.values;
    expect(collections.find((v) => v.value === 'reviews')).toEqual({ value: 'reviews', selection: 2, baseline: 0 });
    expect(collections.find((v) => v.value === 'categories')).toEqual({ value: 'categories', selection: 2, baseline: r.baseline.counted });
  });
});
