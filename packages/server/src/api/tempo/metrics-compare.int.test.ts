import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { StatusCode, str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { tempoApi } from './index.js';

/*
 * compare() as Grafana's Traces Drilldown (its Comparison tab) asks for it, over five single-span traces of `shop`,
 * queried from T0 to T0 + 20 s in 10 s steps: intervals (T0-10, T0], (T0, T0+10], (T0+10, T0+20].
 *
 *   T0+1   GET /search  900 ms  span.http.route=/search  ERROR
 *   T0+2   GET /search  800 ms  span.http.route=/search
 *   T0+11  GET /item     10 ms  span.http.route=/item
 *   T0+12  GET /item     20 ms  span.http.route=/item
 *   T0+13  GET /item     30 ms  span.http.route=/item
 */
const T0_S = 1_700_000_000;
const S = 1_000_000_000n;
const MS = 1_000_000n;
const T0 = BigInt(T0_S) * S;
const shop = makeResource('shop');

const SPANS: Span[] = [
  [1, 'GET /search', 900, '/search', true],
  [2, 'GET /search', 800, '/search', false],
  [11, 'GET /item', 10, '/item', false],
  [12, 'GET /item', 20, '/item', false],
  [13, 'GET /item', 30, '/item', false],
].map(([at, name, ms, route, error], k) =>
  makeSpan({
    traceId: `c${k.toString(16).padStart(31, '0')}` as TraceId,
    spanId: `d${k.toString(16).padStart(15, '0')}` as SpanId,
    name: name as string,
    resource: shop,
    startTimeUnixNano: (T0 + BigInt(at as number) * S) as UnixNanos,
    endTimeUnixNano: (T0 + BigInt(at as number) * S + BigInt(ms as number) * MS) as UnixNanos,
    attributes: [{ key: 'http.route', value: str(route as string) }],
    ...(error ? { status: { code: StatusCode.ERROR, message: '' } } : {}),
  }),
);

let dir: string;
let store: Store;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-tempo-compare-'));
  store = await openDuckDBStore({ dir, now: () => (T0 + 120n * S) as UnixNanos, checkpointIntervalMs: 0 });
  await store.append(SPANS);
  app = Fastify();
  await app.register(tempoApi, { store, catalogs: new AttributeCatalogs() });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

interface SeriesJson {
  labels: Array<{ key: string; value: Record<string, unknown> }>;
  samples: Array<{ timestampMs: string; value?: number }>;
}

async function series(path: string): Promise<SeriesJson[]> {
  const res = await fetch(base + path);
  const body = (await res.json()) as { series?: SeriesJson[] };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.series ?? [];
}

const range = (query: string) => `/api/metrics/query_range?q=${encodeURIComponent(query)}&start=${T0_S}&end=${T0_S + 20}&step=10s`;
/** Each series as `labels → values per interval` (samples without a value are 0, as jsonpb leaves them out). */
const byLabels = (out: SeriesJson[]): Record<string, number[]> =>
  Object.fromEntries(out.map((s) => [s.labels.map((l) => `${l.key}=${JSON.stringify(Object.values(l.value)[0])}`).join(','), s.samples.map((p) => p.value ?? 0)]));

describe('compare() on /api/metrics/query_range', () => {
  it('counts each attribute value per interval on its side, with totals per attribute (golden shape)', async () => {
    const out = await series(range('{ resource.service.name = "shop" } | compare({ duration > 500ms })'));
    // The labels as Tempo writes them: the meta type first, then the attribute, typed; totals valued nil.
    expect(out.find((s) => s.labels[1]!.key === 'span.http.route' && s.labels[0]!.value.stringValue === 'selection')).toEqual({
      labels: [{ key: '__meta_type', value: { stringValue: 'selection' } }, { key: 'span.http.route', value: { stringValue: '/search' } }],
      samples: [{ timestampMs: String(T0_S * 1000) }, { timestampMs: String((T0_S + 10) * 1000), value: 2 }, { timestampMs: String((T0_S + 20) * 1000) }],
    });
    expect(byLabels(out)).toEqual({
      ...Object.fromEntries(
        ['baseline', 'selection'].flatMap((side) => {
          const [n, name, route, at] = side === 'selection' ? [2, 'GET /search', '/search', 1] : [3, 'GET /item', '/item', 2];
          const counts = (k: number) => [0, 1, 2].map((i) => (i === at ? k : 0));
          const statuses = side === 'selection' ? { [`__meta_type="selection",status="error"`]: counts(1), [`__meta_type="selection",status="unset"`]: counts(1) } : { [`__meta_type="baseline",status="unset"`]: counts(3) };
          return Object.entries({
            [`__meta_type="${side}",rootName="${name}"`]: counts(n),
            [`__meta_type="${side}",rootServiceName="shop"`]: counts(n),
            [`__meta_type="${side}",resource.service.name="shop"`]: counts(n),
            [`__meta_type="${side}",instrumentation:name="clew-test"`]: counts(n),
            [`__meta_type="${side}",instrumentation:version="1.0.0"`]: counts(n),
            [`__meta_type="${side}",name="${name}"`]: counts(n),
            [`__meta_type="${side}",kind="internal"`]: counts(n),
            ...statuses,
            [`__meta_type="${side}",span.http.route="${route}"`]: counts(n),
            ...Object.fromEntries(
              ['rootName', 'rootServiceName', 'resource.service.name', 'instrumentation:name', 'instrumentation:version', 'name', 'kind', 'status', 'span.http.route'].map((a) => [
                `__meta_type="${side}_total",${a}="nil"`,
                counts(n),
              ]),
            ),
          });
        }),
      ),
    });
  });

  it('keeps the topN values of an attribute by their sum; the too-many-values series has no samples and is dropped, as in Tempo', async () => {
    const out = byLabels(await series(range('{ } | compare({ duration > 500ms }, 1)')));
    // Tempo builds `__meta_error="__too_many_values__"` with no values, and SeriesSet.ToProto drops empty series.
    expect(Object.keys(out).filter((k) => k.startsWith('__meta_error'))).toEqual([]);
    // error and unset both 1 in the selection: the tie goes to the value first in order.
    expect(Object.keys(out).filter((k) => k.startsWith('__meta_type="selection",status'))).toEqual(['__meta_type="selection",status="error"']);
  });

  it('selects only spans inside the given window, as Grafana passes the brushed range in ns', async () => {
    const start = T0 + 10n * S;
    const end = T0 + 12n * S;
    // (T0+10, T0+12]: the item spans at +11 and +12 that last over 15 ms, i.e. only +12.
    const out = byLabels(await series(range(`{ } | compare({ duration > 15ms }, 10, ${start}, ${end})`)));
    expect(out['__meta_type="selection",name="GET /item"']).toEqual([0, 0, 1]);
    expect(out['__meta_type="baseline",name="GET /item"']).toEqual([0, 0, 2]);
    expect(out['__meta_type="baseline",name="GET /search"']).toEqual([0, 2, 0]);
  });

  it('answers the instant query too, one value per series', async () => {
    const res = await fetch(`${base}/api/metrics/query?q=${encodeURIComponent('{ } | compare({ status = error })')}&start=${T0_S}&end=${T0_S + 20}`);
    const body = (await res.json()) as { series: Array<{ labels: SeriesJson['labels']; value: number }> };
    expect(res.status).toBe(200);
    const sel = body.series.find((s) => s.labels[0]!.value.stringValue === 'selection' && s.labels[1]!.key === 'name');
    expect(sel).toMatchObject({ labels: [{ key: '__meta_type' }, { key: 'name', value: { stringValue: 'GET /search' } }], value: 1 });
  });

  it.each([
    ['{ } | compare({ status = error }, 0)', 'compare() top number of values must be an integer between 1 and 1000'],
    ['{ } | compare({ status = error }, 5, 10)', 'compare() takes a spanset filter, then topN, then optionally start and end'],
    ['{ } | compare({ status = error }, 5, 20, 10)', 'compare() end timestamp must be greater than start timestamp'],
  ])('refuses %s with Tempo words', async (query, message) => {
    const res = await fetch(base + range(query));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(message);
  });
});
