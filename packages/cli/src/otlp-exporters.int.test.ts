import type { Attributes as OtelAttributes, Span as OtelSpan } from '@opentelemetry/api';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { getJson, useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import { exportWith, recordSpans } from './testing/otel.js';

const running = useClewProcess();

const exporters: Array<[string, () => SpanExporter]> = [
  ['OTLP/HTTP protobuf', () => new HttpProtoExporter({ url: running().otlpHttp })],
  ['OTLP/HTTP protobuf + gzip', () => new HttpProtoExporter({ url: running().otlpHttp, compression: 'gzip' as never })],
  ['OTLP/HTTP JSON', () => new HttpJsonExporter({ url: running().otlpHttp })],
  ['OTLP/HTTP JSON + gzip', () => new HttpJsonExporter({ url: running().otlpHttp, compression: 'gzip' as never })],
  ['OTLP/gRPC', () => new GrpcExporter({ url: `http://${running().otlpGrpc}` })],
  ['OTLP/gRPC + gzip', () => new GrpcExporter({ url: `http://${running().otlpGrpc}`, compression: 'gzip' as never })],
];

const hrToMicros = ([s, ns]: [number, number]) => s * 1_000_000 + Math.floor(ns / 1000);
const hrToNanos = ([s, ns]: [number, number]) => (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();

/** A small checkout trace: a server span, a client child with an event and an error, a linked internal span. */
function checkoutTrace(service: string): ReadableSpan[] {
  return recordSpans(service, (tracer) => {
    const attrs: OtelAttributes = {
      'http.request.method': 'POST',
      'http.response.status_code': 201,
      'app.ratio': 0.25,
      'app.flag': true,
      'app.tags': ['a', 'b'],
      'app.counts': [1, 2, 3],
    };
    const root = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, attributes: attrs });
    const child = tracer.startSpan('charge card', { kind: SpanKind.CLIENT, attributes: { 'peer.service': 'payments' } }, under(root));
    child.addEvent('retry', { attempt: 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    child.end();
    const linked = tracer.startSpan('audit', { links: [{ context: child.spanContext(), attributes: { why: 'audit' } }] }, under(root));
    linked.end();
    root.end();
  });
}

const under = (parent: OtelSpan) => trace.setSpan(context.active(), parent);

describe.each(exporters)('%s → Clew → Jaeger APIs', (_name, makeExporter) => {
  it('exports successfully and every span reads back field by field', async () => {
    const service = `svc-${Math.random().toString(36).slice(2, 8)}`;
    const spans = checkoutTrace(service);
    const exporter = makeExporter();
    const result = await exportWith(exporter, spans);
    await exporter.shutdown();
    expect(result.error ?? null).toBeNull();
    expect(result.code).toBe(0);

    const traceId = spans[0]!.spanContext().traceId;
    const jt = await waitForTrace(running().query, traceId, 3);
    expect(jt.traceID).toBe(traceId);
    expect(jt.spans).toHaveLength(3);
    for (const s of spans) {
      const js = jt.spans.find((x: { spanID: string }) => x.spanID === s.spanContext().spanId);
      expect(js, s.name).toBeDefined();
      expect(js.operationName).toBe(s.name);
      expect(js.startTime).toBe(hrToMicros(s.startTime));
      expect(js.duration).toBe(hrToMicros(s.endTime) - hrToMicros(s.startTime));
      expect(jt.processes[js.processID].serviceName).toBe(service);
      const parent = s.parentSpanContext?.spanId;
      if (parent) {
        expect(js.references).toContainEqual({ refType: 'CHILD_OF', traceID: traceId, spanID: parent });
      }
    }
    const root = jt.spans.find((x: { operationName: string }) => x.operationName === 'POST /checkout');
    const tag = (k: string) => root.tags.find((t: { key: string }) => t.key === k);
    expect(tag('http.request.method')).toEqual({ key: 'http.request.method', type: 'string', value: 'POST' });
    expect(tag('http.response.status_code')).toEqual({ key: 'http.response.status_code', type: 'int64', value: 201 });
    expect(tag('app.ratio')).toEqual({ key: 'app.ratio', type: 'float64', value: 0.25 });
    expect(tag('app.flag')).toEqual({ key: 'app.flag', type: 'bool', value: true });
    expect(tag('span.kind')).toEqual({ key: 'span.kind', type: 'string', value: 'server' });
    const charge = jt.spans.find((x: { operationName: string }) => x.operationName === 'charge card');
    expect(charge.tags).toContainEqual({ key: 'error', type: 'bool', value: true });
    expect(charge.logs).toHaveLength(1);
    expect(charge.logs[0].fields).toContainEqual({ key: 'event', type: 'string', value: 'retry' });
    const audit = jt.spans.find((x: { operationName: string }) => x.operationName === 'audit');
    expect(audit.references).toEqual([
      { refType: 'CHILD_OF', traceID: traceId, spanID: root.spanID },
      { refType: 'FOLLOWS_FROM', traceID: traceId, spanID: charge.spanID },
    ]);

    // api_v3 returns OTLP JSON: check the exact nanosecond timestamps and typed values survive.
    const v3 = await getJson(`${running().query}/api/v3/traces/${traceId}`);
    expect(v3.status).toBe(200);
    const rs = v3.body.result.resourceSpans;
    const all = rs.flatMap((r: any) => r.scopeSpans.flatMap((ss: any) => ss.spans.map((sp: any) => ({ ...sp, scope: ss.scope, resource: r.resource }))));
    expect(all).toHaveLength(3);
    for (const s of spans) {
      const o = all.find((x: any) => x.name === s.name);
      expect(String(o.startTimeUnixNano)).toBe(hrToNanos(s.startTime));
      expect(String(o.endTimeUnixNano)).toBe(hrToNanos(s.endTime));
      expect(o.scope.name).toBe('clew-int-test');
      expect(o.scope.version).toBe('1.2.3');
      expect(o.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: service } });
      expect(o.resource.attributes).toContainEqual({ key: 'host.cores', value: { intValue: '2' } });
    }
    const v3root = all.find((x: any) => x.name === 'POST /checkout');
    expect(v3root.kind).toBe(2);
    expect(v3root.attributes).toContainEqual({
      key: 'app.counts',
      value: { arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }, { intValue: '3' }] } },
    });
    const v3charge = all.find((x: any) => x.name === 'charge card');
    expect(v3charge.status).toEqual({ code: 2, message: 'card declined' });
    const v3audit = all.find((x: any) => x.name === 'audit');
    expect(v3audit.links).toHaveLength(1);
    expect(v3audit.links[0].attributes).toEqual([{ key: 'why', value: { stringValue: 'audit' } }]);
  });

  it('keeps a span that links to an empty span context, as the SDK records one that carries attributes', async () => {
    const spans = recordSpans('svc-empty-link', (tracer) => {
      tracer.startSpan('consume', { kind: SpanKind.CONSUMER, links: [{ context: { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }, attributes: { 'messaging.context': 'missing' } }] }).end();
    });
    const exporter = makeExporter();
    const result = await exportWith(exporter, spans);
    await exporter.shutdown();
    expect(result.error ?? null).toBeNull();
    const traceId = spans[0]!.spanContext().traceId;
    await waitForTrace(running().query, traceId, 1);
    const v3 = await getJson(`${running().query}/api/v3/traces/${traceId}`);
    const span = v3.body.result.resourceSpans[0].scopeSpans[0].spans[0];
    // flags 256: the SDK says whether the linked context is remote (it is not).
    expect(span.links).toEqual([{ traceId: '0'.repeat(32), spanId: '0'.repeat(16), flags: 256, attributes: [{ key: 'messaging.context', value: { stringValue: 'missing' } }] }]);
  });
});

describe('finding what was sent', () => {
  it('lists the service and its operations, and finds the trace by service, operation and tag', async () => {
    const service = `find-${Math.random().toString(36).slice(2, 8)}`;
    const spans = checkoutTrace(service);
    const exporter = new HttpProtoExporter({ url: running().otlpHttp });
    expect((await exportWith(exporter, spans)).code).toBe(0);
    await exporter.shutdown();
    const traceId = spans[0]!.spanContext().traceId;
    await waitForTrace(running().query, traceId, 3);

    const services = await getJson(`${running().query}/api/services`);
    expect(services.body.data).toContain(service);
    const ops = await getJson(`${running().query}/api/services/${service}/operations`);
    expect([...ops.body.data].sort()).toEqual(['POST /checkout', 'audit', 'charge card']);
    const q = new URLSearchParams({
      service,
      operation: 'POST /checkout',
      tags: JSON.stringify({ 'http.request.method': 'POST' }),
      limit: '20',
    });
    const found = await getJson(`${running().query}/api/traces?${q}`);
    expect(found.status).toBe(200);
    expect(found.body.data.map((t: { traceID: string }) => t.traceID)).toEqual([traceId]);
    const none = await getJson(`${running().query}/api/traces?${new URLSearchParams({ service, tags: JSON.stringify({ 'http.request.method': 'GET' }) })}`);
    expect(none.body.data).toEqual([]);
  });
});

describe('autocomplete learns from what arrives', () => {
  it('offers the attribute keys and values of spans just ingested', async () => {
    const service = `auto-${Math.random().toString(36).slice(2, 8)}`;
    const spans = checkoutTrace(service);
    const exporter = new HttpProtoExporter({ url: running().otlpHttp });
    expect((await exportWith(exporter, spans)).code).toBe(0);
    await exporter.shutdown();
    // The catalog is a consumer: it learns a batch as the store writer takes it, before the spans are searchable.
    await waitForTrace(running().query, spans[0]!.spanContext().traceId, 3);
    const keys = await getJson(`${running().query}/api/clew/v1/attributes/keys?service=${service}`);
    expect(keys.body.keys).toContain('http.request.method');
    const values = await getJson(`${running().query}/api/clew/v1/attributes/values?key=http.request.method&service=${service}`);
    expect(values.body.values).toEqual(['POST']);
  });
});
