// A query node over a shared ClickHouse ingests nothing, yet its autocomplete knows the attributes of the spans the
// collectors wrote: it learns them from the store's newest traces.
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { expect, it } from 'vitest';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import type { ClewProcess } from '@clew/testing/clew-process';
import { getJson } from '@clew/testing/clew-process';
import { exportWith, recordSpans } from './testing/otel.js';
import { useScaleOut } from './testing/scale-out.js';

const clickhouse = useClickHouseServer();
const fleet = useScaleOut((source, database) => `{ url: ${clickhouse().url}, database: ${database}, source: ${source} }`);
const start = (name: string, role: 'collector' | 'query'): Promise<ClewProcess> => fleet.start(name, role, 'clew_catalog');

it("a query node's autocomplete suggests the keys and values of spans a collector received", async () => {
  const collector = await start('c1', 'collector');
  const query = await start('q1', 'query');
  const spans = recordSpans('catalog-svc', (tracer) => {
    tracer.startSpan('GET /tiers', { kind: SpanKind.SERVER, attributes: { 'app.tier': 'gold' } }).end();
  });
  const exporter = new HttpProtoExporter({ url: collector.otlpHttp });
  expect((await exportWith(exporter, spans)).code).toBe(0);
  await exporter.shutdown();
  // The query node teaches its catalog every 15 s from the newest traces.
  const deadline = Date.now() + 40_000;
  let values: string[] = [];
  while (Date.now() < deadline) {
    const res = await getJson<{ tagValues: Array<{ value: string }> }>(`${query.tempo}/api/v2/search/tag/span.app.tier/values`);
    values = res.status === 200 ? res.body.tagValues.map((v) => v.value) : [];
    if (values.includes('gold')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(values).toEqual(['gold']);
  const roots = await getJson<{ tagValues: Array<{ value: string }> }>(`${query.tempo}/api/v2/search/tag/trace:rootService/values`);
  expect(roots.body.tagValues.map((v) => v.value)).toContain('catalog-svc');
}, 60_000);
