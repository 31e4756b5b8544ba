import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';
import type { InstrumentedApp } from './testing/instrumented-app.js';
import { findSpan, otlpBase, parentOf, startInstrumentedApp, waitForSpans } from './testing/instrumented-app.js';
import { INJECTED, PROPAGATION_CASES, resolved, startsTrace, traceHeaders } from './testing/propagation-cases.js';

const clew = useClewProcess();

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';
const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
const SHOP_SERVER = { service: 'shop', kind: 'server', name: 'GET /ids' } as const;

let shop: InstrumentedApp;
/** A real server that answers every request with the headers it received. */
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  shop = await startInstrumentedApp('express-app.mjs', { OTEL_SERVICE_NAME: 'shop', OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp) });
  receiver = createServer((req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(req.headers)));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await shop?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** The server span of a request to the shop, once it is in Clew. */
async function shopServerSpan(traceId: string): Promise<any> {
  return findSpan(await waitForSpans(clew().query, traceId, [SHOP_SERVER]), SHOP_SERVER);
}

describe('incoming trace context continues the caller\'s trace', () => {
  // Each case gets a trace id of its own, so the cases do not share a trace in Clew.
  type Case = [string, (t: string, s: string) => Record<string, string>, (t: string) => string];
  const same = (t: string): string => t;
  it.each<Case>([
    ['W3C traceparent', (t, s) => ({ traceparent: `00-${t}-${s}-01` }), same],
    ['W3C traceparent of a future version with more fields', (t, s) => ({ traceparent: `01-${t}-${s}-01-later` }), same],
    ['B3 single header', (t, s) => ({ b3: `${t}-${s}-1` }), same],
    ['B3 single header, 64-bit trace id', (t, s) => ({ b3: `${t.slice(16)}-${s}-1` }), (t) => `0000000000000000${t.slice(16)}`],
    ['B3 multiple headers', (t, s) => ({ 'X-B3-TraceId': t, 'X-B3-SpanId': s, 'X-B3-Sampled': '1' }), same],
    ['Jaeger uber-trace-id', (t, s) => ({ 'uber-trace-id': `${t}:${s}:0:1` }), same],
    ['a valid traceparent over a B3 header of another trace', (t, s) => ({ traceparent: `00-${t}-${s}-01`, b3: `${randomHex(16)}-${s}-1` }), same],
    // A malformed traceparent is ignored, so a valid B3 header in the same request is what continues.
    ['a valid B3 header beside a malformed traceparent', (t, s) => ({ traceparent: `ff-${randomHex(16)}-${s}-01`, b3: `${t}-${s}-1` }), same],
  ])('%s', async (_case, headers, expected) => {
    const t = randomHex(16);
    const answer = await shop.get('/ids', headers(t, S));
    expect(answer.traceId).toBe(expected(t));
    expect(answer.traceFlags).toBe(1);
    expect(parentOf(await shopServerSpan(expected(t)))).toBe(S);
  });

  it.each([
    ['W3C', { traceparent: `00-${T}-${S}-00` }],
    ['B3', { b3: `${T}-${S}-0` }],
    ['Jaeger', { 'uber-trace-id': `${T}:${S}:0:0` }],
  ])('keeps the caller\'s decision not to sample (%s)', async (_case, headers) => {
    const answer = await shop.get('/ids', headers);
    expect(answer).toMatchObject({ traceId: T, traceFlags: 0 });
  });
});

describe('a malformed traceparent starts a new trace', () => {
  it.each([
    ['version ff', `ff-${T}-${S}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${S}-01`],
    ['all-zero parent id', `00-${T}-${'0'.repeat(16)}-01`],
    ['trace id one digit short', `00-${T.slice(1)}-${S}-01`],
    ['parent id one digit long', `00-${T}-${S}0-01`],
    ['flags one digit', `00-${T}-${S}-1`],
    ['version 00 with an extra field', `00-${T}-${S}-01-extra`],
    ['uppercase hex', `00-${T.toUpperCase()}-${S.toUpperCase()}-01`],
    ['not a traceparent', 'hello'],
  ])('%s', async (_case, traceparent) => {
    const answer = await shop.get('/ids', { traceparent, tracestate: 'vendor=ignored' });
    expect(answer.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(answer.traceId).not.toBe(T);
    expect(answer.traceId).not.toBe('0'.repeat(32));
    expect(parentOf(await shopServerSpan(answer.traceId))).toBeUndefined();
  });
});

describe('outgoing requests', () => {
  it('carry traceparent, the caller\'s tracestate and baggage, and no B3 or Jaeger headers by default', async () => {
    const answer = await shop.get(`/forward?to=${encodeURIComponent(receiverUrl)}`, {
      traceparent: `00-${T}-${S}-01`,
      tracestate: 'clew=t61rcWkgMzE,other=1',
      baggage: 'user=alice',
    });
    const sent = answer.downstream;
    const trace = await waitForSpans(clew().query, T, [{ service: 'shop', kind: 'client' }]);
    const client = findSpan(trace, { service: 'shop', kind: 'client' });
    expect(sent.traceparent).toBe(`00-${T}-${client.spanID}-01`);
    expect(sent.tracestate).toBe('clew=t61rcWkgMzE,other=1');
    expect(sent.baggage.split(',').sort()).toEqual(['shop.tenant=acme', 'user=alice']);
    expect(Object.keys(sent).filter((h) => h === 'b3' || h.startsWith('x-b3-') || h === 'uber-trace-id' || h.startsWith('uberctx-'))).toEqual([]);
  });

  it('start a trace of their own when nothing came in, and carry Jaeger uberctx-* baggage on as W3C baggage', async () => {
    const answer = await shop.get(`/forward?via=http&to=${encodeURIComponent(receiverUrl)}`, { 'uberctx-user': 'bob' });
    // 03: sampled, and the trace id is random (W3C Trace Context Level 2).
    expect(answer.downstream.traceparent).toMatch(new RegExp(`^00-${answer.traceId}-[0-9a-f]{16}-03$`));
    expect(answer.downstream.baggage.split(',').sort()).toEqual(['shop.tenant=acme', 'user=bob']);
  });

  describe('with OTEL_PROPAGATORS', () => {
    let multi: InstrumentedApp;
    let b3Only: InstrumentedApp;
    beforeAll(async () => {
      const endpoint = otlpBase(clew().otlpHttp);
      [multi, b3Only] = await Promise.all([
        startInstrumentedApp('express-app.mjs', { OTEL_SERVICE_NAME: 'multi', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_PROPAGATORS: 'tracecontext,baggage,b3multi,jaeger' }),
        startInstrumentedApp('express-app.mjs', { OTEL_SERVICE_NAME: 'b3-only', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_PROPAGATORS: 'b3' }),
      ]);
    });
    afterAll(async () => {
      await Promise.all([multi?.stop(), b3Only?.stop()]);
    });

    it('inject B3 and Jaeger headers too when it names them', async () => {
      const answer = await multi.get(`/forward?to=${encodeURIComponent(receiverUrl)}`, { traceparent: `00-${T}-${S}-01` });
      const sent = answer.downstream;
      const spanId = sent.traceparent.split('-')[2];
      expect(sent.traceparent).toBe(`00-${T}-${spanId}-01`);
      expect(sent).toMatchObject({ 'x-b3-traceid': T, 'x-b3-spanid': spanId, 'x-b3-sampled': '1', 'uber-trace-id': `${T}:${spanId}:0:01` });
      expect(sent['uberctx-shop.tenant']).toBe('acme');
    });

    it('inject only what it names, and still read every format coming in', async () => {
      const answer = await b3Only.get(`/forward?to=${encodeURIComponent(receiverUrl)}`, { traceparent: `00-${T}-${S}-01` });
      const sent = answer.downstream;
      expect(sent.b3).toMatch(new RegExp(`^${T}-[0-9a-f]{16}-1$`));
      expect(sent.traceparent).toBeUndefined();
      expect(sent.baggage).toBeUndefined();
    });
  });
});

describe('with OTEL_TRACES_EXPORTER=none, a service still makes spans and sends its own ids on (every propagation case)', () => {
  let quiet: InstrumentedApp;
  beforeAll(async () => {
    quiet = await startInstrumentedApp('express-app.mjs', { OTEL_SERVICE_NAME: 'no-export', OTEL_TRACES_EXPORTER: 'none', OTEL_PROPAGATORS: INJECTED.join(',') });
  });
  afterAll(async () => {
    await quiet?.stop();
  });

  it.each(PROPAGATION_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const answer = await quiet.get(`/forward?to=${encodeURIComponent(receiverUrl)}`, c.incoming);
    const sent = traceHeaders(answer.downstream);
    // The outgoing request's span is this service's fetch client span: a new id, the same in every format.
    const [, traceId, spanId] = String(sent.traceparent).split('-');
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect([S, answer.spanId]).not.toContain(spanId);
    expect(sent).toEqual(resolved(c.outgoing, { spanId, traceId: answer.traceId }));
    expect(answer.traceId).toBe(traceId);
    expect(answer.traceFlags & 1).toBe(c.sampled ? 1 : 0);
    if (startsTrace(c)) expect(Object.values(c.incoming).join(' ').toLowerCase()).not.toContain(answer.traceId);
  });
});
