import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
// The exporter's own span mapping, the oracle of what it sent (the package has no exports map, so this resolves).
import { toZipkinSpan } from '@opentelemetry/exporter-zipkin/build/src/transform.js';
import { describe, expect, it } from 'vitest';
import { getJson, useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import { exportWith, recordSpans } from './testing/otel.js';
import type { TempoAttribute, TempoSpan } from './testing/tempo.js';
import { attr, grafanaSearchParams, sortedByKey, traceQLMatches, waitForTempoTrace } from './testing/tempo.js';
import { recordCartTrace, waitForZipkinTrace, zipkinJsClient } from './testing/zipkin.js';

const running = useClewProcess();
const uniq = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

/** What Clew's Zipkin API gives back for a span a client sent: the same, with the status tags the exporter adds. */
function expectedBack(sent: any): any {
  const out = structuredClone(sent);
  delete out.debug;
  if (out.timestamp !== undefined) out.timestamp = Math.trunc(out.timestamp);
  const tags = { ...out.tags };
  if (tags['service.name'] !== undefined) delete tags['service.name']; // the resource's, shown as localEndpoint
  if (tags.error !== undefined && tags.error !== 'false' && tags['otel.status_code'] === undefined) tags['otel.status_code'] = 'ERROR';
  if (tags.error !== undefined && tags.error !== 'true' && tags.error !== 'false') tags['otel.status_description'] = tags.error;
  if (Object.keys(tags).length > 0) out.tags = tags;
  else delete out.tags;
  if (out.annotations?.length === 0) delete out.annotations;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** Every span the client sent must come back through Jaeger's API too: same ids, times, service, parent. */
async function expectInJaeger(query: string, traceId: string, sent: any[]): Promise<void> {
  const jt = await waitForTrace(query, traceId, sent.length);
  for (const z of sent) {
    const js = jt.spans.find((s: any) => s.spanID === z.id && (z.kind !== 'SERVER' || s.tags.some((t: any) => t.key === 'span.kind' && t.value === 'server')));
    expect(js, z.name).toBeDefined();
    expect(js.operationName).toBe(z.name ?? '');
    expect(js.startTime).toBe(Math.trunc(z.timestamp));
    expect(js.duration).toBe(z.duration);
    // A span without a local service has an empty resource, which Jaeger's translator names so.
    expect(jt.processes[js.processID].serviceName).toBe(z.localEndpoint?.serviceName ?? 'OTLPResourceNoServiceName');
    if (z.parentId) expect(js.references).toContainEqual({ refType: 'CHILD_OF', traceID: jt.traceID, spanID: z.parentId });
  }
}

/** Of the tags these clients send, those semantic conventions name as resource attributes (OpenTelemetry's exporter sends the resource as tags). */
const RESOURCE_TAGS = new Set(['service.name', 'deployment.environment', 'telemetry.sdk.language', 'telemetry.sdk.name', 'telemetry.sdk.version']);
/** Tags that become the span's status rather than attributes. */
const STATUS_TAGS = new Set(['otel.status_code', 'otel.status_description']);
const KINDS: Record<string, string> = { CLIENT: 'SPAN_KIND_CLIENT', SERVER: 'SPAN_KIND_SERVER', PRODUCER: 'SPAN_KIND_PRODUCER', CONSUMER: 'SPAN_KIND_CONSUMER' };

/** An endpoint's address as attributes named `net.<side>.ip` and `net.<side>.port` (an int). */
function endpointAttributes(side: 'host' | 'peer', e: any): TempoAttribute[] {
  if (e === undefined) return [];
  const ip = e.ipv6 ?? e.ipv4;
  return [...(ip === undefined ? [] : [attr(`net.${side}.ip`, 'string', ip)]), ...(e.port === undefined ? [] : [attr(`net.${side}.port`, 'int', BigInt(e.port))])];
}

/** The status a span's tags say: otel.status_code, or Zipkin's `error` tag holding the message. */
function expectedStatus(tags: Record<string, string>): TempoSpan['status'] {
  let code = tags['otel.status_code'] === undefined ? 'STATUS_CODE_UNSET' : `STATUS_CODE_${tags['otel.status_code'].toUpperCase()}`;
  let message = tags['otel.status_description'] ?? '';
  const error = tags.error;
  if (error !== undefined && error !== 'false') {
    code = 'STATUS_CODE_ERROR';
    if (message === '' && error !== 'true') message = error;
  }
  return { code, message };
}

/** A Zipkin v2 span a client sent, as docs/zipkin.md maps it to the model (what Tempo's JSON must show). */
function expectedTempoSpan(z: any): TempoSpan {
  const tags: Record<string, string> = z.tags ?? {};
  const service = z.localEndpoint?.serviceName;
  const isError = tags.error !== undefined && tags.error !== 'false';
  const spanTags = Object.entries(tags).filter(([k]) => !RESOURCE_TAGS.has(k) && !STATUS_TAGS.has(k) && !(k === 'error' && isError));
  const start = BigInt(Math.trunc(z.timestamp)) * 1000n;
  return {
    traceId: z.traceId.padStart(32, '0'),
    spanId: z.id,
    parentSpanId: z.parentId ?? null,
    name: z.name ?? '',
    kind: KINDS[z.kind] ?? 'SPAN_KIND_UNSPECIFIED',
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(z.duration) * 1000n,
    attributes: sortedByKey([
      ...spanTags.map(([k, v]) => attr(k, 'string', v)),
      ...endpointAttributes('host', z.localEndpoint),
      ...(z.remoteEndpoint?.serviceName === undefined ? [] : [attr('peer.service', 'string', z.remoteEndpoint.serviceName)]),
      ...endpointAttributes('peer', z.remoteEndpoint),
    ]),
    events: (z.annotations ?? []).map((a: any) => ({ timeUnixNano: BigInt(a.timestamp) * 1000n, name: a.value, attributes: [] })),
    links: [],
    status: expectedStatus(tags),
    // Without a local service the resource is empty, resource tags and all.
    resource:
      service === undefined
        ? []
        : sortedByKey([attr('service.name', 'string', service), ...Object.entries(tags).filter(([k]) => RESOURCE_TAGS.has(k) && k !== 'service.name').map(([k, v]) => attr(k, 'string', v))]),
    scope: { name: '', version: '' },
  };
}

/** Every span the client sent reads back through the Tempo API, every field with its type. */
async function expectInTempo(traceId: string, sent: any[]): Promise<void> {
  const back = await waitForTempoTrace(running().tempo, traceId, sent.length);
  for (const z of sent) expect(back.find((t) => t.spanId === z.id && (z.kind !== 'SERVER' || t.kind === 'SPAN_KIND_SERVER')), z.name).toEqual(expectedTempoSpan(z));
}

/** TraceQL over /api/search, asked as Grafana asks, finds exactly this trace, and in it exactly the span `spanId`. */
async function expectFound(q: string, traceId: string, spanId: string): Promise<void> {
  expect(await traceQLMatches(running().tempo, q, grafanaSearchParams(Date.now())), q).toEqual([{ traceId, spanIds: [spanId] }]);
}

describe('@opentelemetry/exporter-zipkin → Clew', () => {
  it('exports to /api/v2/spans and every span reads back through the Zipkin, Jaeger and Tempo APIs', async () => {
    const service = uniq('otel-zipkin');
    const spans: ReadableSpan[] = recordSpans(service, (tracer) => {
      const root = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.method': 'GET', 'http.status_code': 200 } });
      const under = trace.setSpan(context.active(), root);
      const db = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'peer.service': 'postgres', 'db.system': 'postgresql' } }, under);
      db.addEvent('slow query');
      db.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock detected' });
      db.end();
      const local = tracer.startSpan('render', {}, under);
      local.setStatus({ code: SpanStatusCode.OK });
      local.end();
      root.end();
    });
    const exporter = new ZipkinExporter({ url: `${running().zipkin}/api/v2/spans` });
    const result = await exportWith(exporter, spans);
    await exporter.shutdown();
    expect(result.error ?? null).toBeNull();
    expect(result.code).toBe(0);

    const sent = spans.map((s) => toZipkinSpan(s, service, 'otel.status_code', 'error'));
    const traceId = spans[0]!.spanContext().traceId;
    const back = await waitForZipkinTrace(running().zipkin, traceId, 3);
    for (const z of sent) {
      // The exporter sends no remote endpoint; peer.service, a span attribute, comes back as one (as the
      // collector's exporter maps it).
      const want = expectedBack(z);
      if (want.tags?.['peer.service']) {
        want.remoteEndpoint = { serviceName: want.tags['peer.service'] };
        delete want.tags['peer.service'];
      }
      expect(back.find((b) => b.id === z.id)).toEqual(want);
    }
    await expectInJaeger(running().query, traceId, sent);
    await expectInTempo(traceId, sent);
    const db = sent.find((z) => z.name === 'SELECT orders')!;
    await expectFound(`{ resource.service.name = "${service}" && span.db.system = "postgresql" && status = error }`, traceId, db.id);
    await expectFound(`{ resource.service.name = "${service}" && kind = server } > { span.peer.service = "postgres" }`, traceId, db.id);
  });
});

describe.each(['v2', 'v1'] as const)('zipkin-js + zipkin-transport-http, JSON %s → Clew', (version) => {
  it('reports a trace with server, client and local spans that reads back through the Zipkin, Jaeger and Tempo APIs', async () => {
    const service = uniq(`zipkin-js-${version}`);
    const client = zipkinJsClient(running().zipkin, service, version);
    const traceId = recordCartTrace(client.tracer, service);
    expect(await client.flush()).toBe(202);
    expect(client.reportedV2).toHaveLength(3);

    // zipkin-js's v1 encoder leaves out the local endpoint of a span with no annotations: that span arrives without
    // a service, and must come back so.
    const expected = client.reportedV2.map((z) => {
      const v1 = client.posted.find((p) => p.id === z.id);
      const carriesEndpoint = version === 'v2' || v1.annotations?.length > 0 || v1.binaryAnnotations?.length > 0;
      return carriesEndpoint ? z : { ...z, localEndpoint: undefined };
    });
    const back = await waitForZipkinTrace(running().zipkin, traceId, 3);
    for (const z of expected) expect(back.find((b) => b.id === z.id), z.name).toEqual(expectedBack(z));
    await expectInJaeger(running().query, traceId.padStart(32, '0'), expected);
    await expectInTempo(traceId.padStart(32, '0'), expected);
    const root = expected.find((z) => z.name === 'get /cart');
    const call = expected.find((z) => z.name === 'get stock');
    await expectFound(`{ resource.service.name = "${service}" && span.http.path = "/cart" }`, traceId.padStart(32, '0'), root.id);
    await expectFound(`{ rootServiceName = "${service}" && status = error && statusMessage = "inventory timed out" }`, traceId.padStart(32, '0'), call.id);
  });
});

describe('the read API finds what the clients sent', () => {
  it('lists services, span names and remote services, and searches with annotationQuery', async () => {
    const service = uniq('zipkin-search');
    const client = zipkinJsClient(running().zipkin, service, 'v2');
    const traceId = recordCartTrace(client.tracer, service);
    expect(await client.flush()).toBe(202);
    await waitForZipkinTrace(running().zipkin, traceId, 3);
    const z = running().zipkin;
    const json = async <T = unknown>(path: string) => (await getJson<T>(`${z}${path}`)).body;
    expect(await json('/api/v2/services')).toContain(service);
    expect(await json(`/api/v2/spans?serviceName=${service}`)).toEqual(['get /cart', 'get stock', 'render']);
    expect(await json(`/api/v2/remoteServices?serviceName=${service}`)).toEqual(['inventory']);
    const found = await json<Array<Array<{ traceId: string }>>>(`/api/v2/traces?serviceName=${service}&annotationQuery=${encodeURIComponent('error and http.path=/cart')}`);
    expect(found.map((t) => t[0]!.traceId)).toEqual([traceId]);
    expect(await json(`/api/v2/traces?serviceName=${service}&annotationQuery=http.path%3D/nope`)).toEqual([]);
    expect(await json(`/api/v2/traces?serviceName=${service}&minDuration=700&maxDuration=900`)).toHaveLength(1);
    expect(await json(`/api/v2/traces?serviceName=${service}&minDuration=2000`)).toEqual([]);
  });
});
