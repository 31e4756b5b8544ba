import type { Span as OtelSpan } from '@opentelemetry/api';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeOtlpProto } from '@clew/codecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import { exportWith, recordSpans } from './testing/otel.js';

const running = useClewProcess();
const tempo = () => running().tempo;

const suffix = Math.random().toString(36).slice(2, 8);
const FRONTEND = `shop-frontend-${suffix}`;
const CATALOG = `shop-catalog-${suffix}`;
const LEGACY = `shop-legacy-${suffix}`;
const BATCH = `shop-batch-${suffix}`;
/** A 64-bit trace id, as Jaeger and Zipkin clients make them: 16 leading zeros in its 128-bit form. */
const LEGACY_TRACE_ID = '0'.repeat(16) + 'f' + [...Array(15)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');
/** Tempo writes search results' trace ids without leading zeros (util.TraceIDToHexString). */
const searchId = (id: string) => id.replace(/^0+/, '');
const under = (parent: OtelSpan) => trace.setSpan(context.active(), parent);

/** One span of `service` in a trace with a chosen id, through the SDK's own id generator hook. */
function recordWithTraceId(service: string, traceId: string, name: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    idGenerator: { generateTraceId: () => traceId, generateSpanId: () => '00000000000000a1' },
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  provider.getTracer('clew-int-test').startSpan(name, { kind: SpanKind.SERVER }).end();
  return memory.getFinishedSpans();
}

/*
 * frontend  GET /products     |==========|  SERVER, http.request.method=GET
 * catalog   list products       |======|    SERVER
 * catalog   SELECT products       |==|      CLIENT, db.system=postgresql, error "timeout"
 * frontend  GET /health       |=|           SERVER (a second trace)
 * legacy    GET /legacy       |=|           SERVER (a third trace, 64-bit id)
 * batch     nightly export    |==========|  41 children "write chunk", the root last: sent alone, a request of 42
 *                                            spans whose root the catalog's every-other-span sample would skip
 */
let spans: ReadableSpan[];
let traceId: string;
let healthTraceId: string;
let batchTraceId: string;

beforeAll(async () => {
  let back: ReadableSpan[] = [];
  const front = recordSpans(FRONTEND, (tracer) => {
    const root = tracer.startSpan('GET /products', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } });
    back = recordSpans(CATALOG, (inner) => {
      const list = inner.startSpan('list products', { kind: SpanKind.SERVER }, under(root));
      const select = inner.startSpan('SELECT products', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.rows': 12 } }, under(list));
      select.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
      select.end();
      list.end();
    });
    root.end();
  });
  const health = recordSpans(FRONTEND, (tracer) => tracer.startSpan('GET /health', { kind: SpanKind.SERVER }).end());
  const legacy = recordWithTraceId(LEGACY, LEGACY_TRACE_ID, 'GET /legacy');
  spans = [...front, ...back, ...health, ...legacy];
  traceId = back[0]!.spanContext().traceId;
  healthTraceId = health[0]!.spanContext().traceId;
  const exporter = new OTLPTraceExporter({ url: running().otlpHttp });
  const result = await exportWith(exporter, spans);
  await exporter.shutdown();
  expect(result.error ?? null).toBeNull();
  await waitForTrace(running().query, traceId, 3);
  await waitForTrace(running().query, healthTraceId, 1);
  await waitForTrace(running().query, LEGACY_TRACE_ID, 1);
  const batch = recordSpans(BATCH, (tracer) => {
    const root = tracer.startSpan('nightly export', { kind: SpanKind.INTERNAL });
    for (let i = 0; i < 41; i++) tracer.startSpan('write chunk', {}, under(root)).end();
    root.end();
  });
  batchTraceId = batch[0]!.spanContext().traceId;
  const batchExporter = new OTLPTraceExporter({ url: running().otlpHttp });
  expect((await exportWith(batchExporter, batch)).error ?? null).toBeNull();
  await batchExporter.shutdown();
  await waitForTrace(running().query, batchTraceId, 42);
});

const fetchText = async (path: string, accept?: string) => {
  const res = await fetch(`${tempo()}${path}`, accept === undefined ? {} : { headers: { accept } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
};

describe('Tempo API against a real clew serve', () => {
  it('answers echo, ready and a Tempo 2.x buildinfo', async () => {
    expect((await fetchText('/api/echo')).body.toString()).toBe('echo');
    expect((await fetchText('/ready')).status).toBe(200);
    const info = await getJson(`${tempo()}/api/status/buildinfo`);
    expect(info.body.version).toMatch(/^2\./);
  });
});

const hrNanos = ([s, ns]: [number, number]) => BigInt(s) * 1_000_000_000n + BigInt(ns);
const sentOf = (id: string) =>
  spans
    .filter((s) => s.spanContext().traceId === id)
    .map((s) => ({
      spanId: s.spanContext().spanId,
      parentSpanId: s.parentSpanContext?.spanId ?? null,
      name: s.name,
      kind: s.kind + 1, // the API's SpanKind counts from INTERNAL = 0, OTLP's from UNSPECIFIED = 0
      service: s.resource.attributes['service.name'],
      start: hrNanos(s.startTime),
      end: hrNanos(s.endTime),
      status: s.status.code,
    }))
    .sort((a, b) => (a.spanId < b.spanId ? -1 : 1));
const fromModel = (decoded: ReturnType<typeof decodeOtlpProto>['spans']) =>
  decoded
    .map((s) => ({
      spanId: s.spanId as string,
      parentSpanId: s.parentSpanId as string | null,
      name: s.name,
      kind: s.kind as number,
      service: s.resource.attributes.find((a) => a.key === 'service.name')?.value.type === 'string' ? (s.resource.attributes.find((a) => a.key === 'service.name')!.value as { value: string }).value : undefined,
      start: s.startTimeUnixNano as bigint,
      end: s.endTimeUnixNano as bigint,
      status: s.status.code as number,
    }))
    .sort((a, b) => (a.spanId < b.spanId ? -1 : 1));

/** A TraceByIDResponse's field 1 (the Trace), read past its tag and length prefix. */
function traceOfResponse(bytes: Buffer): Buffer {
  expect(bytes[0]).toBe(0x0a);
  let length = 0;
  let i = 1;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[i++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  expect(bytes.length).toBe(i + length);
  return bytes.subarray(i);
}

describe('trace by id', () => {
  it('v1 protobuf decodes to the spans the exporter sent', async () => {
    const res = await fetchText(`/api/traces/${traceId}`, 'application/protobuf');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/protobuf');
    expect(fromModel(decodeOtlpProto(res.body).spans)).toEqual(sentOf(traceId));
  });

  it('v2 protobuf wraps the same Trace in a TraceByIDResponse', async () => {
    const v1 = await fetchText(`/api/traces/${traceId}`, 'application/protobuf');
    const v2 = await fetchText(`/api/v2/traces/${traceId}`, 'application/protobuf');
    expect(traceOfResponse(v2.body)).toEqual(v1.body);
  });

  it('v1 and v2 JSON carry every span, ids as base64 and enums by name as Tempo writes them', async () => {
    const v1 = await getJson(`${tempo()}/api/traces/${traceId}`);
    const v2 = await getJson(`${tempo()}/api/v2/traces/${traceId}`);
    expect(v1.status).toBe(200);
    expect(v2.body.trace.resourceSpans).toEqual(v1.body.batches);
    const jsonSpans = (v1.body.batches as any[]).flatMap((b) => b.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => ({ ...s, service: b.resource.attributes.find((a: any) => a.key === 'service.name').value.stringValue }))));
    const hex = (b64: string | undefined) => (b64 === undefined ? null : Buffer.from(b64, 'base64').toString('hex'));
    const kinds = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT'];
    const statuses = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
    const read = jsonSpans
      .map((s) => {
        expect(hex(s.traceId)).toBe(traceId);
        return {
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: kinds.indexOf(s.kind),
          service: s.service,
          start: BigInt(s.startTimeUnixNano),
          end: BigInt(s.endTimeUnixNano),
          status: s.status?.code === undefined ? 0 : statuses.indexOf(s.status.code),
        };
      })
      .sort((a, b) => (a.spanId! < b.spanId! ? -1 : 1));
    expect(read).toEqual(sentOf(traceId));
    const select = jsonSpans.find((s) => s.name === 'SELECT products');
    expect(select.attributes).toEqual([
      { key: 'db.system', value: { stringValue: 'postgresql' } },
      { key: 'db.rows', value: { intValue: '12' } },
    ]);
  });

  it('a time range that misses the trace still finds it: start/end only say where to look first', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hourBefore = await fetchText(`/api/traces/${traceId}?start=${now - 7200}&end=${now - 3600}`, 'application/protobuf');
    expect(hourBefore.status).toBe(200);
    expect(fromModel(decodeOtlpProto(hourBefore.body).spans)).toEqual(sentOf(traceId));
    const v2 = await getJson(`${tempo()}/api/v2/traces/${traceId}?start=1&end=2`);
    expect(v2.status).toBe(200);
    expect(v2.body).toEqual((await getJson(`${tempo()}/api/v2/traces/${traceId}`)).body);
  });

  it('ids are read in either case; unknown ids are 404 and malformed ones 400, with Tempo texts', async () => {
    expect((await fetchText(`/api/traces/${traceId.toUpperCase()}`)).status).toBe(200);
    const missing = await fetchText('/api/traces/0123456789abcdef');
    expect([missing.status, missing.body.toString()]).toEqual([404, 'trace not found\n']);
    const bad = await fetchText('/api/v2/traces/not-hex');
    expect([bad.status, bad.body.toString()]).toEqual([400, "trace IDs can only contain hex characters: invalid character 'n' at position 1\n"]);
  });
});

const search = (params: Record<string, string>) => getJson(`${tempo()}/api/search?${new URLSearchParams(params).toString()}`);

describe('search', () => {
  it('a structural TraceQL query finds the trace and shows the matching spans', async () => {
    const res = await search({ q: `{ resource.service.name = "${FRONTEND}" } >> { resource.service.name = "${CATALOG}" && span.db.system = "postgresql" }` });
    expect(res.status).toBe(200);
    expect(res.body.traces).toHaveLength(1);
    const [t] = res.body.traces;
    expect(t.traceID).toBe(searchId(traceId));
    expect(t.rootServiceName).toBe(FRONTEND);
    expect(t.rootTraceName).toBe('GET /products');
    const select = spans.find((s) => s.name === 'SELECT products')!;
    expect(t.spanSets[0].spans.map((s: any) => s.spanID)).toEqual([select.spanContext().spanId]);
    expect(t.spanSets[0].matched).toBe(1);
    expect(t.spanSet).toEqual(t.spanSets[0]);
  });

  it('pipelines and intrinsics: errors, counts, newest first', async () => {
    const errors = await search({ q: `{ status = error && resource.service.name = "${CATALOG}" }` });
    expect(errors.body.traces.map((t: any) => t.traceID)).toEqual([searchId(traceId)]);
    const both = await search({ q: `{ resource.service.name = "${FRONTEND}" }` });
    // GET /health started after GET /products ended, so it comes first
    expect(both.body.traces.map((t: any) => t.traceID)).toEqual([healthTraceId, traceId].map(searchId));
    const counted = await search({ q: `{ resource.service.name = "${CATALOG}" } | count() > 1` });
    expect(counted.body.traces[0].spanSets[0].attributes).toEqual([{ key: 'count()', value: { intValue: '2' } }]);
    // Tempo writes a duration aggregate as a Go duration string
    const averaged = await search({ q: `{ resource.service.name = "${CATALOG}" } | avg(duration) > 0ms` });
    expect(averaged.body.traces[0].spanSets[0].attributes).toEqual([{ key: 'avg(duration)', value: { stringValue: expect.stringMatching(/^[0-9]+(\.[0-9]+)?(ns|µs|ms|s)$/) } }]);
  });

  it('trace ids are written as Tempo writes them, without leading zeros, and open the trace as they are', async () => {
    const res = await search({ q: `{ resource.service.name = "${LEGACY}" }` });
    expect(res.body.traces.map((t: any) => t.traceID)).toEqual([LEGACY_TRACE_ID.slice(16)]);
    const opened = await fetchText(`/api/traces/${res.body.traces[0].traceID}`, 'application/protobuf');
    expect(opened.status).toBe(200);
    expect(fromModel(decodeOtlpProto(opened.body).spans)).toEqual(sentOf(LEGACY_TRACE_ID));
  });

  it('a malformed query is a 400 with the parse error', async () => {
    const res = await fetchText(`/api/search?q=${encodeURIComponent('{ span.db.system = }')}`);
    expect(res.status).toBe(400);
    expect(res.body.toString()).toMatch(/^parse error at line 1, col 20: /);
  });

  it('tag search (logfmt) with durations', async () => {
    const byService = await search({ tags: `service.name=${CATALOG} db.system=postgres` });
    expect(byService.body.traces.map((t: any) => t.traceID)).toEqual([searchId(traceId)]);
    const tooShort = await search({ tags: `service.name=${FRONTEND}`, minDuration: '1h' });
    expect(tooShort.body.traces).toEqual([]);
    const bad = await fetchText('/api/search?minDuration=soon');
    expect([bad.status, bad.body.toString()]).toEqual([400, 'invalid minDuration: time: invalid duration "soon"\n']);
  });
});

describe('tags and values', () => {
  it('v1 and v2 tag names, by scope', async () => {
    const v1 = await getJson(`${tempo()}/api/search/tags`);
    expect(v1.body.tagNames).toEqual(expect.arrayContaining(['db.system', 'http.request.method', 'service.name']));
    const v2 = await getJson(`${tempo()}/api/v2/search/tags`);
    const scope = (name: string) => v2.body.scopes.find((s: any) => s.name === name).tags;
    expect(scope('span')).toEqual(expect.arrayContaining(['db.system', 'db.rows', 'http.request.method']));
    expect(scope('span')).not.toContain('service.name');
    expect(scope('resource')).toEqual(expect.arrayContaining(['service.name', 'deployment.environment']));
    expect(scope('intrinsic')).toEqual(expect.arrayContaining(['name', 'status', 'kind', 'duration', 'rootServiceName']));
  });

  it('v1 and v2 tag values, typed in v2', async () => {
    const v1 = await getJson(`${tempo()}/api/search/tag/service.name/values`);
    expect(v1.body.tagValues).toEqual(expect.arrayContaining([FRONTEND, CATALOG]));
    const services = await getJson(`${tempo()}/api/v2/search/tag/resource.service.name/values`);
    expect(services.body.tagValues).toEqual(expect.arrayContaining([{ type: 'string', value: FRONTEND }, { type: 'string', value: CATALOG }]));
    const rows = await getJson(`${tempo()}/api/v2/search/tag/span.db.rows/values`);
    expect(rows.body.tagValues).toEqual([{ type: 'int', value: '12' }]);
    const status = await getJson(`${tempo()}/api/v2/search/tag/status/values`);
    expect(status.body.tagValues).toEqual([{ type: 'keyword', value: 'error' }, { type: 'keyword', value: 'ok' }, { type: 'keyword', value: 'unset' }]);
  });

  it('root service and span names are those seen on root spans, and each finds a trace', async () => {
    const values = async (path: string) => ((await getJson(`${tempo()}${path}`)).body.tagValues as any[]).map((v) => (typeof v === 'string' ? v : v.value));
    for (const path of ['/api/v2/search/tag/rootServiceName/values', '/api/v2/search/tag/trace:rootService/values', '/api/search/tag/root.service.name/values']) {
      const services = await values(path);
      expect(services, path).toEqual(expect.arrayContaining([FRONTEND, LEGACY, BATCH]));
      expect(services, path).not.toContain(CATALOG); // its spans all have parents
    }
    for (const path of ['/api/v2/search/tag/rootName/values', '/api/search/tag/root.name/values']) {
      const names = await values(path);
      expect(names, path).toEqual(expect.arrayContaining(['GET /products', 'GET /health', 'GET /legacy', 'nightly export']));
      expect(names, path).not.toContain('list products');
      expect(names, path).not.toContain('write chunk');
    }
    const byRoot = await search({ q: `{ rootServiceName = "${BATCH}" && rootName = "nightly export" }`, spss: '1' });
    expect(byRoot.body.traces.map((t: any) => t.traceID)).toEqual([searchId(batchTraceId)]);
    const legacyTags = await search({ tags: `root.service.name=${LEGACY}` });
    expect(legacyTags.body.traces.map((t: any) => t.traceID)).toEqual([LEGACY_TRACE_ID.slice(16)]);
  });

  it('event-scoped attributes and intrinsics Clew does not search are answered empty, as Tempo answers a valid identifier', async () => {
    for (const path of ['/api/v2/search/tag/event.name/values', '/api/v2/search/tag/event:name/values', '/api/v2/search/tag/link.kind/values', '/api/v2/search/tag/instrumentation.x/values']) {
      const res = await getJson(`${tempo()}${path}`);
      expect([res.status, res.body], path).toEqual([200, { tagValues: [] }]);
    }
  });
});
