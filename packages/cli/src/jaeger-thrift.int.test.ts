import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FULL_BATCH, jaegerSpan } from '@clew/testing/jaeger-batches';
import { encodeEmitBatch, encodeJaegerBatch, jaegerTag, ThriftWriter } from '@clew/testing/jaeger-thrift-writer';
import type { JaegerBatch } from '@clew/codecs';
import { MessageType } from '@clew/codecs';
import { useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import type { JaegerClient, SentSpan, SentTag } from './testing/jaeger.js';
import { followsFrom, jaegerClient, sendDatagram } from './testing/jaeger.js';
import type { TempoAttribute, TempoSpan } from './testing/tempo.js';
import { attr, grafanaSearchParams, searchTempo, searchTraceId, sortedByKey, traceQLMatches, waitForTempoTrace } from './testing/tempo.js';
import { waitForZipkinTrace } from './testing/zipkin.js';

const LIMIT = 64 * 1024;
const running = useClewProcess(['--max-request-bytes', String(LIMIT)]);
const uniq = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * One trace with what jaeger-client can say:
 *
 *   GET /checkout  server, tags of every type the client sends   ├──────────────────────┤
 *     ├─ charge    client, error, two logs                          ├──────┤
 *     ├─ render    CHILD_OF                                                 ├──┤
 *     └─ audit     FOLLOWS_FROM the root                                        ├─┤
 */
function recordTrace(client: JaegerClient): void {
  const { tracer } = client;
  const root = tracer.startSpan('GET /checkout', {
    tags: { 'span.kind': 'server', 'http.method': 'GET', 'http.status_code': 200, 'cache.hit': false, ratio: 0.25, payload: Buffer.from([0, 1, 254, 255]), user: { id: 7 } },
  });
  const charge = tracer.startSpan('charge', { childOf: root, tags: { 'span.kind': 'client', 'peer.service': 'payments' } });
  charge.log({ event: 'retry', attempt: 2 });
  charge.log({ message: 'card declined', code: 'E42' });
  charge.setTag('error', true);
  charge.finish();
  const render = tracer.startSpan('render', { childOf: root, tags: { template: 'cart' } });
  render.finish();
  const audit = tracer.startSpan('audit', { references: [followsFrom(root.context())] });
  audit.finish();
  root.finish();
}

/** Jaeger's query service sorts tags and log fields by key (its SortTagsAndLogFields adjuster). */
const byKey = (tags: readonly SentTag[]): SentTag[] => [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * The tags Clew's Jaeger API gives back for tags a client sent: sorted, and span.kind and a true error become kind
 * and status, which the API writes after the rest.
 */
function expectedTags(sent: readonly SentTag[]): SentTag[] {
  const kind = sent.find((t) => t.key === 'span.kind');
  const failed = sent.some((t) => t.key === 'error' && t.value === true);
  const out = byKey(sent.filter((t) => t !== kind && !(t.key === 'error' && t.value === true)));
  if (kind !== undefined) out.push(kind);
  if (failed) out.push({ key: 'otel.status_code', type: 'string', value: 'ERROR' }, { key: 'error', type: 'bool', value: true });
  return out;
}

/** The parent first (as CHILD_OF unless a reference to it says otherwise), then the other references. */
function expectedReferences(s: SentSpan): Array<{ refType: string; traceID: string; spanID: string }> {
  const refs = s.references.map((r) => ({ refType: r.refType, traceID: r.traceId, spanID: r.spanId }));
  const toParent = refs.findIndex((r) => r.spanID === s.parentSpanId && r.traceID === s.traceId);
  if (s.parentSpanId === '') return refs;
  if (toParent < 0) return [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId }, ...refs];
  return [refs[toParent]!, ...refs.filter((_, i) => i !== toParent)];
}

/** A log's `event` field names the event; the API writes it first, then the other fields sorted. */
function expectedFields(fields: readonly SentTag[]): SentTag[] {
  const event = fields.find((t) => t.key === 'event');
  const rest = byKey(fields.filter((t) => t !== event));
  return event === undefined ? rest : [event, ...rest];
}

/** hostname and jaeger.version become host.name and opencensus.exporterversion, as the translator renames them. */
function expectedProcessTags(sent: readonly SentTag[]): SentTag[] {
  const out = sent.filter((t) => t.key !== 'hostname' && t.key !== 'jaeger.version');
  const hostname = sent.find((t) => t.key === 'hostname');
  const version = sent.find((t) => t.key === 'jaeger.version');
  if (hostname) out.push({ key: 'host.name', type: 'string', value: hostname.value });
  if (version) out.push({ key: 'opencensus.exporterversion', type: 'string', value: `Jaeger-${String(version.value)}` });
  return byKey(out);
}

/** Every span the client sent reads back through Clew's Jaeger API, field for field. */
async function expectInJaeger(client: JaegerClient): Promise<void> {
  const traceId = client.sent[0]!.traceId;
  const trace = await waitForTrace(running().query, traceId, client.sent.length);
  for (const s of client.sent) {
    const back = trace.spans.find((j: any) => j.spanID === s.spanId);
    expect(back, s.operationName).toBeDefined();
    expect(back.traceID).toBe(traceId);
    expect(back.operationName).toBe(s.operationName);
    expect(back.startTime).toBe(s.startTime);
    expect(back.duration).toBe(s.duration);
    expect(back.references).toEqual(expectedReferences(s));
    expect(back.tags).toEqual(expectedTags(s.tags));
    expect(back.logs).toEqual(s.logs.map((l) => ({ timestamp: l.timestamp, fields: expectedFields(l.fields) })));
    expect(trace.processes[back.processID]).toEqual({ serviceName: client.serviceName, tags: expectedProcessTags(client.processTags) });
  }
}

/** And through the Zipkin API: ids, parent, name, times, kind, service and the log times as annotations. */
async function expectInZipkin(client: JaegerClient): Promise<void> {
  const traceId = client.sent[0]!.traceId;
  const back = await waitForZipkinTrace(running().zipkin, traceId, client.sent.length);
  for (const s of client.sent) {
    const z = back.find((b) => b.id === s.spanId);
    expect(z, s.operationName).toBeDefined();
    expect(z.traceId).toBe(traceId);
    expect(z.parentId).toBe(s.parentSpanId === '' ? undefined : s.parentSpanId);
    // Zipkin leaves out a zero duration (jaeger-client measures in milliseconds, so quick spans have one).
    expect([z.name, z.timestamp, z.duration]).toEqual([s.operationName, s.startTime, s.duration === 0 ? undefined : s.duration]);
    const kind = s.tags.find((t) => t.key === 'span.kind')?.value;
    expect(z.kind).toBe(typeof kind === 'string' ? kind.toUpperCase() : undefined);
    expect(z.localEndpoint.serviceName).toBe(client.serviceName);
    expect((z.annotations ?? []).map((a: any) => a.timestamp)).toEqual(s.logs.map((l) => l.timestamp));
  }
}

/** A tag or log field as the model types it: numbers are doubles (the Node client sends them as DOUBLE). */
function typed({ key, type, value }: SentTag): TempoAttribute {
  switch (type) {
    case 'float64':
      return attr(key, 'double', value as number);
    case 'bool':
      return attr(key, 'bool', value as boolean);
    case 'binary':
      return attr(key, 'bytes', value as string);
    default:
      return attr(key, 'string', value as string);
  }
}

const KINDS: Record<string, string> = { client: 'SPAN_KIND_CLIENT', server: 'SPAN_KIND_SERVER', producer: 'SPAN_KIND_PRODUCER', consumer: 'SPAN_KIND_CONSUMER', internal: 'SPAN_KIND_INTERNAL' };

/** A span jaeger-client sent, as docs/jaeger-thrift.md maps it to the model (what Tempo's JSON must show). */
function expectedTempoSpan(client: JaegerClient, s: SentSpan): TempoSpan {
  const kind = s.tags.find((t) => t.key === 'span.kind');
  const failed = s.tags.some((t) => t.key === 'error' && t.value === true);
  const parent = s.parentSpanId !== '' ? s.parentSpanId : (s.references.find((r) => r.traceId === s.traceId)?.spanId ?? null);
  const start = BigInt(s.startTime) * 1000n;
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: parent,
    name: s.operationName,
    kind: typeof kind?.value === 'string' ? (KINDS[kind.value] ?? 'SPAN_KIND_UNSPECIFIED') : 'SPAN_KIND_UNSPECIFIED',
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(s.duration) * 1000n,
    attributes: sortedByKey(s.tags.filter((t) => t !== kind && !(t.key === 'error' && t.value === true)).map(typed)),
    events: s.logs.map((l) => ({
      timeUnixNano: BigInt(l.timestamp) * 1000n,
      name: String(l.fields.find((f) => f.key === 'event')?.value ?? ''),
      attributes: sortedByKey(l.fields.filter((f) => f.key !== 'event').map(typed)),
    })),
    links: s.references
      .filter((r) => !(r.refType === 'CHILD_OF' && r.spanId === parent && r.traceId === s.traceId))
      .map((r) => ({ traceId: r.traceId, spanId: r.spanId, attributes: [attr('opentracing.ref_type', 'string', r.refType.toLowerCase())] })),
    status: failed ? { code: 'STATUS_CODE_ERROR', message: '' } : { code: 'STATUS_CODE_UNSET', message: '' },
    resource: sortedByKey([attr('service.name', 'string', client.serviceName), ...expectedProcessTags(client.processTags).map(typed)]),
    scope: { name: '', version: '' },
  };
}

/** And through the Tempo API (OTLP JSON as Tempo writes it): every field of every span, with its type. */
async function expectInTempo(client: JaegerClient): Promise<void> {
  const traceId = client.sent[0]!.traceId;
  const back = await waitForTempoTrace(running().tempo, traceId, client.sent.length);
  for (const s of client.sent) expect(back.find((t) => t.spanId === s.spanId), s.operationName).toEqual(expectedTempoSpan(client, s));
}

/** TraceQL finds the trace by tags the client set, typed as it sent them, and shows the span that matched. */
async function expectFoundByTraceQL(client: JaegerClient): Promise<void> {
  const traceId = client.sent[0]!.traceId;
  const service = `resource.service.name = "${client.serviceName}"`;
  const charge = client.sent.find((s) => s.operationName === 'charge')!;
  const root = client.sent.find((s) => s.operationName === 'GET /checkout')!;
  for (const [q, spanId] of [
    [`{ ${service} && span.peer.service = "payments" && status = error && kind = client }`, charge.spanId],
    [`{ ${service} && span.ratio = 0.25 && span.cache.hit = false && span.http.status_code >= 200 }`, root.spanId],
    [`{ ${service} && name = "GET /checkout" } > { span.peer.service = "payments" }`, charge.spanId],
  ] as const) {
    expect(await traceQLMatches(running().tempo, q, grafanaSearchParams(root.startTime / 1000)), q).toEqual([{ traceId, spanIds: [spanId] }]);
  }
  const [rootMatch] = (await searchTempo(running().tempo, `{ ${service} }`)).traces;
  expect([searchTraceId(rootMatch.traceID), rootMatch.rootServiceName, rootMatch.rootTraceName]).toEqual([traceId, client.serviceName, 'GET /checkout']);
  expect((await searchTempo(running().tempo, `{ ${service} && span.ratio = 0.5 }`)).traces).toEqual([]);
  // Outside the time range asked for, the trace is not found.
  expect(await traceQLMatches(running().tempo, `{ ${service} }`, grafanaSearchParams(root.startTime / 1000 - 3_600_000))).toEqual([]);
}

describe('jaeger-client → Clew', () => {
  it.each([
    ['UDPSender, agent binary Thrift', (): { udp: string } => ({ udp: running().jaegerBinary })],
    ['HTTPSender, POST /api/traces', (): { http: string } => ({ http: running().jaegerThriftHttp })],
  ])('%s: every span reads back through the Jaeger, Zipkin and Tempo APIs', async (_, target) => {
    const client = jaegerClient(uniq('jaeger-node'), target(), { 'deployment.environment': 'test', 'build.number': 42 });
    recordTrace(client);
    await client.close();
    expect(client.errors).toEqual([]);
    expect(client.sent).toHaveLength(4);
    await expectInJaeger(client);
    await expectInZipkin(client);
    await expectInTempo(client);
    await expectFoundByTraceQL(client);
  });
});

const randomI64 = (): bigint => BigInt.asIntN(64, BigInt(`0x${randomBytes(8).toString('hex')}`));

/** FULL_BATCH moved to `now` (the store keeps recent spans) under a trace id of its own. */
function freshBatch(now = Date.now()): JaegerBatch {
  const traceIdHigh = randomI64();
  const shift = BigInt(now) * 1000n - 1_700_000_000_000_000n;
  const retrace = <T extends { traceIdHigh: bigint }>(r: T): T => (r.traceIdHigh === FULL_BATCH.spans[0]!.traceIdHigh ? { ...r, traceIdHigh } : r);
  return {
    process: { ...FULL_BATCH.process, serviceName: uniq('jaeger-compact') },
    spans: FULL_BATCH.spans.map((s) => ({
      ...retrace(s),
      startTime: s.startTime + shift,
      references: s.references.map(retrace),
      logs: s.logs.map((l) => ({ ...l, timestamp: l.timestamp + shift })),
    })),
  };
}

const traceHex = (b: JaegerBatch) => (BigInt.asUintN(64, b.spans[0]!.traceIdHigh) * 2n ** 64n + BigInt.asUintN(64, b.spans[0]!.traceIdLow)).toString(16).padStart(32, '0');

/** A trace read through the Jaeger API with its trace id and service blanked, to compare traces sent apart. */
function comparable(trace: any): any {
  const out = structuredClone(trace);
  delete out.traceID;
  for (const s of out.spans) {
    delete s.traceID;
    for (const r of s.references) if (r.traceID === trace.traceID) r.traceID = '<same>';
  }
  for (const p of Object.values(out.processes) as any[]) p.serviceName = '<service>';
  return out;
}

describe('the agent ports', () => {
  it('a batch sent to the compact port (6831) reads back the same as through the binary port (6832)', async () => {
    const now = Date.now();
    const viaCompact = freshBatch(now);
    const viaBinary = freshBatch(now);
    await sendDatagram(running().jaegerCompact, encodeEmitBatch(viaCompact, 'compact'));
    await sendDatagram(running().jaegerBinary, encodeEmitBatch(viaBinary, 'binary'));
    const compactTrace = await waitForTrace(running().query, traceHex(viaCompact), 3);
    const binaryTrace = await waitForTrace(running().query, traceHex(viaBinary), 3);
    expect(comparable(compactTrace)).toEqual(comparable(binaryTrace));
    // And it is the batch that was sent: names, service, the error span's status, the link out of the trace.
    expect(compactTrace.spans.map((s: any) => s.operationName).sort()).toEqual(['GET /checkout', 'charge', 'notify']);
    expect(compactTrace.processes.p1.serviceName).toBe(viaCompact.process.serviceName);
    const charge = compactTrace.spans.find((s: any) => s.operationName === 'charge');
    expect(charge.tags).toContainEqual({ key: 'otel.status_description', type: 'string', value: 'card declined' });
    const notify = compactTrace.spans.find((s: any) => s.operationName === 'notify');
    expect(notify.references).toContainEqual({ refType: 'CHILD_OF', traceID: '0000000000000077', spanID: '0000000000000088' });
  });

  it('a garbage datagram, or another Agent method, is dropped and counted; the next datagram is taken', async () => {
    await sendDatagram(running().jaegerCompact, Buffer.from('not thrift at all'));
    const zipkinBatch = new ThriftWriter('compact').message('emitZipkinBatch', MessageType.ONEWAY, 1).structBegin().structEnd().finish();
    await sendDatagram(running().jaegerCompact, zipkinBatch);
    const truncated = encodeEmitBatch(freshBatch(), 'binary');
    await sendDatagram(running().jaegerBinary, truncated.subarray(0, truncated.length - 20));
    const good = freshBatch();
    await sendDatagram(running().jaegerCompact, encodeEmitBatch(good, 'compact'));
    await waitForTrace(running().query, traceHex(good), 3);
    const metrics = await (await fetch(`${running().query}/metrics`)).text();
    expect(metrics).toMatch(/clew_requests_refused_total\{protocol="jaeger_compact",reason="malformed"\} [1-9]/);
    expect(metrics).toMatch(/clew_requests_refused_total\{protocol="jaeger_compact",reason="unsupported_method"\} [1-9]/);
    expect(metrics).toMatch(/clew_requests_refused_total\{protocol="jaeger_binary",reason="malformed"\} [1-9]/);
  });
});

describe('POST /api/traces refusals, as the Jaeger collector answers them', () => {
  const post = (body: Uint8Array, contentType?: string) =>
    fetch(`${running().jaegerThriftHttp}/api/traces`, { method: 'POST', body, headers: contentType === undefined ? {} : { 'content-type': contentType } });
  const oneSpan = (): JaegerBatch => ({
    process: { serviceName: uniq('jaeger-http'), tags: undefined },
    spans: [jaegerSpan({ traceIdHigh: randomI64(), startTime: BigInt(Date.now()) * 1000n, tags: [jaegerTag('k', 'v')] })],
  });

  it('a good batch: 202 with an empty body, also as application/vnd.apache.thrift.binary', async () => {
    for (const type of ['application/x-thrift', 'application/vnd.apache.thrift.binary']) {
      const batch = oneSpan();
      const res = await post(encodeJaegerBatch(batch, 'binary'), type);
      expect([res.status, await res.text()]).toEqual([202, '']);
      await waitForTrace(running().query, traceHex(batch), 1);
    }
  });

  it('a gzipped batch (Content-Encoding: gzip): 202', async () => {
    const batch = oneSpan();
    const res = await fetch(`${running().jaegerThriftHttp}/api/traces`, {
      method: 'POST',
      body: gzipSync(encodeJaegerBatch(batch, 'binary')),
      headers: { 'content-type': 'application/x-thrift', 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(202);
    const trace = await waitForTrace(running().query, traceHex(batch), 1);
    expect(trace.spans[0].tags).toEqual([{ key: 'k', type: 'string', value: 'v' }]);
  });

  it('malformed Thrift: 400 saying what and where; the next request is still taken', async () => {
    const body = encodeJaegerBatch(oneSpan(), 'binary');
    const res = await post(body.subarray(0, body.length - 12), 'application/x-thrift');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toMatch(/^Unable to process request body: malformed Jaeger Thrift request: truncated [a-z0-9 ]+: needs \d+ bytes?, \d+ left at byte \d+ in (Span|Tag)\n$/);
    const good = oneSpan();
    expect((await post(encodeJaegerBatch(good, 'binary'), 'application/x-thrift')).status).toBe(202);
    await waitForTrace(running().query, traceHex(good), 1);
  });

  it.each([
    ['application/json', 'Unsupported content type: application/json (send application/x-thrift or application/vnd.apache.thrift.binary)\n'],
    [undefined, 'Cannot parse content type: mime: no media type\n'],
  ])('content type %s: 400', async (type, message) => {
    const res = await post(encodeJaegerBatch(oneSpan(), 'binary'), type);
    expect([res.status, await res.text()]).toEqual([400, message]);
  });

  it('a body over limits.maxRequestBytes: 413', async () => {
    const res = await post(Buffer.alloc(LIMIT + 1), 'application/x-thrift');
    expect(res.status).toBe(413);
    expect(await res.text()).toBe(`request body is larger than the limit of ${LIMIT} bytes; send smaller batches or raise limits.maxRequestBytes\n`);
  });
});
