import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanId, TraceId, UnixNanos } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTraceQLMetrics } from '../traceql/index.js';
import type { MetricsQuery } from '../traceql/index.js';
import { queryRangeTraceQL } from './query-range.js';

/*
 * Four traces of one span each, 10 s apart from T0+1 s, services s0..s3: enough to go past small limits.
 */
const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;
const REQ = { start: T0, end: T0 + 60n * S, step: 10n * S, instant: false, exemplars: 0 };
const query = (text: string): MetricsQuery => {
  const r = parseTraceQLMetrics(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.query;
};

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-traceql-metrics-'));
  store = await openDuckDBStore({ dir, now: () => (T0 + 120n * S) as UnixNanos, checkpointIntervalMs: 0 });
  await store.append(
    [0, 1, 2, 3].map((k) =>
      makeSpan({
        traceId: `d${String(k + 1).padStart(31, '0')}` as TraceId,
        spanId: `e${String(k + 1).padStart(15, '0')}` as SpanId,
        resource: makeResource(`s${k}`),
        startTimeUnixNano: (T0 + BigInt(1 + 10 * k) * S) as UnixNanos,
        endTimeUnixNano: (T0 + BigInt(1 + 10 * k) * S + 1_000_000n) as UnixNanos,
      }),
    ),
  );
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('queryRangeTraceQL limits', () => {
  it('answers in full within the limits', async () => {
    const r = await queryRangeTraceQL(store, query('{ } | count_over_time() by (resource.service.name)'), REQ);
    expect([r.series.length, r.inspectedTraces, r.inspectedSpans, r.partial]).toEqual([4, 4, 4, undefined]);
  });

  it('leaves out series past the series limit and says so in Tempo’s words', async () => {
    const r = await queryRangeTraceQL(store, query('{ } | count_over_time() by (resource.service.name)'), REQ, { maxSeries: 2 });
    expect(r.series.length).toBe(2);
    expect(r.partial).toBe('Response exceeds maximum series limit of 2, a partial response is returned. Warning: the accuracy of each individual value is not guaranteed.');
  });

  it('stops reading past the span limit, the newest traces read first', async () => {
    const r = await queryRangeTraceQL(store, query('{ } | count_over_time() by (resource.service.name)'), REQ, { maxSpans: 3 });
    expect(r.inspectedSpans).toBe(3);
    expect(r.series.map((s) => s.labels[0]!.value)).toEqual(['s1', 's2', 's3'].map((value) => ({ type: 'string', value })));
    expect(r.partial).toMatch(/^The query matched more than 500000 traces or 3 spans, the most one query reads/);
  });
});
