// "What is different about the slow requests", against a real `clew serve` fed by the real shop: searches and product
// pages are driven one at a time, the catalog's latency heatmap shows two clusters (the reviews scan against indexed
// lookups), and comparing the slow cluster with the rest ranks the slow query's attributes first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess } from '@clew/testing/clew-process';
import type { Demo } from './start-demo.js';
import { startDemo } from './start-demo.js';
import { traceIdOf, traceWhen } from './testing/trace-shape.js';

const clew = useClewProcess();
let demo: Demo;
const started = Date.now();
const SEARCHES = ['waterproof', 'tent', 'lantren', 'stove', 'boots', 'jacket'];
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
  selection: { spans: number };
  baseline: { spans: number };
  sampled: boolean;
  values: ComparedValue[];
}

beforeAll(async () => {
  demo = await startDemo({ otlpEndpoint: clew().otlpHttp.replace(/\/v1\/traces$/, ''), rate: 0, exportDelayMs: 200 });
  // One at a time, searches and product pages interleaved, each waited for until its catalog spans are in Clew.
  for (let k = 0; k < SEARCHES.length; k++) {
    for (const [path, last] of [
      [`/search?q=${SEARCHES[k]}`, 'SELECT reviews'],
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
    expect(heat.body.total).toBe(SEARCHES.length * 2 + PRODUCTS.length);
    const from = slowBandStart(heat.body);
    const r = await getJson<AttributeCompareResponse>(`${base}/compare?service=catalog&spanKind=client&${window()}&selMinDuration=${from}ns`);
    expect(r.status).toBe(200);
    expect(r.body.selection.spans + r.body.baseline.spans).toBe(heat.body.total);
    expect(r.body.sampled).toBe(false);
    // Every search's reviews query is in the slow cluster (on a busy machine a fast query may join it): its name and
    // attributes are on every one of them and on nothing in the baseline, the largest difference any value can have,
    // so they rank first.
    const top = r.body.values.filter((v) => v.baselinePercent === 0 && v.selectionPercent === (100 * SEARCHES.length) / r.body.selection.spans);
    expect(top.map((v) => `${v.key}=${v.value}`)).toEqual(
      expect.arrayContaining(['name=SELECT reviews', 'db.collection.name=reviews', 'db.query.summary=SELECT reviews']),
    );
    expect(r.body.values.slice(0, top.length)).toEqual(top);
    const queryText = top.find((v) => v.key === 'db.query.text');
    expect(queryText?.value).toContain('jaro_winkler_similarity');
    expect(queryText?.filter).toEqual({ param: 'attr', value: `db.query.text=${queryText!.value}` });
    expect(top.find((v) => v.key === 'name')?.filter).toEqual({ param: 'operation', value: 'SELECT reviews' });
  });

  it("all the catalog's spans: the slow search's path outranks every fast one", async () => {
    const base = `${clew().query}/api/clew/v1/search`;
    const heat = await getJson<HeatmapResponse>(`${base}/heatmap?service=catalog&${window()}`);
    const from = slowBandStart(heat.body);
    const r = await getJson<AttributeCompareResponse>(`${base}/compare?service=catalog&${window()}&selMinDuration=${from}ns`);
    expect(r.status).toBe(200);
    // The values ranked first, down to the first that the fast spans share, are all the search's and its reviews
    // query's (the server span, its handler, the query): nothing of the product pages or the facets query.
    const cut = r.body.values.findIndex((v) => v.baselinePercent > 0);
    const lead = r.body.values.slice(0, cut);
    expect(lead[0]).toMatchObject({ key: 'http.route', value: '/search', baselinePercent: 0 });
    const text = lead.map((v) => `${v.key}=${v.value}`);
    expect(text).toEqual(expect.arrayContaining(['name=GET /search', 'name=SELECT reviews', 'db.collection.name=reviews', 'db.query.summary=SELECT reviews']));
    expect(lead.find((v) => v.key === 'db.query.text')?.value).toContain('jaro_winkler_similarity');
    const fast = ['GET /products/:id', 'SELECT products', 'SELECT categories', 'products', 'categories', '/products/:id'];
    expect(lead.filter((v) => v.value !== null && fast.includes(v.value))).toEqual([]);
  });
});
