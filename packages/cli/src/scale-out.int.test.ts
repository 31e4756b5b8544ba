// Collector and query roles over one ClickHouse: a collector receives from the real OTel exporter and writes to
// ClickHouse, a query node (another process, with no spans of its own) answers for them; a collector killed with -9
// mid-stream loses nothing it acknowledged, and comes back without duplicates.
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { describe, expect, it } from 'vitest';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import type { ClewProcess } from '@clew/testing/clew-process';
import { getJson } from '@clew/testing/clew-process';
import { exportWith } from './testing/otel.js';
import { expectErrorTracesWholeAcrossPeers, serverTrace, spansOf, useScaleOut } from './testing/scale-out.js';

const clickhouse = useClickHouseServer();
const fleet = useScaleOut((source, database) => `{ url: ${clickhouse().url}, database: ${database}, source: ${source} }`);
const start = (name: string, role: 'collector' | 'query', database: string, extraYaml = ''): Promise<ClewProcess> =>
  fleet.start(name, role, database, { extraYaml });

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
    await fleet.restart('c2');
    for (const id of acknowledged) expect(await spansOf(query.query, id, 8)).toBe(8);
    // Replayed records the store already held are not written again: ClickHouse holds each span once.
    const count = async (sql: string) => Number((await (await fetch(`${clickhouse().url}/?query=${encodeURIComponent(sql)}`)).text()).trim());
    expect(await count('SELECT count() FROM clew_kill.spans')).toBe(20 * 8);
    expect(await count('SELECT uniqExact(trace_id, span_id) FROM clew_kill.spans')).toBe(20 * 8);
  });
});

describe('two collectors sharing tail sampling, and a query node, over one ClickHouse', () => {
  it('keeps every error trace whole though its halves reached different collectors, and the query node reads it', async () => {
    await expectErrorTracesWholeAcrossPeers(fleet, 'clew_peers', { peers: 'peer', query: 'q3' });
  });
});
