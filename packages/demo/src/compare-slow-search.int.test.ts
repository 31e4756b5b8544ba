// "What is different about the slow requests", against a real `clew serve` fed by the real shop: searches and product
// pages are driven one at a time; a search for a term no product name has falls back to scanning the reviews. The
// catalog's latency heatmaps show two clusters (the reviews scan against indexed lookups), and comparing the slow
// cluster with the rest ranks the slow query's attributes first: among the database calls, and among the catalog's
// GET /search requests counted with what each called.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess } from '@clew/testing/clew-process';
import type { Demo } from './start-demo.js';
import { startDemo } from './start-demo.js';
import { traceIdOf, traceWhen } from './testing/trace-shape.js';

const clew = useClewProcess();
let demo: Demo;
const started = Date.now();
/** Terms a product's name has (answered from the names) and terms none has (the reviews scan). */
const NAMED = ['tent', 'jacket'];
const FUZZY = ['waterproof', 'lantren', 'stove', 'boots'];
const SEARCHES = ['waterproof', 'tent', 'lantren', 'stove', 'jacket', 'boots'];
const PRODUCTS = [3, 14, 27, 58, 91, 42];

/** The parts of the native API's answers (@clew/api's HeatmapResponse and AttributeCompareResponse) read here. */
interface HeatmapResponse {
  total: number;
  cells: Array<{ t: number; d: number; count: number }>;
  durationBuckets: Array<{ d: number; minNanos: number }>;
}
interface ComparedValue {
  key: string;
  value: string | null;
  selectionPercent: number;
  baselinePercent: number;
  difference: number;
  filter: { param: string; value: string } | null;
}
interface AttributeCompareResponse {
  selection: { spans: number; counted: number };
  baseline: { spans: number; counted: number };
  sampled: boolean;
  descendants: boolean;
  values: ComparedValue[];
}

beforeAll(async () => {
  demo = await startDemo({ otlpEndpoint: clew().otlpHttp.replace(/\/v1\/traces$/, ''), rate: 0, exportDelayMs: 200 });
  // One at a time, searches and product pages interleaved, each waited for until its catalog spans are in Clew.
  for (let k = 0; k < SEARCHES.length; k++) {
    for (const [path, last] of [
      [`/search?q=${SEARCHES[k]}`, 'SELECT categories'],
      [`/product/${PRODUCTS[k]}`, 'SELECT products'],
    ] as const) {
      const res = await fetch(demo.urls.frontend + path);
      await res.text();
      expect(res.status).toBe(200);
      await traceWhen(clew().query, traceIdOf(res), (t) => t.spans.some((s) => s.operationName === last));
    }
  }
}, 180_000);
afterAll(() => demo?.stop(), 60_000);

const window = () => `start=${started - 60_000}&end=${Date.now() + 60_000}`;

/**
 * The lower bound of the duration bucket after the widest empty stretch of the heatmap's duration axis: the split
 * between a fast and a slow cluster, as a user brushing the heatmap would draw it.
 */
function slowBandStart(map: HeatmapResponse): number {
  const occupied = [...new Set(map.cells.map((c) => c.d))].sort((a, b) => a - b);
  let at = 1;
  for (let i = 1; i < occupied.length; i++) if (occupied[i]! - occupied[i - 1]! > occupied[at]! - occupied[at - 1]!) at = i;
  return map.durationBuckets.find((b) => b.d === occupied[at])!.minNanos;
}

describe("comparing the catalog's slow spans with its fast ones", () => {
  it("the database queries: the slow cluster is the reviews scan, and its attributes rank first", async () => {
    const base = `${clew().query}/api/clew/v1/search`;
    const heat = await getJson<HeatmapResponse>(`${base}/heatmap?service=catalog&spanKind=client&${window()}`);
    expect(heat.status).toBe(200);
    // A search: its name lookup, the reviews scan when that found nothing, and its facets; a product page: one.
    expect(heat.body.total).toBe(NAMED.length * 2 + FUZZY.length * 3 + PRODUCTS.length);
    const from = slowBandStart(heat.body);
    const r = await getJson<AttributeCompareResponse>(`${base}/compare?service=catalog&spanKind=client&${window()}&selMinDuration=${from}ns`);
    expect(r.status).toBe(200);
    expect(r.body.selection.spans + r.body.baseline.spans).toBe(heat.body.total);
    expect(r.body.sampled).toBe(false);
    // Every reviews scan is in the slow cluster (on a busy machine a fast query may join it): its name and attributes
    // are on every one of them and on nothing in the baseline, the largest difference any value can have, so they
    // rank first.
    const top = r.body.values.filter((v) => v.baselinePercent === 0 && v.selectionPercent === (100 * FUZZY.length) / r.body.selection.spans);
    expect(top.map((v) => `${v.key}=${v.value}`)).toEqual(
      expect.arrayContaining(['name=SELECT reviews', 'db.collection.name=reviews', 'db.query.summary=SELECT reviews']),
    );
    expect(r.body.values.slice(0, top.length)).toEqual(top);
    const queryText = top.find((v) => v.key === 'db.query.text');
    expect(queryText?.value).toContain('jaro_winkler_similarity');
    expect(queryText?.filter).toEqual({ param: 'attr', value: `db.query.text=${queryText!.value}` });
    expect(top.find((v) => v.key === 'name')?.filter).toEqual({ param: 'operation', value: 'SELECT reviews' });
  });

  it("all the catalog's spans: the slow searches' path and their reviews scan outrank every fast one", async () => {
    const base = `${clew().query}/api/clew/v1/search`;
    const heat = await getJson<HeatmapResponse>(`${base}/heatmap?service=catalog&${window()}`);
    const from = slowBandStart(heat.body);
    const r = await getJson<AttributeCompareResponse>(`${base}/compare?service=catalog&${window()}&selMinDuration=${from}ns`);
    expect(r.status).toBe(200);
    // The reviews query's name and attributes are on none of the fast spans; above them rank only values of the slow
    // searches' own path (GET /search, its route and handler, more common among slow spans than fast ones), nothing
    // of the product pages, the name lookups or the facets query.
    const values = r.body.values.map((v) => ({ ...v, text: `${v.key}=${v.value}` }));
    const reviews = values.filter((v) => ['name=SELECT reviews', 'db.collection.name=reviews', 'db.query.summary=SELECT reviews'].includes(v.text));
    expect(reviews).toHaveLength(3);
    for (const v of reviews) expect(v.baselinePercent).toBe(0);
    expect(values.find((v) => v.key === 'db.query.text' && v.baselinePercent === 0)?.value).toContain('jaro_winkler_similarity');
    const above = values.slice(0, Math.max(...reviews.map((v) => values.indexOf(v))));
    const fast = ['GET /products/:id', 'SELECT products', 'SELECT categories', 'products', 'categories', '/products/:id'];
    expect(above.filter((v) => v.value !== null && fast.includes(v.value))).toEqual([]);
  });

  it('slow against fast catalog GET /search, with what each called: the slow query ranks first', async () => {
    const base = `${clew().query}/api/clew/v1/search`;
    const search = `service=catalog&operation=${encodeURIComponent('GET /search')}&spanKind=server&${window()}`;
    const heat = await getJson<HeatmapResponse>(`${base}/heatmap?${search}`);
    expect(heat.body.total).toBe(SEARCHES.length);
    const from = slowBandStart(heat.body);
    const r = await getJson<AttributeCompareResponse>(`${base}/compare?${search}&selMinDuration=${from}ns&descendants=true`);
    expect(r.status).toBe(200);
    expect(r.body.descendants).toBe(true);
    // Each search's spans read whole: nothing sampled.
    expect(r.body.selection.counted + r.body.baseline.counted).toBe(SEARCHES.length);
    expect(r.body.sampled).toBe(false);
    // Every search that fell back is slow (a name lookup may join them on a busy machine): the reviews query is below
    // every one of them and below none of the rest, so its name and attributes rank first.
    const top = r.body.values.filter((v) => v.baselinePercent === 0 && v.selectionPercent === (100 * FUZZY.length) / r.body.selection.counted);
    expect(r.body.values.slice(0, top.length)).toEqual(top);
    expect(top.map((v) => `${v.key}=${v.value}`)).toEqual(
      expect.arrayContaining(['name=SELECT reviews', 'db.collection.name=reviews', 'db.query.summary=SELECT reviews']),
    );
    expect(top.find((v) => v.key === 'db.query.text')?.value).toContain('jaro_winkler_similarity');
    // What every search calls (the name lookup, the facets query) is not ranked above it, nor at all.
    const text = r.body.values.map((v) => `${v.key}=${v.value}`);
    expect(text).not.toEqual(expect.arrayContaining(['name=SELECT products']));
    expect(text).not.toEqual(expect.arrayContaining(['name=SELECT categories']));
    // The query runs below the request, so it is not a condition the search of these requests can add.
    expect(top.find((v) => v.key === 'name')?.filter).toBeNull();
  });
});
