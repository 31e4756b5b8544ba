import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanId, TraceId, UnixNanos } from '@clew/model';
import { StatusCode } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jaegerApi } from './index.js';

const S = 1_000_000_000n;
const ONE = '00000000000000000000000000000001' as TraceId;
const TWO = '00000000000000000000000000000002' as TraceId;

/*
 * ONE, as Jaeger's gateway test builds it (apiv3/gateway_test.go runGatewayFindTraceSummaries):
 *   frontend "HTTP GET /"   1000 s ─ 1001 s
 *     frontend ""           1000 s + 100 ns ─ + 900 ns, status ERROR
 * TWO, its root never arrived:
 *   (0000000000000009 missing)
 *     cart "orphan"         2000 s ─ 2000.5 s
 *       db "query"          2000.1 s ─ 2000.2 s
 */
const spans = [
  makeSpan({ traceId: ONE, spanId: '0000000000000001' as SpanId, name: 'HTTP GET /', resource: makeResource('frontend'), startTimeUnixNano: (1000n * S) as UnixNanos, endTimeUnixNano: (1001n * S) as UnixNanos }),
  makeSpan({
    traceId: ONE, spanId: '0000000000000002' as SpanId, parentSpanId: '0000000000000001' as SpanId, name: '', resource: makeResource('frontend'),
    startTimeUnixNano: (1000n * S + 100n) as UnixNanos, endTimeUnixNano: (1000n * S + 900n) as UnixNanos, status: { code: StatusCode.ERROR, message: '' },
  }),
  makeSpan({ traceId: TWO, spanId: '0000000000000003' as SpanId, parentSpanId: '0000000000000009' as SpanId, name: 'orphan', resource: makeResource('cart'), startTimeUnixNano: (2000n * S) as UnixNanos, endTimeUnixNano: (2000n * S + S / 2n) as UnixNanos }),
  makeSpan({ traceId: TWO, spanId: '0000000000000004' as SpanId, parentSpanId: '0000000000000003' as SpanId, name: 'query', resource: makeResource('db'), startTimeUnixNano: (2000n * S + S / 10n) as UnixNanos, endTimeUnixNano: (2000n * S + S / 5n) as UnixNanos }),
];

let dir: string;
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-trace-summaries-'));
  store = await openDuckDBStore({ dir, checkpointIntervalMs: 0 });
  await store.append(spans);
  app = Fastify();
  await app.register(jaegerApi, { store });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const WINDOW = 'query.startTimeMin=1970-01-01T00:00:00Z&query.startTimeMax=1970-01-02T00:00:00Z';
const summaries = async (qs: string) => {
  const r = await app.inject({ method: 'GET', url: `/api/v3/trace-summaries?${qs}` });
  return { status: r.statusCode, type: r.headers['content-type'], body: JSON.parse(r.body) as { summaries?: Record<string, unknown>[] } };
};

describe('GET /api/v3/trace-summaries', () => {
  it("answers Jaeger's own gateway snapshot for Jaeger's test trace (snapshots/FindTraceSummaries.json)", async () => {
    const golden: unknown = JSON.parse(readFileSync(new URL('./fixtures/trace-summaries-golden.json', import.meta.url), 'utf8'));
    const r = await summaries(`${WINDOW}&query.serviceName=frontend`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(r.body).toEqual(golden);
  });

  it('searches every service without query.serviceName, newest first', async () => {
    const r = await summaries(WINDOW);
    expect(r.body.summaries!.map((s) => s.traceId)).toEqual([TWO, ONE]);
  });

  it('leaves out the root of a trace whose root is missing, and counts its orphans, as summary.go does', async () => {
    const r = await summaries(`${WINDOW}&query.service_name=db`);
    expect(r.body).toEqual({
      summaries: [
        {
          traceId: TWO,
          minStartTimeUnixNano: (2000n * S).toString(),
          maxEndTimeUnixNano: (2000n * S + S / 2n).toString(),
          spanCount: 2,
          orphanSpanCount: 1,
          services: [
            { name: 'cart', spanCount: 1 },
            { name: 'db', spanCount: 1 },
          ],
        },
      ],
    });
  });

  it.each([
    ['snake_case names', 'query.start_time_min=1970-01-01T00:16:00Z&query.start_time_max=1970-01-01T00:17:00Z&query.operation_name=HTTP%20GET%20%2F', [ONE]],
    ['camelCase names', 'query.startTimeMin=1970-01-01T00:16:00Z&query.startTimeMax=1970-01-01T00:17:00Z&query.operationName=HTTP%20GET%20%2F', [ONE]],
    ['search depth', `${WINDOW}&query.searchDepth=1`, [TWO]],
    ['minimum duration', `${WINDOW}&query.durationMin=400ms`, [TWO, ONE]],
    ['maximum duration', `${WINDOW}&query.durationMax=1us`, [ONE]],
    ['attributes', `${WINDOW}&query.attributes=${encodeURIComponent('{"service.name":"db"}')}`, [TWO]],
  ])('filters by %s', async (_, qs, want) => {
    expect((await summaries(qs)).body.summaries!.map((s) => s.traceId)).toEqual(want);
  });

  it('answers {} when nothing matches, as jsonpb writes an empty response', async () => {
    expect(await summaries(`${WINDOW}&query.serviceName=nobody`)).toMatchObject({ status: 200, body: {} });
  });

  it.each([
    ['query.serviceName=frontend', 'query.startTimeMin and query.startTimeMax are required'],
    ['query.startTimeMin=1970-01-01T00:16:00Z&query.startTimeMax=1970-01-01T00:16:00Z', 'query.startTimeMin must be before query.startTimeMax'],
    [`${WINDOW}&query.durationMin=5`, 'malformed parameter query.durationMin: time: missing unit in duration "5"'],
  ])('refuses %s with 400 in the api_v3 envelope', async (qs, message) => {
    expect(await summaries(qs)).toMatchObject({ status: 400, body: { error: { httpCode: 400, message } } });
  });
});
