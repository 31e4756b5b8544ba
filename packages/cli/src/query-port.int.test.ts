import type { Span, TraceId, UnixNanos } from '@clew/model';
import { SpanKind, str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useClewProcess, waitForTrace } from '@clew/testing/clew-process';
import { postProto, traceOf } from '@clew/testing/payloads';

const running = useClewProcess();
const withMaps = useClewProcess(['--serve-source-maps']);

/** A random trace id whose high half is never zero, so Jaeger prints all 32 digits of it. */
const randomTraceId = (): TraceId => {
  const b = randomBytes(16);
  b[0]! |= 0x10;
  return b.toString('hex') as TraceId;
};

interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The bytes as they came over the socket: still compressed when the server compressed them. */
  readonly bytes: Buffer;
}

/** A request without fetch's transparent decompression, so the bytes on the wire can be seen and counted. */
function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function decoded(r: RawReply): Buffer {
  const enc = r.headers['content-encoding'];
  if (enc === 'gzip') return gunzipSync(r.bytes);
  if (enc === 'br') return brotliDecompressSync(r.bytes);
  if (enc === undefined) return r.bytes;
  throw new Error(`unexpected content-encoding ${String(enc)}`);
}

/*
 * frontend GET /checkout |======================|   a checkout that failed in payment
 * payment  charge           |==========| error
 */
function checkoutTrace(traceId: TraceId): Span[] {
  return makeTrace(
    (BigInt(Date.now()) * 1_000_000n) as UnixNanos,
    {
      service: 'frontend',
      name: 'GET /checkout',
      at: 0,
      ms: 40,
      attributes: [
        { key: 'http.route', value: str('/checkout') },
        { key: 'http.response.status_code', value: { type: 'int', value: 502n } },
      ],
      children: [{ service: 'payment', name: 'charge', at: 5, ms: 20, kind: SpanKind.CLIENT, error: true, attributes: [{ key: 'retry', value: { type: 'bool', value: true } }] }],
    },
    traceId,
  );
}

describe("POST /api/transform: Jaeger UI's file upload", () => {
  it("turns Clew's own OTLP download back into the trace Jaeger's API shows (raw, as uploaded: no adjusters)", async () => {
    const { query, otlpHttp } = running();
    const traceId = randomTraceId();
    const spans = checkoutTrace(traceId);
    expect((await postProto(otlpHttp, spans)).status).toBe(200);
    await waitForTrace(query, traceId, spans.length);

    const download = await fetch(`${query}/api/clew/v1/traces/${traceId}/otlp`);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="trace-${traceId}.json"`);
    const file = await download.text();
    // What Jaeger UI's readJsonFile does with a file holding resourceSpans: POST it as a string (text/plain).
    const res = await fetch(`${query}/api/transform`, { method: 'POST', body: JSON.stringify(JSON.parse(file)) });
    expect(res.status).toBe(200);
    const transformed = (await res.json()) as any;
    const stored = (await (await fetch(`${query}/api/traces/${traceId}?raw=true`)).json()) as any;
    expect(transformed).toEqual({ data: stored.data, total: 0, limit: 0, offset: 0, errors: null });
    expect(transformed.data[0].spans.map((s: any) => s.operationName).sort()).toEqual(['GET /checkout', 'charge']);
  });

  it('answers a file that is not OTLP JSON with a 400 in Jaeger’s envelope, which the UI shows', async () => {
    const res = await fetch(`${running().query}/api/transform`, { method: 'POST', body: '"Bad Payload"' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.errors[0].code).toBe(400);
    expect(body.errors[0].msg).toMatch(/^cannot unmarshal OTLP : /);
  });
});

describe("the Monitor tab's metrics API", () => {
  it.each([
    ['latencies?service=nothing-here&quantile=0.95', 'service_latencies'],
    ['calls?service=nothing-here', 'service_call_rate'],
    ['errors?service=nothing-here', 'service_error_rate'],
  ])('GET /api/metrics/%s answers a MetricFamily from the span metrics, empty for a service without spans', async (path, name) => {
    const res = await fetch(`${running().query}/api/metrics/${path}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name, type: 'GAUGE', metrics: [] });
  });

  it('GET /api/metrics/minstep is gone, as in current Jaeger', async () => {
    expect((await fetch(`${running().query}/api/metrics/minstep`)).status).toBe(404);
  });
});

describe('unknown API paths on the query port', () => {
  it.each(['/api/nothing', '/api/v3/nothing', '/api/clew/v1/nothing', '/zipkin/api/v2/services', '/api/v2/services'])('%s is a JSON 404, not the UI page', async (path) => {
    const res = await fetch(`${running().query}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).not.toMatch(/html/);
    const text = await res.text();
    expect(() => JSON.parse(text)).not.toThrow();
    expect(text).not.toContain('<');
  });
});

describe('compression', () => {
  it('compresses JSON with br or gzip, as asked, and the bytes decompress to the identity answer', async () => {
    const { query, otlpHttp } = running();
    const spans = traceOf(500);
    const traceId = spans[0]!.traceId;
    expect((await postProto(otlpHttp, spans)).status).toBe(200);
    await waitForTrace(query, traceId, spans.length);

    for (const path of [`/api/traces/${traceId}`, `/api/clew/v1/traces/${traceId}`, `/api/v3/traces/${traceId}`, `/api/clew/v1/traces/${traceId}/otlp`]) {
      const plain = await raw(`${query}${path}`);
      expect(plain.status, path).toBe(200);
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      for (const enc of ['gzip', 'br']) {
        const packed = await raw(`${query}${path}`, { headers: { 'accept-encoding': enc } });
        expect(packed.headers['content-encoding'], `${path} ${enc}`).toBe(enc);
        expect(packed.headers.vary, path).toMatch(/accept-encoding/i);
        expect(packed.bytes.length, `${path} ${enc}`).toBeLessThan(plain.bytes.length);
        expect(decoded(packed).equals(plain.bytes), `${path} ${enc}`).toBe(true);
      }
    }
    const download = await raw(`${query}/api/clew/v1/traces/${traceId}/otlp`, { headers: { 'accept-encoding': 'gzip' } });
    expect(download.headers['content-disposition']).toBe(`attachment; filename="trace-${traceId}.json"`);
  });

  it("compresses the UI's assets and still answers a conditional request with 304", async () => {
    const { query } = running();
    const asset = `/assets/${builtAssets().find((f) => f.endsWith('.js'))!}`;
    const plain = await raw(`${query}${asset}`);
    const packed = await raw(`${query}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(decoded(packed).equals(plain.bytes)).toBe(true);
    const again = await raw(`${query}${asset}`, { headers: { 'accept-encoding': 'gzip', 'if-none-match': String(plain.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
  });

  it("compresses the Tempo and Zipkin ports' JSON too, while their ingest and the OTLP port are untouched", async () => {
    const { query, tempo, zipkin, otlpHttp } = running();
    const spans = traceOf(200, 'compressed');
    const traceId = spans[0]!.traceId;
    expect((await postProto(otlpHttp, spans, { 'accept-encoding': 'gzip' })).headers.get('content-encoding')).toBeNull();
    await waitForTrace(query, traceId, spans.length);
    for (const url of [`${tempo}/api/v2/traces/${traceId}`, `${zipkin}/api/v2/trace/${traceId}`]) {
      const plain = await raw(url);
      const packed = await raw(url, { headers: { 'accept-encoding': 'gzip' } });
      expect(packed.headers['content-encoding'], url).toBe('gzip');
      expect(decoded(packed).equals(plain.bytes), url).toBe(true);
    }
    // A gzip Zipkin upload is still read by the collector itself (request bodies are never decompressed for it).
    const zipkinSpan = [{ traceId, id: 'abcdef0123456789', name: 'gz', timestamp: Date.now() * 1000, duration: 5, localEndpoint: { serviceName: 'gz' } }];
    const accepted = await raw(`${zipkin}/api/v2/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'accept-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(zipkinSpan)),
    });
    expect(accepted.status).toBe(202);
  });
});

describe('source maps', () => {
  it('are not served unless clew serve is started with --serve-source-maps', async () => {
    const map = builtAssets().find((f) => f.endsWith('.js.map'));
    if (map === undefined) throw new Error('the built UI has no source map: build it with `npm run build -w @clew/web`');
    const refused = await raw(`${running().query}/assets/${map}`);
    expect(refused.status).toBe(404);
    expect(String(refused.headers['content-type'])).toMatch(/^application\/json/);
    const served = await raw(`${withMaps().query}/assets/${map}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(served.status).toBe(200);
    expect(JSON.parse(decoded(served).toString('utf8')).version).toBe(3);
  });
});

/** The files of the built UI's assets folder, which `clew serve` serves at /assets. */
function builtAssets(): string[] {
  const dir = fileURLToPath(new URL('../../web/dist/assets/', import.meta.url));
  const files = readdirSync(dir);
  if (files.length === 0) throw new Error(`no built UI in ${dir}: build it with \`npm run build -w @clew/web\``);
  return files;
}
