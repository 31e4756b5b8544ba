import { describe, expect, it } from 'vitest';
import { ApiErrorBodySchema, AttributeCompareResponseSchema, HeatmapResponseSchema, SEARCH_COMPARE_ROUTE, SEARCH_HEATMAP_ROUTE } from '@clew/api';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { heatmapDurationBucket } from '@clew/storage';
import { useNativeApi } from './native-api-fixture.js';

const MS = 1_000_000n;
const T0 = 1_700_000_000_000_000_000n;
const T0_MS = Number(T0 / MS);

/*
 * One catalog span per trace, one every second from T0:
 *   i = 0..9    GET /search        500 ms  http.route=/search        user.id=u<i>   (i = 0, 1: ERROR)
 *   i = 10..39  GET /products/:id   10 ms  http.route=/products/:id  user.id=u<i>
 * Every user id is different: an id, not a dimension.
 */
function fixture(): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < 40; i++) {
    const search = i < 10;
    const id = i.toString(16).padStart(32, '0') as TraceId;
    spans.push(
      ...makeTrace((T0 + BigInt(i) * 1000n * MS) as UnixNanos, {
        service: 'catalog',
        name: search ? 'GET /search' : 'GET /products/:id',
        at: 0,
        ms: search ? 500 : 10,
        error: i < 2,
        attributes: [
          { key: 'http.route', value: str(search ? '/search' : '/products/:id') },
          { key: 'user.id', value: str(`u${i}`) },
        ],
      }, id),
    );
  }
  return spans;
}

const api = useNativeApi(() => fixture(), T0 as UnixNanos, { listen: true });

const window = `start=${T0_MS}&end=${T0_MS + 40_000}`;
const get = async (path: string) => {
  const res = await fetch(api().base + path);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('GET /search/heatmap', () => {
  it('counts every matching span per time and duration bucket, with errors and the buckets bounds', async () => {
    const { status, body } = await get(`${SEARCH_HEATMAP_ROUTE}?service=catalog&start=${T0_MS}&end=${T0_MS + 39_999}&buckets=4`);
    expect(status).toBe(200);
    const map = HeatmapResponseSchema.parse(body);
    const slow = heatmapDurationBucket(500n * MS);
    const fast = heatmapDurationBucket(10n * MS);
    // 39,999 ms and 1 ns (both ends count) in 4 buckets, rounded up to whole nanoseconds.
    expect(map.stepNanos).toBe('9999750001');
    expect(map.cells).toEqual([
      { t: 0, d: slow, count: 10, errors: 2 },
      { t: 1, d: fast, count: 10, errors: 0 },
      { t: 2, d: fast, count: 10, errors: 0 },
      { t: 3, d: fast, count: 10, errors: 0 },
    ]);
    expect([map.total, map.errors, map.bucketsPerDoubling]).toEqual([40, 2, 4]);
    expect(map.durationBuckets.map((b) => b.d)).toEqual(Array.from({ length: slow - fast + 1 }, (_, i) => fast + i));
    const bounds = map.durationBuckets.find((b) => b.d === slow)!;
    expect(bounds.minNanos).toBeLessThanOrEqual(500e6);
    expect(bounds.maxNanos).toBeGreaterThan(500e6);
  });
});

describe('GET /search/compare', () => {
  it('ranks the values of a duration band against the rest, with the filter a click adds, and groups the ids', async () => {
    const { status, body } = await get(`${SEARCH_COMPARE_ROUTE}?service=catalog&${window}&selMinDuration=100ms`);
    expect(status).toBe(200);
    const r = AttributeCompareResponseSchema.parse(body);
    expect(r.selection).toEqual({ spans: 10, counted: 10, marginPercent: 0 });
    expect(r.baseline).toEqual({ spans: 30, counted: 30, marginPercent: 0 });
    expect(r.values.map((v) => [v.scope, v.key, v.value, v.selectionPercent, v.baselinePercent, v.filter])).toEqual([
      ['intrinsic', 'name', 'GET /search', 100, 0, { param: 'operation', value: 'GET /search' }],
      ['span', 'http.route', '/search', 100, 0, { param: 'attr', value: 'http.route=/search' }],
      ['intrinsic', 'status', 'error', 20, 0, { param: 'attr', value: 'error=true' }],
    ]);
    expect(r.setAside).toEqual([
      { scope: 'span', key: 'user.id', distinctValues: 40, reason: 'high-cardinality', detail: '40 distinct values, the most frequent on 2.5% of the spans with the key: values grouped into one' },
    ]);
  });

  it('compares the errors with the rest, leaving out the status they are selected by', async () => {
    const r = AttributeCompareResponseSchema.parse((await get(`${SEARCH_COMPARE_ROUTE}?service=catalog&${window}&selection=errors`)).body);
    expect([r.selection.spans, r.baseline.spans]).toEqual([2, 38]);
    expect(r.values.slice(0, 2).map((v) => [v.key, v.value, v.selectionPercent, Number(v.baselinePercent.toFixed(2))])).toEqual([
      ['name', 'GET /search', 100, 21.05],
      ['http.route', '/search', 100, 21.05],
    ]);
    expect(r.setAside.map((s) => [s.scope, s.key, s.reason])).toEqual([['intrinsic', 'status', 'excluded'], ['span', 'user.id', 'high-cardinality']]);
  });

  it('takes a time band as the selection', async () => {
    const r = AttributeCompareResponseSchema.parse((await get(`${SEARCH_COMPARE_ROUTE}?${window}&selStart=${T0_MS + 10_000}&selEnd=${T0_MS + 19_999}`)).body);
    expect([r.selection.spans, r.baseline.spans]).toEqual([10, 30]);
    expect(r.values[0]).toMatchObject({ key: 'name', value: 'GET /products/:id', selectionPercent: 100, baselinePercent: Number((2000 / 30).toPrecision(17)) });
  });

  it.each([
    ['no selection', '', 'selection'],
    ['errors and a band', '&selection=errors&selMinDuration=1s', 'selection'],
    ['a band upside down', '&selMinDuration=1s&selMaxDuration=10ms', 'selMaxDuration'],
  ])('refuses %s, naming the parameter', async (_, extra, parameter) => {
    const { status, body } = await get(`${SEARCH_COMPARE_ROUTE}?${window}${extra}`);
    expect(status).toBe(400);
    expect(ApiErrorBodySchema.parse(body).error.parameter).toBe(parameter);
  });
});
