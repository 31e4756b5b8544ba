// Real payloads from the OpenTelemetry JS SDK: spans recorded by sdk-trace-base and serialized by the official
// otlp-transformer, as an instrumented app would send them.
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Link } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { IdGenerator, ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Ids from a counter, so that payloads (and the fuzz cases mutated from them) are the same on every run. */
function counterIds(): IdGenerator {
  let n = 0;
  const next = (len: number) => (++n).toString(16).padStart(len, '0');
  return { generateTraceId: () => `4bf92f3577b34da6${next(16)}`, generateSpanId: () => next(16) };
}

/**
 * A few traces covering what the SDK can record: every attribute type, events, links, status, kinds, nesting.
 * Ids and times are fixed, so the bytes are the same on every run.
 */
export function recordSdkSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    idGenerator: counterIds(),
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.4.2', 'host.cores': 8 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const http = provider.getTracer('@opentelemetry/instrumentation-http', '0.52.1');
  const db = provider.getTracer('pg', '8.11.0');

  const t0 = 1_700_000_000_000; // ms
  const at = (ms: number): [number, number] => [Math.floor((t0 + ms) / 1000), ((t0 + ms) % 1000) * 1e6 + 123];
  const root = http.startSpan('GET /api/cart', {
    kind: SpanKind.SERVER,
    startTime: at(0),
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'http.route': '/api/cart',
      'user.premium': true,
      'sampling.ratio': 0.25,
      'retry.delays': [10, 20, 40],
      'tags': ['a', 'b'],
      'flags': [true, false],
      'ratios': [0.5, 1.5],
      'big.int': 2 ** 52 + 1,
      'negative': -42,
      'unicode': 'héllo ✓ 日本',
    },
  });
  const ctx = trace.setSpan(context.active(), root);
  for (let i = 0; i < 5; i++) {
    const attributes = { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM orders WHERE id = ${i}` };
    const child = db.startSpan(`SELECT orders ${i}`, { kind: SpanKind.CLIENT, attributes, startTime: at(i + 1) }, ctx);
    child.addEvent('row', { 'row.count': i }, at(i + 1.5));
    if (i === 3) {
      const error = new Error('connection reset');
      error.stack = 'Error: connection reset\n    at query (db.js:1:1)';
      child.recordException(error, at(i + 1.7));
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    }
    child.end(at(i + 2));
  }
  const links: Link[] = [{ context: root.spanContext(), attributes: { 'link.kind': 'follows' } }];
  const consumer = http.startSpan('process message', { kind: SpanKind.CONSUMER, links, startTime: at(10) });
  consumer.setStatus({ code: SpanStatusCode.OK });
  consumer.addEvent('empty event', at(11));
  consumer.end(at(12));
  http.startSpan('internal', { kind: SpanKind.INTERNAL, startTime: at(13) }).end(at(14));
  http.startSpan('producer', { kind: SpanKind.PRODUCER, startTime: at(15) }).end(at(16));
  root.end(at(20));
  return exporter.getFinishedSpans();
}

export const sdkProto = (spans: ReadableSpan[]): Uint8Array => ProtobufTraceSerializer.serializeRequest(spans)!;
export const sdkJson = (spans: ReadableSpan[]): Uint8Array => JsonTraceSerializer.serializeRequest(spans)!;
