import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import type { InstrumentedApp } from './testing/instrumented-app.js';
import { findSpan, otlpBase, parentOf, serviceOf, startInstrumentedApp, tagsOf, waitForSpans } from './testing/instrumented-app.js';

const clew = useClewProcess();

describe('an Express service and a Fastify service under --import @clew/node/register', () => {
  let shop: InstrumentedApp;
  let stock: InstrumentedApp;
  beforeAll(async () => {
    const endpoint = otlpBase(clew().otlpHttp);
    [shop, stock] = await Promise.all([
      startInstrumentedApp('express-app.mjs', { OTEL_SERVICE_NAME: 'shop', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
      startInstrumentedApp('fastify-app.mjs', { OTEL_SERVICE_NAME: 'stock', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([shop?.stop(), stock?.stop()]);
  });

  it('sends server spans with the service name and resource attributes', async () => {
    const ids = await stock.get('/ids');
    const stockServer = { service: 'stock', kind: 'server' } as const;
    const trace = await waitForSpans(clew().query, ids.traceId, [stockServer]);
    const server = findSpan(trace, stockServer);
    expect(tagsOf(server)).toMatchObject({ 'url.path': '/ids', 'http.request.method': 'GET', 'http.response.status_code': 200 });
    const process = trace.processes[server.processID];
    expect(Object.fromEntries(process.tags.map((t: any) => [t.key, t.value]))).toMatchObject({
      'deployment.environment': 'test',
      'telemetry.sdk.language': 'nodejs',
    });
  });

  it.each(['/', '/?user=ada', '/ids?user=ada'])('names the Express server span after its route, query string or not (%s)', async (path) => {
    const route = path.split('?')[0];
    const ids = await shop.get(path);
    const trace = await waitForSpans(clew().query, ids.traceId, [{ service: 'shop', kind: 'server' }]);
    const server = findSpan(trace, { service: 'shop', kind: 'server' });
    expect(server.operationName).toBe(`GET ${route}`);
    expect(tagsOf(server)['http.route']).toBe(route);
  });

  it.each(['fetch', 'http'])('links the caller and the callee across the HTTP hop (%s)', async (via) => {
    const answer = await shop.get(`/forward?via=${via}&to=${encodeURIComponent(`${stock.url}/ids`)}`);
    expect(answer.downstream.traceId).toBe(answer.traceId);
    const matches = [
      { service: 'shop', kind: 'server', name: 'GET /forward' },
      { service: 'shop', kind: 'client' },
      { service: 'stock', kind: 'server', name: 'GET /ids' },
      { service: 'stock', name: 'request' },
    ] as const;
    const trace = await waitForSpans(clew().query, answer.traceId, [...matches]);
    const [root, client, callee, fastifyRequest] = matches.map((m) => findSpan(trace, m));
    expect(parentOf(root)).toBeUndefined();
    // The callee's server span is the child of the caller's client span, which sits under the caller's handler.
    expect(parentOf(callee)).toBe(client.spanID);
    expect(parentOf(client)).toBe(answer.spanId);
    // Below the callee's server span, Fastify's request span and the handler that answered.
    expect(tagsOf(callee)['http.route']).toBe('/ids');
    expect(parentOf(fastifyRequest)).toBe(callee.spanID);
    expect(parentOf(trace.spans.find((s: any) => s.spanID === answer.downstream.spanId))).toBe(fastifyRequest.spanID);
    expect(tagsOf(client)['http.response.status_code'] ?? tagsOf(client)['http.status_code']).toBe(200);
  });

  it('withSpan records the exception and ERROR status when the callback throws', async () => {
    const res = await fetch(`${shop.url}/reserve?sku=A-17&fail=1`);
    expect(res.status).toBe(409);
    const answer = (await res.json()) as any;
    const trace = await waitForSpans(clew().query, answer.traceId, [{ name: 'reserve-stock' }]);
    const span = findSpan(trace, { name: 'reserve-stock' });
    expect(parentOf(span)).toBe(answer.spanId);
    expect(tagsOf(span)).toMatchObject({ sku: 'A-17', 'shop.step': 'reserve', 'otel.status_code': 'ERROR', 'otel.status_description': 'out of stock: A-17', error: true });
    const exception = span.logs.map((l: any) => Object.fromEntries(l.fields.map((f: any) => [f.key, f.value]))).find((f: any) => f.event === 'exception');
    expect(exception).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'out of stock: A-17' });
    expect(String(exception['exception.stacktrace'])).toContain('express-app.mjs');
  });

  it('withSpan returns the result and leaves the status unset when the callback succeeds', async () => {
    const answer = await shop.get('/reserve?sku=B-2');
    const trace = await waitForSpans(clew().query, answer.traceId, [{ name: 'reserve-stock' }]);
    const span = findSpan(trace, { name: 'reserve-stock' });
    // The callback answered its own span's ids: withSpan made that span active and returned what the callback returned.
    expect(span.spanID).toBe(answer.spanId);
    expect(tagsOf(span)).toMatchObject({ sku: 'B-2' });
    expect(tagsOf(span)['otel.status_code']).toBeUndefined();
    expect(span.logs).toEqual([]);
  });
});

describe('shutdown', () => {
  // A schedule delay far beyond the test's length: only the shutdown can send these spans.
  const holdSpans = (service: string, extra: Record<string, string> = {}) => ({
    OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp), OTEL_BSP_SCHEDULE_DELAY: '600000', ...extra,
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('flushes held spans on %s and then ends the process by the signal', async (signal) => {
    const app = await startInstrumentedApp('express-app.mjs', holdSpans(`flush-on-${signal}`));
    const answer = await app.get('/reserve?sku=C-3');
    expect(await app.stop(signal)).toEqual({ code: null, signal });
    const trace = await waitForSpans(clew().query, answer.traceId, [{ name: 'reserve-stock' }, { name: 'GET /reserve', kind: 'server' }]);
    expect(serviceOf(trace, findSpan(trace, { name: 'reserve-stock' }))).toBe(`flush-on-${signal}`);
  });

  it('flushes held spans on SIGTERM and leaves ending to an application that handles the signal itself', async () => {
    const app = await startInstrumentedApp('express-app.mjs', holdSpans('graceful', { GRACEFUL_SHUTDOWN: '1' }));
    const answer = await app.get('/reserve?sku=D-4');
    // The application closes its server and the process ends normally once nothing is left to do.
    expect(await app.stop()).toEqual({ code: 0, signal: null });
    await waitForSpans(clew().query, answer.traceId, [{ name: 'reserve-stock', service: 'graceful' }, { name: 'GET /reserve', kind: 'server' }]);
  });

  it('ends the process on a second signal while the flush cannot finish', async () => {
    // A collector that accepts connections and never answers, and an export timeout longer than the test's: the
    // flush would hang for good, so only the second signal can end the process.
    const hole = createServer(() => {}).listen(0, '127.0.0.1');
    await once(hole, 'listening');
    try {
      const app = await startInstrumentedApp('express-app.mjs', {
        OTEL_SERVICE_NAME: 'unreachable', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(hole.address() as AddressInfo).port}`,
        OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_EXPORTER_OTLP_TIMEOUT: '600000',
      });
      await app.get('/ids');
      app.child.kill('SIGINT');
      // The second SIGINT, once the first one's flush has reached the collector.
      await once(hole, 'connection');
      expect(await app.stop('SIGINT')).toEqual({ code: null, signal: 'SIGINT' });
    } finally {
      hole.close();
    }
  });

  it('flushes held spans when a script ends on its own', async () => {
    const app = await startInstrumentedApp('one-shot.mjs', holdSpans('nightly'));
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const { done } = app.lines.find((l) => l.done) as { done: { traceId: string; spanId: string } };
    const trace = await waitForTrace(clew().query, done.traceId, 1);
    expect(trace.spans[0]).toMatchObject({ spanID: done.spanId, operationName: 'nightly-report' });
    expect(tagsOf(trace.spans[0])['report.rows']).toBe(3);
  });
});
