import { afterAll, describe, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';
import type { InstrumentedApp } from './testing/instrumented-app.js';
import { findSpan, otlpBase, parentOf, startInstrumentedApp, tagsOf, waitForSpans } from './testing/instrumented-app.js';

const clew = useClewProcess();

const apps: InstrumentedApp[] = [];
afterAll(() => Promise.all(apps.map((a) => a.stop())));

async function app(fixture: string, env: Record<string, string>, preload?: string): Promise<InstrumentedApp> {
  const started = await startInstrumentedApp(fixture, { OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp), ...env }, preload);
  apps.push(started);
  return started;
}

/** The spans of one `GET /products/42` to a Fastify service named `service`, read back from Clew. */
async function productTrace(service: InstrumentedApp, name: string) {
  const answer = await service.get('/products/42');
  expect(answer.id).toBe('42');
  const server = { service: name, kind: 'server', name: 'GET /products/:id' } as const;
  const request = { service: name, name: 'request' } as const;
  const handler = { service: name, name: 'handler - productById' } as const;
  const trace = await waitForSpans(clew().query, answer.traceId, [server, request, handler]);
  return { answer, trace, server: findSpan(trace, server), request: findSpan(trace, request), handler: findSpan(trace, handler) };
}

describe('a Fastify 5 service', () => {
  it.each([
    ['an ES module', 'fastify-app.mjs'],
    ['a CommonJS module', 'fastify-app.cjs'],
  ])('as %s under --import @clew/node/register gets a route-named server span with request and handler spans below', async (_, fixture) => {
    const name = `fastify-${fixture.split('.').pop()}`;
    const { answer, server, request, handler } = await productTrace(await app(fixture, { OTEL_SERVICE_NAME: name }), name);
    expect(parentOf(server)).toBeUndefined();
    expect(tagsOf(server)).toMatchObject({ 'http.route': '/products/:id', 'url.path': '/products/42', 'http.response.status_code': 200 });
    // @fastify/otel's request span is INTERNAL below the http server span, not a second server span.
    expect(parentOf(request)).toBe(server.spanID);
    expect(tagsOf(request)).toMatchObject({ 'http.route': '/products/:id', 'fastify.root': '@fastify/otel', 'span.kind': 'internal' });
    expect(parentOf(handler)).toBe(request.spanID);
    expect(tagsOf(handler)).toMatchObject({ 'http.route': '/products/:id', 'hook.callback.name': 'productById' });
    // The handler runs with its own span active.
    expect(answer.spanId).toBe(handler.spanID);
  });

  it('gets the same spans when start() is called from a file loaded with --import', async () => {
    const options = { serviceName: 'fastify-start' };
    const service = await app('fastify-app.mjs', { CLEW_TEST_START_OPTIONS: JSON.stringify(options) }, './instrument.mjs');
    const { server, request } = await productTrace(service, 'fastify-start');
    expect(parentOf(request)).toBe(server.spanID);
  });

  it.each([
    ['the instrumentations option', { CLEW_TEST_START_OPTIONS: JSON.stringify({ serviceName: 'fastify-off', instrumentations: { '@fastify/otel': { enabled: false } } }) }],
    ['OTEL_NODE_DISABLED_INSTRUMENTATIONS', { CLEW_TEST_START_OPTIONS: JSON.stringify({ serviceName: 'fastify-off-env' }), OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fastify' }],
  ])('is left alone when %s turns @fastify/otel off: the http server span alone, without a route', async (_, env) => {
    const service = await app('fastify-app.mjs', env, './instrument.mjs');
    const answer = await service.get('/products/42');
    const trace = await waitForSpans(clew().query, answer.traceId, [{ kind: 'server' }]);
    expect(trace.spans.map((s: any) => s.operationName)).toEqual(['GET']);
    expect(tagsOf(trace.spans[0])['http.route']).toBeUndefined();
    expect(answer.spanId).toBe(trace.spans[0].spanID);
  });
});
