import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, SpanKind, StatusCode, str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { tempoApi } from './index.js';

/*
 * One minute of spans, each its own trace, queried in 10 s steps from T0 to T0 + 60 s. Tempo aligns the range and
 * adds a step in front, so the intervals are (T0-10, T0], (T0, T0+10], ... (T0+50, T0+60], reported at their ends.
 *
 *   T0-10 (excluded: start is open)                                   T0+60 (included)   T0+61 (excluded)
 *     |   frontend ×12: every 5 s from T0+1, 10 ms × (j+1), error when j % 4 = 0, http.route /a or /b
 *     |   cart ×6: every 10 s from T0+3, 5 ms, CLIENT;  one more on the boundary T0+20 (belongs to (T0+10, T0+20])
 */
const T0_S = 1_700_000_000; // a multiple of 10 s
const S = 1_000_000_000n;
const MS = 1_000_000n;
const T0 = BigInt(T0_S) * S;
const STEP_S = 10;

const frontend = makeResource('frontend');
const cart = makeResource('cart');
let seq = 0;
function traceSpan(service: typeof frontend, startNs: bigint, durNs: bigint, more: Partial<Span> = {}): Span {
  seq++;
  return makeSpan({
    traceId: `a${seq.toString(16).padStart(31, '0')}` as TraceId,
    spanId: `b${seq.toString(16).padStart(15, '0')}` as SpanId,
    name: service === frontend ? 'GET' : 'select',
    kind: SpanKind.SERVER,
    resource: service,
    startTimeUnixNano: startNs as UnixNanos,
    endTimeUnixNano: (startNs + durNs) as UnixNanos,
    ...more,
  });
}

const SPANS: Span[] = [
  ...Array.from({ length: 12 }, (_, j) =>
    traceSpan(frontend, T0 + BigInt(1 + 5 * j) * S, BigInt(10 * (j + 1)) * MS, {
      attributes: [{ key: 'http.route', value: str(j % 2 === 0 ? '/a' : '/b') }],
      ...(j % 4 === 0 && { status: { code: StatusCode.ERROR, message: 'boom' } }),
    }),
  ),
  ...Array.from({ length: 6 }, (_, j) => traceSpan(cart, T0 + BigInt(3 + 10 * j) * S, 5n * MS, { kind: SpanKind.CLIENT })),
  traceSpan(cart, T0 + 20n * S, 5n * MS, { kind: SpanKind.CLIENT }),
  traceSpan(cart, T0 - 10n * S, 5n * MS),
  traceSpan(cart, T0 + 61n * S, 5n * MS),
];

/** The interval a span start falls in (right-closed), or -1: what the test expects, worked out independently. */
const INTERVALS = 7;
const intervalOf = (s: Span): number => {
  const offset = s.startTimeUnixNano - (T0 - BigInt(STEP_S) * S);
  if (offset <= 0n || offset > BigInt(INTERVALS * STEP_S) * S) return -1;
  return Math.ceil(Number(offset) / (STEP_S * 1e9)) - 1;
};
const timestamps = Array.from({ length: INTERVALS }, (_, i) => String((T0_S + i * STEP_S) * 1000));
const countsOf = (spans: Span[]): number[] => {
  const out = new Array<number>(INTERVALS).fill(0);
  for (const s of spans) if (intervalOf(s) >= 0) out[intervalOf(s)]!++;
  return out;
};
const durationS = (s: Span) => Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e9;
const service = (s: Span) => (s.resource === frontend ? 'frontend' : 'cart');

interface SampleJson {
  timestampMs: string;
  value?: number;
}
interface LabelJson {
  key: string;
  value: Record<string, unknown>;
}
interface SeriesJson {
  labels: LabelJson[];
  samples: SampleJson[];
  exemplars?: Array<{ labels: LabelJson[]; value?: number; timestampMs: string }>;
}

let dir: string;
let store: Store;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-tempo-metrics-'));
  store = await openDuckDBStore({ dir, now: () => (T0 + 120n * S) as UnixNanos, checkpointIntervalMs: 0 });
  await store.append(SPANS);
  const catalogs = new AttributeCatalogs();
  catalogs.for(DEFAULT_TENANT).record(SPANS);
  app = Fastify();
  await app.register(tempoApi, { store, catalogs });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(base + path);
  const type = res.headers.get('content-type');
  return { status: res.status, type, body: type === 'application/json' ? await res.json() : await res.text() };
}

const range = (query: string, extra = '') =>
  `/api/metrics/query_range?q=${encodeURIComponent(query)}&start=${T0_S}&end=${T0_S + 60}&step=${STEP_S}s${extra}`;

async function series(query: string, extra = ''): Promise<SeriesJson[]> {
  const res = await get(range(query, extra));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ((res.body as { series?: SeriesJson[] }).series ?? []) as SeriesJson[];
}

const values = (s: SeriesJson): number[] => s.samples.map((p) => p.value ?? 0);
const labelText = (s: { labels: LabelJson[] }): string => s.labels.map((l) => `${l.key}=${JSON.stringify(Object.values(l.value)[0])}`).join(',');

describe('GET /api/metrics/query_range', () => {
  it('counts spans per step by service; zeros are samples without a value, as jsonpb writes them', async () => {
    const out = await series('{ } | count_over_time() by (resource.service.name)');
    expect(out.map(labelText)).toEqual(['resource.service.name="cart"', 'resource.service.name="frontend"']);
    for (const s of out) expect(s.samples.map((p) => p.timestampMs)).toEqual(timestamps);
    expect(values(out[0]!)).toEqual(countsOf(SPANS.filter((s) => service(s) === 'cart')));
    expect(values(out[1]!)).toEqual(countsOf(SPANS.filter((s) => service(s) === 'frontend')));
    expect(out[0]!.samples[0]).toEqual({ timestampMs: timestamps[0] });
    expect(out[0]!.labels[0]).toEqual({ key: 'resource.service.name', value: { stringValue: 'cart' } });
  });

  it('rate() is spans per second of step; an ungrouped series is named after its function', async () => {
    const out = await series('{ } | rate()');
    expect(out.map(labelText)).toEqual(['__name__="rate"']);
    // Tempo multiplies by 1/step rather than dividing, so 3 spans in 10 s are 0.30000000000000004 there too.
    expect(values(out[0]!)).toEqual(countsOf(SPANS).map((c) => c * (1 / STEP_S)));
  });

  it('filters spans with the spanset pipeline, pushed down to the store', async () => {
    const errors = SPANS.filter((s) => s.status.code === StatusCode.ERROR);
    const out = await series('{ status = error && resource.service.name = "frontend" } | count_over_time()');
    expect(values(out[0]!)).toEqual(countsOf(errors));
    const structural = await series('{ kind = client } | count_over_time() by (kind)');
    expect(structural.map(labelText)).toEqual(['kind="client"']);
    expect(values(structural[0]!)).toEqual(countsOf(SPANS.filter((s) => s.kind === SpanKind.CLIENT)));
  });

  it('quantile_over_time reads each quantile within its power-of-two bucket, as Tempo does', async () => {
    const out = await series('{ resource.service.name = "frontend" } | quantile_over_time(duration, .5, .9)');
    expect(out.map(labelText)).toEqual(['p=0.5', 'p=0.9']);
    const front = SPANS.filter((s) => service(s) === 'frontend');
    for (const [k, q] of [0.5, 0.9].entries()) {
      for (let i = 0; i < INTERVALS; i++) {
        const ds = front.filter((s) => intervalOf(s) === i).map(durationS).sort((a, b) => a - b);
        const got = out[k]!.samples[i]!.value ?? 0;
        if (ds.length === 0) {
          expect(got, `p${q} interval ${i}`).toBe(0);
          continue;
        }
        // The nearest-rank quantile's power-of-two bucket (in nanoseconds) bounds the answer.
        const exact = ds[Math.max(0, Math.ceil(q * ds.length) - 1)]!;
        const bucket = 2 ** Math.ceil(Math.log2(exact * 1e9)) / 1e9;
        expect(got, `p${q} interval ${i}`).toBeGreaterThan(bucket / 2 - 1e-15);
        expect(got, `p${q} interval ${i}`).toBeLessThanOrEqual(bucket + 1e-15);
      }
    }
  });

  it('histogram_over_time counts spans per power-of-two bucket, labelled __bucket in seconds', async () => {
    const out = await series('{ } | histogram_over_time(duration)');
    const expected = new Map<number, Span[]>();
    for (const s of SPANS) {
      const b = 2 ** Math.ceil(Math.log2(durationS(s) * 1e9)) / 1e9;
      expected.set(b, [...(expected.get(b) ?? []), s]);
    }
    const got = new Map(out.map((s) => [s.labels[0]!.value.doubleValue as number, values(s)]));
    expect(out.every((s) => s.labels.length === 1 && s.labels[0]!.key === '__bucket')).toBe(true);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [b, spans] of expected) expect(got.get(b), String(b)).toEqual(countsOf(spans));
  });

  it('sum, min, max and avg over time read the duration in seconds; empty steps are left out', async () => {
    const front = SPANS.filter((s) => service(s) === 'frontend');
    const per = (f: (ds: number[]) => number) =>
      Array.from({ length: INTERVALS }, (_, i) => front.filter((s) => intervalOf(s) === i).map(durationS))
        .map((ds, i) => [timestamps[i], ds] as const)
        .filter(([, ds]) => ds.length > 0)
        .map(([t, ds]) => [t, f(ds)]);
    const check = async (fn: string, f: (ds: number[]) => number) => {
      const [s] = await series(`{ resource.service.name = "frontend" } | ${fn}(duration)`);
      const got = s!.samples.map((p) => [p.timestampMs, p.value ?? 0]);
      const want = per(f);
      expect(got.map(([t]) => t), fn).toEqual(want.map(([t]) => t));
      got.forEach(([, v], k) => expect(v, fn).toBeCloseTo(want[k]![1] as number, 12));
    };
    await check('sum_over_time', (ds) => ds.reduce((a, b) => a + b, 0));
    await check('min_over_time', (ds) => Math.min(...ds));
    await check('max_over_time', (ds) => Math.max(...ds));
    await check('avg_over_time', (ds) => ds.reduce((a, b) => a + b, 0) / ds.length);
  });

  it('topk and bottomk keep, at each step, the series with the highest or lowest values', async () => {
    const all = await series('{ } | count_over_time() by (resource.service.name)');
    const top = await series('{ } | count_over_time() by (resource.service.name) | topk(1)');
    const byTs = (ss: SeriesJson[]) => {
      const m = new Map<string, string>();
      for (const s of ss) for (const p of s.samples) m.set(p.timestampMs, labelText(s));
      return m;
    };
    const winners = byTs(top);
    for (const [i, t] of timestamps.entries()) {
      const [cart, front] = all.map((s) => s.samples[i]!.value ?? 0);
      // Ties go to the label value first in order: "cart".
      expect(winners.get(t), t).toBe(front! > cart! ? 'resource.service.name="frontend"' : 'resource.service.name="cart"');
    }
    const bottom = await series('{ } | count_over_time() by (resource.service.name) | bottomk(1)');
    expect(bottom.flatMap((s) => s.samples).length).toBe(INTERVALS);
  });

  it('a comparison keeps the points that pass it', async () => {
    const out = await series('{ } | count_over_time() by (resource.service.name) > 1');
    expect(out.map(labelText)).toEqual(['resource.service.name="cart"', 'resource.service.name="frontend"']);
    expect(out.flatMap((s) => s.samples.map((p) => p.value))).toEqual([2, 2, 2, 2, 2, 2, 2]);
  });

  it('divides one metrics query by another, series by series', async () => {
    const out = await series('({ status = error } | count_over_time() by (resource.service.name)) / ({ } | count_over_time() by (resource.service.name))');
    expect(out.map(labelText)).toEqual(['resource.service.name="frontend"']);
    const front = SPANS.filter((s) => service(s) === 'frontend');
    const err = countsOf(front.filter((s) => s.status.code === StatusCode.ERROR));
    const all = countsOf(front);
    // x / 0 is NaN, left out; 0 / n is a sample without a value.
    const want = all.map((n, i) => (n === 0 ? null : [timestamps[i], err[i]! / n])).filter((x) => x !== null);
    expect(out[0]!.samples.map((p) => [p.timestampMs, p.value ?? 0])).toEqual(want);
  });

  it('attaches exemplars: trace:id and span:id of a counted span, its start, and the count of its step', async () => {
    const out = await series('{ } | count_over_time() by (resource.service.name)', '&exemplars=6');
    const exemplars = out.flatMap((s) => (s.exemplars ?? []).map((e) => ({ s, e })));
    expect(exemplars.length).toBeGreaterThan(0);
    expect(exemplars.length).toBeLessThanOrEqual(6);
    for (const { s, e } of exemplars) {
      const traceId = e.labels.find((l) => l.key === 'trace:id')!.value.stringValue as string;
      const spanId = e.labels.find((l) => l.key === 'span:id')!.value.stringValue as string;
      const span = SPANS.find((x) => x.traceId.replace(/^0+/, '') === traceId)!;
      expect(span.spanId).toBe(spanId);
      expect(`resource.service.name="${service(span)}"`).toBe(labelText(s));
      expect(e.timestampMs).toBe(String(span.startTimeUnixNano / MS));
      const sample = s.samples[intervalOf(span)]!;
      expect(e.value ?? 0).toBe(sample.value ?? 0);
    }
  });

  it('with (exemplars = n) overrides the parameter, false turns them off; other hints are read and ignored', async () => {
    const count = async (q: string) => (await series(q, '&exemplars=10')).flatMap((s) => s.exemplars ?? []).length;
    expect(await count('{ } | count_over_time() with (exemplars = 2)')).toBe(2);
    expect(await count('{ } | count_over_time() with (exemplars = false)')).toBe(0);
    expect(await series('{ } | count_over_time() with (sample = true)')).toEqual(await series('{ } | count_over_time()'));
  });

  it('quantile exemplars carry the span duration in seconds', async () => {
    const out = await series('{ resource.service.name = "frontend" } | quantile_over_time(duration, .5)', '&exemplars=4');
    const exemplars = out.flatMap((s) => s.exemplars ?? []);
    expect(exemplars.length).toBeGreaterThan(0);
    for (const e of exemplars) {
      const traceId = e.labels.find((l) => l.key === 'trace:id')!.value.stringValue as string;
      expect(e.value).toBe(durationS(SPANS.find((x) => x.traceId.replace(/^0+/, '') === traceId)!));
    }
  });

  it('reads start and end as unix seconds, nanoseconds or RFC3339, and defaults the step to about 240 points', async () => {
    const q = encodeURIComponent('{ } | count_over_time()');
    const seconds = await get(`/api/metrics/query_range?q=${q}&start=${T0_S}&end=${T0_S + 60}&step=10`);
    const nanos = await get(`/api/metrics/query_range?query=${q}&start=${T0}&end=${T0 + 60n * S}&step=10s`);
    const rfc = await get(`/api/metrics/query_range?q=${q}&start=2023-11-14T22:13:20Z&end=2023-11-14T22:14:20Z&step=10s`);
    expect(nanos.body).toEqual(seconds.body);
    expect(rfc.body).toEqual(seconds.body);
    // 60 s / 240 = 250 ms, under the 1 s floor: 1 s steps, 60 + 1 (the step in front).
    const dflt = await get(`/api/metrics/query_range?q=${q}&start=${T0_S}&end=${T0_S + 60}`);
    const samples = (dflt.body as { series: SeriesJson[] }).series[0]!.samples;
    expect(samples.length).toBe(61);
    expect(Number(samples[1]!.timestampMs) - Number(samples[0]!.timestampMs)).toBe(1000);
    expect(samples.reduce((n, p) => n + (p.value ?? 0), 0)).toBe(SPANS.filter((s) => s.startTimeUnixNano > T0 - S && s.startTimeUnixNano <= T0 + 60n * S).length);
  });

  it.each([
    ['{ } | rate(', 'parse error at line 1, col 12: expected ")": rate() takes no arguments but found end of query'],
    ['{ status = error }', 'not a metrics query'],
    ['{ } | compare({ status = error }, 0)', 'parse error at line 1, col 14: compare() top number of values must be an integer between 1 and 1000'],
  ])('refuses %s with a 400 and Tempo’s plain text', async (query, message) => {
    expect(await get(range(query))).toEqual({ status: 400, type: 'text/plain; charset=utf-8', body: `${message}\n` });
  });

  it.each([
    [`start=${T0_S + 60}&end=${T0_S}`, 'end must be greater than start'],
    [`start=${T0_S}&end=${T0_S + 60}&step=1ms`, 'step of 1ms is too small, minimum step for given range is 6ms'],
    [`start=${T0_S}&end=${T0_S + 2 * 86400}`, 'metrics query time range exceeds the maximum allowed duration of 24h0m0s'],
    [`start=${T0_S}&end=${T0_S + 60}&step=fast`, 'cannot parse "fast" to a valid duration'],
    [`start=soon&end=${T0_S + 60}`, `could not parse 'start' parameter: strconv.ParseInt: parsing "soon": invalid syntax`],
    ['since=1x', `could not parse 'since' parameter: not a valid duration string: "1x"`],
  ])('refuses %s: %s', async (params, message) => {
    const res = await get(`/api/metrics/query_range?q=${encodeURIComponent('{ } | rate()')}&${params}`);
    expect([res.status, res.body]).toEqual([400, `${message}\n`]);
  });
});

describe('GET /api/metrics/query (instant)', () => {
  it('answers one value per series over (start, end], without exemplars', async () => {
    const q = encodeURIComponent('{ } | count_over_time() by (resource.service.name)');
    const res = await get(`/api/metrics/query?q=${q}&start=${T0_S}&end=${T0_S + 60}`);
    expect(res.status).toBe(200);
    const inWindow = SPANS.filter((s) => s.startTimeUnixNano > T0 && s.startTimeUnixNano <= T0 + 60n * S);
    const body = res.body as { series: Array<{ labels: LabelJson[]; value?: number }>; metrics: object };
    expect(body.series.map((s) => [labelText(s), s.value])).toEqual([
      ['resource.service.name="cart"', inWindow.filter((s) => service(s) === 'cart').length],
      ['resource.service.name="frontend"', inWindow.filter((s) => service(s) === 'frontend').length],
    ]);
    expect(Object.keys(body.series[0]!)).toEqual(['labels', 'value']);
  });

  it('rate() divides by the whole range', async () => {
    const q = encodeURIComponent('{ resource.service.name = "frontend" } | rate()');
    const res = await get(`/api/metrics/query?query=${q}&start=${T0_S}&end=${T0_S + 60}`);
    expect((res.body as { series: Array<{ value: number }> }).series[0]!.value).toBeCloseTo(12 / 60, 12);
  });

  it('refuses an empty range', async () => {
    const res = await get(`/api/metrics/query?q=${encodeURIComponent('{ } | rate()')}&start=${T0_S}&end=${T0_S}`);
    expect([res.status, res.body]).toEqual([400, 'end must be greater than start\n']);
  });
});
