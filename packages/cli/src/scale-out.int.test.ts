// Collector and query roles over one ClickHouse: a collector receives from the real OTel exporter and writes to
// ClickHouse, a query node (another process, with no spans of its own) answers for them; a collector killed with -9
// mid-stream loses nothing it acknowledged, and comes back without duplicates.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import type { ClewProcess } from '@clew/testing/clew-process';
import { freePort } from '@clew/testing/free-port';
import { getJson, startClewProcess } from '@clew/testing/clew-process';
import { exportWith, recordSpans } from './testing/otel.js';

const clickhouse = useClickHouseServer();
let dir: string;
const running: ClewProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-scale-out-'));
});
afterAll(async () => {
  for (const p of running) await p.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** A Clew of `role` on the test's ClickHouse database, with its own data directory (its write-ahead log). */
async function start(name: string, role: 'collector' | 'query', database: string, extraYaml = ''): Promise<ClewProcess> {
  const config = join(dir, `${name}.yaml`);
  await writeFile(config, `role: ${role}\nstorage:\n  backend: clickhouse\n  clickhouse: { url: ${clickhouse().url}, database: ${database}, source: ${name} }\n${extraYaml}`);
  const p = await startClewProcess(join(dir, name), ['--config', config]);
  running.push(p);
  return p;
}

function serverTrace(service: string, children: number): ReturnType<typeof recordSpans> {
  return recordSpans(service, (tracer) => {
    const root = tracer.startSpan('GET /', { kind: SpanKind.SERVER });
    for (let i = 0; i < children; i++) tracer.startSpan(`step ${i}`, {}, trace.setSpan(context.active(), root)).end();
    root.end();
  });
}

/** The spans of a trace the query node holds, polled until there are `n` (or 20 s passed). */
async function spansOf(query: string, traceId: string, n: number): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await getJson(`${query}/api/traces/${traceId}`);
    const count = res.status === 200 ? (res.body.data?.[0]?.spans?.length ?? 0) : 0;
    if (count >= n || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a collector and a query node over one ClickHouse', () => {
  it('the query node answers for what the collector received, and each role serves only its half', async () => {
    const collector = await start('c1', 'collector', 'clew_roles');
    const query = await start('q1', 'query', 'clew_roles');
    const spans = serverTrace('roles-svc', 3);
    const exporter = new HttpProtoExporter({ url: collector.otlpHttp });
    expect((await exportWith(exporter, spans)).code).toBe(0);
    await exporter.shutdown();
    const traceId = spans[0]!.spanContext().traceId;
    expect(await spansOf(query.query, traceId, 4)).toBe(4);
    expect((await getJson(`${query.query}/api/services`)).body.data).toContain('roles-svc');

    // The collector's query port: health and metrics, no UI or API; the query node receives nothing.
    expect((await getJson(`${collector.query}/health`)).body).toEqual({ status: 'ok' });
    expect((await fetch(`${collector.query}/metrics`)).status).toBe(200);
    expect((await fetch(`${collector.query}/api/services`)).status).toBe(404);
    expect(query.otlpHttp).toBeUndefined();
    expect(collector.tempo).toBeUndefined();
    // Zipkin's port: the collector takes spans, the query node answers the API.
    expect((await fetch(`${collector.zipkin}/api/v2/services`)).status).toBe(404);
    expect((await getJson(`${query.zipkin}/api/v2/services`)).body).toContain('roles-svc');
  });

  it("the query node's Services page shows the span metrics the collector counted", async () => {
    const collector = await start('c4', 'collector', 'clew_metrics', 'metrics: { flushInterval: 1s }\n');
    const query = await start('q4', 'query', 'clew_metrics');
    const exporter = new HttpProtoExporter({ url: collector.otlpHttp });
    expect((await exportWith(exporter, serverTrace('metrics-svc', 2))).code).toBe(0);
    await exporter.shutdown();
    const [from, to] = [Date.now() - 3_600_000, Date.now() + 120_000];
    const deadline = Date.now() + 20_000;
    let services: Array<{ service: string; figures: { count: number } }>;
    for (;;) {
      const res = await getJson(`${query.query}/api/clew/v1/metrics/services?from=${from}&to=${to}&spanKind=server`);
      expect(res.status).toBe(200);
      services = res.body.services;
      if (services.some((s) => s.service === 'metrics-svc') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(services).toEqual([expect.objectContaining({ service: 'metrics-svc', figures: expect.objectContaining({ count: 1 }) })]);
  });

  it('a collector killed with -9 mid-stream loses no acknowledged span, and its replay writes none twice', async () => {
    const collector = await start('c2', 'collector', 'clew_kill');
    const query = await start('q2', 'query', 'clew_kill');
    const acknowledged: string[] = [];
    const exporter = new HttpProtoExporter({ url: collector.otlpHttp });
    // Traces of 8 spans, exported one at a time; the collector dies after the 20th is acknowledged.
    for (let i = 0; i < 20; i++) {
      const spans = serverTrace('kill-svc', 7);
      const r = await exportWith(exporter, spans);
      if (r.code === 0) acknowledged.push(spans[0]!.spanContext().traceId);
    }
    await exporter.shutdown();
    await collector.kill();
    expect(acknowledged).toHaveLength(20);
    // The same collector (same log, same source name) comes back and replays what ClickHouse lacks.
    const again = await startClewProcess(collector.dataDir, ['--config', join(dir, 'c2.yaml')]);
    running.push(again);
    for (const id of acknowledged) expect(await spansOf(query.query, id, 8)).toBe(8);
    // Replayed records the store already held are not written again: ClickHouse holds each span once.
    const count = async (sql: string) => Number((await (await fetch(`${clickhouse().url}/?query=${encodeURIComponent(sql)}`)).text()).trim());
    expect(await count('SELECT count() FROM clew_kill.spans')).toBe(20 * 8);
    expect(await count('SELECT uniqExact(trace_id, span_id) FROM clew_kill.spans')).toBe(20 * 8);
  });
});

describe('two collectors sharing tail sampling, and a query node, over one ClickHouse', () => {
  it("keeps every error trace whole though its halves reached different collectors, and the query node reads it", async () => {
    const ports = [await freePort(), await freePort()];
    const members = ports.map((p) => `http://127.0.0.1:${p}`);
    const collectors: ClewProcess[] = [];
    for (const [i, port] of ports.entries()) {
      const config = join(dir, `peer${i}.yaml`);
      await writeFile(
        config,
        `role: collector
storage:
  backend: clickhouse
  clickhouse: { url: ${clickhouse().url}, database: clew_peers, source: peer${i} }
pipeline:
  tailSampling:
    decisionWait: 1s
    policies: [{ type: error }]
    peers: { self: ${members[i]}, members: [${members.join(', ')}] }
`,
      );
      const p = await startClewProcess(join(dir, `peer${i}`), ['--config', config, '--otlp-http-port', String(port)]);
      running.push(p);
      collectors.push(p);
    }
    const query = await start('q3', 'query', 'clew_peers');
    // Each trace: a server root and its client child go to one collector, the downstream server and its database
    // call to the other; every other trace fails in its second half.
    const traces = Array.from({ length: 8 }, (_, n) => {
      const spans = recordSpans('peers-svc', (tracer) => {
        const root = tracer.startSpan(`GET /order/${n}`, { kind: SpanKind.SERVER });
        const a = tracer.startSpan('call stock', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root));
        const b = tracer.startSpan('GET /stock', { kind: SpanKind.SERVER }, trace.setSpan(context.active(), a));
        const c = tracer.startSpan('SELECT stock', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), b));
        if (n % 2 === 0) c.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
        c.end();
        b.end();
        a.end();
        root.end();
      });
      return { n, id: spans[0]!.spanContext().traceId, first: spans.filter((s) => s.name.startsWith('GET /order') || s.name === 'call stock'), second: spans.filter((s) => s.name === 'GET /stock' || s.name === 'SELECT stock') };
    });
    const toA = new HttpProtoExporter({ url: collectors[0]!.otlpHttp });
    const toB = new HttpProtoExporter({ url: collectors[1]!.otlpHttp });
    expect((await exportWith(toA, traces.flatMap((t) => t.first))).code).toBe(0);
    expect((await exportWith(toB, traces.flatMap((t) => t.second))).code).toBe(0);
    await Promise.all([toA.shutdown(), toB.shutdown()]);
    for (const t of traces.filter((t) => t.n % 2 === 0)) expect(await spansOf(query.query, t.id, 4)).toBe(4);
    // The traces without an error were dropped by the policy, whichever collector decided them.
    for (const t of traces.filter((t) => t.n % 2 === 1)) expect((await getJson(`${query.query}/api/traces/${t.id}`)).status).toBe(404);
  });
});
