import type { UnixNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jaegerApi } from './index.js';
import { ERR_METRICS_DISABLED } from './routes-metrics.js';

const NOW = 1_700_000_000_000_000_000n as UnixNanos;
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

let dir: string;
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-jaeger-transform-'));
  store = await openDuckDBStore({ dir, now: () => NOW, checkpointIntervalMs: 0 });
  app = Fastify();
  await app.register(jaegerApi, { store, now: () => NOW, maxRequestBytes: 64 * 1024 });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.inject({ method: 'POST', url: '/api/transform', headers, payload: body });

describe('POST /api/transform: golden pairs', () => {
  // Jaeger's own pair, verbatim from cmd/jaeger/internal/extension/jaegerquery/internal/fixture/ (jaeger 8498073),
  // checked as its TestTransformOTLPSuccess checks it: the same JSON once both are parsed. Note the two identical
  // spans: the transform runs no adjuster, so the duplicate is not dropped.
  it("turns Jaeger's otlp2jaeger-in.json into its otlp2jaeger-out.json", async () => {
    const res = await post(fixture('otlp2jaeger-in.json'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/); // with fastify's charset: see README
    expect(JSON.parse(res.body)).toEqual(JSON.parse(fixture('otlp2jaeger-out.json')));
  });

  /*
   * Two traces across two resources, written out from Jaeger's code: otlp_translator.go groups spans by trace id in
   * order of first appearance (5b8e… from the first resource, then …abc, then 5b8e…'s second span from the second
   * resource); uiconv.FromDomain numbers processes per trace in order of use (p1 frontend, p2 payment; …abc has
   * only p1) and prints the 64-bit id …abc with 16 digits; the OpenTelemetry translator writes scope, attributes,
   * span.kind, status code, error and status message in that order, the parent first as CHILD_OF and a link as
   * FOLLOWS_FROM, and an event's name as its `event` field. No adjuster runs, so `retry` stays before `amount`.
   */
  it('groups spans into traces in order of appearance, with processes per trace and attributes as sent', async () => {
    const res = await post(fixture('transform-two-traces-in.json'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual(JSON.parse(fixture('transform-two-traces-out.json')));
  });
});

describe('POST /api/transform: what Jaeger UI sends and what it gets back', () => {
  it('reads the body as OTLP JSON whatever its content type, as Jaeger does (the UI posts text/plain, curl -d a form)', async () => {
    const want = JSON.parse(fixture('otlp2jaeger-out.json'));
    const variants: Record<string, string>[] = [
      { 'content-type': 'text/plain;charset=UTF-8' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'application/octet-stream' },
      {},
    ];
    for (const headers of variants) {
      const res = await post(fixture('otlp2jaeger-in.json'), headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(200);
      expect(JSON.parse(res.body)).toEqual(want);
    }
  });

  it('answers an empty document with no traces', async () => {
    const res = await post('{}');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ data: [], total: 0, limit: 0, offset: 0, errors: null });
  });

  it("indents with prettyPrint, as Jaeger's writeJSON does", async () => {
    const res = await app.inject({ method: 'POST', url: '/api/transform?prettyPrint=true', payload: '{"resourceSpans":[]}' });
    expect(res.body).toBe('{\n    "data": [],\n    "total": 0,\n    "limit": 0,\n    "offset": 0,\n    "errors": null\n}');
  });

  it.each([
    ['"Bad Payload"', 'the JSON string of TestTransformOTLPBadPayload'],
    ['{"resourceSpans": [', 'truncated JSON'],
    ['', 'an empty body'],
  ])('refuses %s (%s) with 400 "cannot unmarshal OTLP" in the v1 error envelope', async (body) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const parsed = JSON.parse(res.body);
    expect(parsed).toMatchObject({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 400 }] });
    expect(parsed.errors[0].msg).toMatch(/^cannot unmarshal OTLP : /);
  });

  it('leaves out spans with unusable ids and says so in errors; refuses a document with no usable span', async () => {
    const span = (traceId: string, spanId: string) => ({ traceId, spanId, name: `s-${spanId}`, startTimeUnixNano: '1000', endTimeUnixNano: '2000' });
    const doc = (spans: object[]) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
    const good = span('0af7651916cd43dd8448eb211c80319c', '00f067aa0ba902b7');
    const zero = span('0'.repeat(32), '00f067aa0ba902b8');

    const partial = await post(doc([good, zero]));
    expect(partial.statusCode).toBe(200);
    const body = JSON.parse(partial.body);
    expect(body.data.map((t: any) => t.spans.map((s: any) => s.spanID))).toEqual([['00f067aa0ba902b7']]);
    expect(body.errors).toEqual([{ msg: "1 span rejected: span 's-00f067aa0ba902b8' has an invalid trace_id (must be 16 bytes, not all zero)" }]);

    const notHex = await post(doc([good, span('z'.repeat(32), '00f067aa0ba902b9')]));
    expect(notHex.statusCode).toBe(200);
    expect(JSON.parse(notHex.body).errors).toEqual([{ msg: "1 span rejected: span 's-00f067aa0ba902b9' has an invalid trace_id (not a hex string)" }]);

    const none = await post(doc([zero]));
    expect(none.statusCode).toBe(400);
    expect(JSON.parse(none.body).errors).toEqual([
      { code: 400, msg: "1 span rejected: span 's-00f067aa0ba902b8' has an invalid trace_id (must be 16 bytes, not all zero)" },
    ]);
  });

  it('refuses a body over the limit with 413, naming the limit', async () => {
    const res = await post(JSON.stringify({ resourceSpans: [], padding: 'x'.repeat(64 * 1024) }));
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body).errors).toEqual([
      { code: 413, msg: 'request body over limits.maxRequestBytes (65536 bytes); upload a smaller file or raise --max-request-bytes' },
    ]);
  });

  it('takes a gzip body, as Jaeger (confighttp) does, within the limit once decompressed', async () => {
    const gz = await post(gzipSync(fixture('otlp2jaeger-in.json')), { 'content-encoding': 'gzip' });
    expect(gz.statusCode).toBe(200);
    expect(JSON.parse(gz.body)).toEqual(JSON.parse(fixture('otlp2jaeger-out.json')));

    const bomb = gzipSync(JSON.stringify({ resourceSpans: [], padding: ' '.repeat(1024 * 1024) }));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const tooBig = await post(bomb, { 'content-encoding': 'gzip' });
    expect(tooBig.statusCode).toBe(413);
    expect(JSON.parse(tooBig.body).errors[0].msg).toMatch(/^request body decompresses to more than the limit of 65536 bytes/);

    const br = await post('{}', { 'content-encoding': 'br' });
    expect(br.statusCode).toBe(400);
    expect(JSON.parse(br.body).errors[0].msg).toBe('unsupported Content-Encoding "br"; use gzip or none');
  });

  it('answers only POST, as Jaeger registers it', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/transform' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).errors[0].code).toBe(404);
  });
});

describe('GET /api/metrics/*: no metrics backend, as Jaeger with its disabled metrics store', () => {
  const DISABLED = JSON.stringify({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 501, msg: ERR_METRICS_DISABLED }] }) + '\n';

  it.each([
    '/api/metrics/latencies?service=cart&quantile=0.95',
    '/api/metrics/calls?service=cart',
    '/api/metrics/errors?service=cart&service=frontend&groupByOperation=true&spanKind=server&spanKind=client&endTs=1700000000000&lookback=3600000&step=60000&ratePer=600000',
    '/api/metrics/calls?service=',
    '/api/metrics/minstep',
  ])('%s answers 501 with ErrDisabled in the v1 envelope', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(501);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe(DISABLED);
  });

  it.each([
    ['/api/metrics/calls', "unable to parse param 'service': please provide at least one service name"],
    ['/api/metrics/latencies?service=cart', `unable to parse param 'quantile': strconv.ParseFloat: parsing "": invalid syntax`],
    ['/api/metrics/latencies?quantile=x', `unable to parse param 'quantile': strconv.ParseFloat: parsing "x": invalid syntax`],
    ['/api/metrics/errors?service=a&groupByOperation=yes', `unable to parse param 'groupByOperation': strconv.ParseBool: parsing "yes": invalid syntax`],
    ['/api/metrics/calls?service=a&spanKind=server&spanKind=nope', "unable to parse param 'spanKind': unsupported span kind: 'nope'"],
    ['/api/metrics/calls?service=a&endTs=soon', `unable to parse param 'endTs': strconv.ParseInt: parsing "soon": invalid syntax`],
    ['/api/metrics/calls?service=a&lookback=1h', `unable to parse param 'lookback': strconv.ParseInt: parsing "1h": invalid syntax`],
    ['/api/metrics/calls?service=a&step=5s', `unable to parse param 'step': strconv.ParseInt: parsing "5s": invalid syntax`],
    ['/api/metrics/calls?service=a&ratePer=1.5', `unable to parse param 'ratePer': strconv.ParseInt: parsing "1.5": invalid syntax`],
  ])('%s is a 400 before the 501, as Jaeger parses first: %s', async (url, msg) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 400, msg }] });
  });
});

describe('unknown paths under /api', () => {
  it.each([
    ['GET', '/api/nothing', 'GET /api/nothing'],
    ['POST', '/api/services', 'POST /api/services'],
    ['GET', '/api/metrics/quantiles?service=a', 'GET /api/metrics/quantiles'],
  ])('%s %s is a JSON 404 in the v1 envelope', async (method, url, route) => {
    const res = await app.inject({ method: method as 'GET' | 'POST', url });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 404, msg: `no route ${route} (the routes are listed in docs/api.md)` }],
    });
  });

  it('is a 404 whatever the body, not a 415 for its type', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/nothing', headers: { 'content-type': 'application/x-protobuf' }, payload: Buffer.from([8, 1]) });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).errors[0].msg).toBe('no route POST /api/nothing (the routes are listed in docs/api.md)');
  });

  it('is a 404 in the api_v3 envelope under /api/v3', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v3/nothing' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { httpCode: 404, message: 'no route GET /api/v3/nothing (the routes are listed in docs/api.md)' } });
  });
});
