import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '@clew/server';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir, waitForStore } from '@clew/testing/clew-process';
import { exportWith, recordSpans } from './testing/otel.js';
import { TEAM_TOKEN_ENTRIES, TEAM_TOKENS } from './testing/team-tokens.js';

const TOKENS = { ...TEAM_TOKENS, cWrite: 'clew_test-c-write-0123456789abcdefghijklmnopqrstuv' } as const;

const CONFIG = `
auth:
  tokens:
${TEAM_TOKEN_ENTRIES}
    - { hash: ${hashToken(TOKENS.cWrite)}, tenant: team-c, scope: write }
tenants:
  team-c: { ingestRate: 1, ingestBurst: 5 }
  team-b: { maxSpansPerTrace: 2 }
metrics:
  flushInterval: 1s
  serviceGraphWait: 1s
`;

/** One trace id written by both tenants, each with its own service: the ids meet, the data never does. */
const SHARED_TRACE_ID = '5ea7ed0000000000000000000000abcd';

let clew: ClewProcess;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDataDir();
  cleanup = tmp.cleanup;
  const file = join(tmp.dir, 'clew.yaml');
  await writeFile(file, CONFIG);
  clew = await startClewProcess(join(tmp.dir, 'data'), ['--config', file]);
});

afterAll(async () => {
  await clew?.stop();
  await cleanup?.();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function getJson(url: string, token: string, extra: Record<string, string> = {}): Promise<any> {
  const res = await get(url, { ...bearer(token), ...extra });
  expect(res.status, `${url}: ${res.text.slice(0, 200)}`).toBe(200);
  return JSON.parse(res.text);
}

/** An OTLP/JSON request of one server span of `service` in the shared trace. */
function sharedTraceBody(service: string, spanId: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: SHARED_TRACE_ID,
                spanId,
                name: `GET /${service}`,
                kind: 2,
                startTimeUnixNano: String(now - 5_000_000n),
                endTimeUnixNano: String(now),
                attributes: [{ key: 'owner', value: { stringValue: service } }],
              },
            ],
          },
        ],
      },
    ],
  });
}

function postOtlpJson(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(clew.otlpHttp, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

function serverTrace(service: string): ReadableSpan[] {
  return recordSpans(service, (tracer) => {
    const root = tracer.startSpan(`GET /${service}`, { kind: SpanKind.SERVER, attributes: { 'app.tenant.probe': service } });
    root.end();
  });
}

/** Polls `read` until `done` says its answer is complete, for at most 15 s; returns the last answer. */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('without a token', () => {
  it('every ingest and query API answers 401 in its own envelope, with WWW-Authenticate', async () => {
    const otlp = await postOtlpJson(sharedTraceBody('nobody', '00000000000000aa'), {});
    expect(otlp.status).toBe(401);
    expect(otlp.headers.get('www-authenticate')).toBe('Bearer realm="clew"');
    expect(((await otlp.json()) as { message: string }).message).toContain('authentication required');

    const native = await get(`${clew.query}/api/clew/v1/services`);
    expect(native.status).toBe(401);
    expect(JSON.parse(native.text)).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('Authorization: Bearer') } });

    const jaeger = await get(`${clew.query}/api/services`);
    expect(jaeger.status).toBe(401);
    expect(JSON.parse(jaeger.text).errors[0].code).toBe(401);

    expect((await get(`${clew.zipkin}/api/v2/services`)).status).toBe(401);
    expect((await get(`${clew.tempo}/api/search?q=%7B%7D`)).status).toBe(401);
    expect((await get(`${clew.query}/mcp`)).status).toBe(401);

    // A bad token is no better than none.
    expect((await get(`${clew.query}/api/services`, bearer('clew_not-a-token'))).status).toBe(401);
  });

  it('the OTel gRPC exporter is refused as UNAUTHENTICATED', async () => {
    const exporter = new GrpcExporter({ url: `http://${clew.otlpGrpc}` });
    const result = await exportWith(exporter, serverTrace('grpc-nobody'));
    await exporter.shutdown();
    expect(result.code).toBe(1);
    expect(String(result.error)).toMatch(/UNAUTHENTICATED|authentication required/);
  });

  it('the UI, /health and /metrics stay open; the Jaeger agent UDP ports are closed', async () => {
    expect((await get(`${clew.query}/health`)).status).toBe(200);
    expect((await get(`${clew.query}/metrics`)).status).toBe(200);
    expect((await get(`${clew.query}/`)).status).not.toBe(401);
    expect(clew.jaegerCompact).toBeUndefined();
  });
});

describe('scopes', () => {
  it('a read token cannot write (403) and a write token cannot read (403)', async () => {
    const write = await postOtlpJson(sharedTraceBody('team-a-svc', '00000000000000bb'), bearer(TOKENS.aRead));
    expect(write.status).toBe(403);
    expect(((await write.json()) as { message: string }).message).toBe('a read token may not write spans');
    const read = await get(`${clew.query}/api/clew/v1/services`, bearer(TOKENS.aWrite));
    expect(read.status).toBe(403);
    expect(JSON.parse(read.text).error.code).toBe('FORBIDDEN');
  });
});

describe('two tenants', () => {
  beforeAll(async () => {
    // team-a through OTLP/HTTP, team-b through OTLP/gRPC, each with the SDK's own header settings.
    const a = new HttpProtoExporter({ url: clew.otlpHttp, headers: bearer(TOKENS.aWrite) });
    const meta = new Metadata();
    meta.set('authorization', `Bearer ${TOKENS.bWrite}`);
    const b = new GrpcExporter({ url: `http://${clew.otlpGrpc}`, metadata: meta });
    const [ra, rb] = await Promise.all([exportWith(a, serverTrace('alpha')), exportWith(b, serverTrace('beta'))]);
    await Promise.all([a.shutdown(), b.shutdown()]);
    expect([ra.error ?? null, rb.error ?? null]).toEqual([null, null]);
    expect((await postOtlpJson(sharedTraceBody('alpha', '00000000000000a1'), bearer(TOKENS.aWrite))).status).toBe(200);
    expect((await postOtlpJson(sharedTraceBody('beta', '00000000000000b1'), bearer(TOKENS.bWrite))).status).toBe(200);
    // Every test reads the store, which the writer fills a batch after the acknowledgements.
    await waitForStore(clew.query);
  });

  it('Jaeger: services and the shared trace are each tenant\'s own', async () => {
    expect((await getJson(`${clew.query}/api/services`, TOKENS.aRead)).data).toEqual(['alpha']);
    expect((await getJson(`${clew.query}/api/services`, TOKENS.bRead)).data).toEqual(['beta']);
    const a = await getJson(`${clew.query}/api/traces/${SHARED_TRACE_ID}`, TOKENS.aRead);
    expect(a.data[0].spans.map((s: { spanID: string }) => s.spanID)).toEqual(['00000000000000a1']);
    const b = await getJson(`${clew.query}/api/traces/${SHARED_TRACE_ID}`, TOKENS.bRead);
    expect(b.data[0].spans.map((s: { spanID: string }) => s.spanID)).toEqual(['00000000000000b1']);
    const search = await getJson(`${clew.query}/api/traces?service=beta&limit=20`, TOKENS.aRead);
    expect(search.data).toEqual([]);
  });

  it('native API: services, search and autocomplete are each tenant\'s own', async () => {
    expect((await getJson(`${clew.query}/api/clew/v1/services`, TOKENS.aRead)).services).toEqual(['alpha']);
    const found = await getJson(`${clew.query}/api/clew/v1/search?limit=50`, TOKENS.bRead);
    const services = new Set(found.traces.flatMap((t: { services: Array<{ name: string }> }) => t.services.map((s) => s.name)));
    expect([...services]).toEqual(['beta']);
    const session = await getJson(`${clew.query}/api/clew/v1/session`, TOKENS.bRead);
    expect(session).toEqual({ auth: true, tenant: 'team-b', scope: 'read', tenants: ['team-b'] });
  });

  it('Zipkin: services and the shared trace are each tenant\'s own', async () => {
    expect(await getJson(`${clew.zipkin}/api/v2/services`, TOKENS.aRead)).toEqual(['alpha']);
    const trace = await getJson(`${clew.zipkin}/api/v2/trace/${SHARED_TRACE_ID}`, TOKENS.bRead);
    expect(trace.map((s: { localEndpoint: { serviceName: string } }) => s.localEndpoint.serviceName)).toEqual(['beta']);
  });

  it('Tempo: TraceQL search, trace by id and tag values are each tenant\'s own', async () => {
    const search = await getJson(`${clew.tempo}/api/search?q=${encodeURIComponent('{ }')}&limit=50`, TOKENS.aRead);
    expect(new Set(search.traces.map((t: { rootServiceName: string }) => t.rootServiceName))).toEqual(new Set(['alpha']));
    const values = await eventually(
      () => getJson(`${clew.tempo}/api/v2/search/tag/resource.service.name/values`, TOKENS.bRead),
      (body) => body.tagValues?.length > 0,
    );
    expect(values.tagValues.map((v: { value: string }) => v.value)).toEqual(['beta']);
    const byId = await getJson(`${clew.tempo}/api/v2/traces/${SHARED_TRACE_ID}`, TOKENS.aRead);
    expect(JSON.stringify(byId)).toContain('alpha');
    expect(JSON.stringify(byId)).not.toContain('beta');
  });

  it("metrics: each tenant's RED figures count only its own spans", async () => {
    const calls = await eventually(
      () => getJson(`${clew.query}/api/clew/v1/metrics/services`, TOKENS.aRead),
      (body) => body.services?.length > 0,
    );
    expect(calls.services.map((s: { service: string }) => s.service)).toEqual(['alpha']);
    const other = await getJson(`${clew.query}/api/clew/v1/metrics/services`, TOKENS.bRead);
    expect(other.services.map((s: { service: string }) => s.service)).not.toContain('alpha');
  });

  it("the service map and Jaeger's dependencies are each tenant's own", async () => {
    // Root server spans make edges from the virtual "user" node once the service graph's wait is over.
    const map = await eventually(
      () => getJson(`${clew.query}/api/clew/v1/service-map`, TOKENS.aRead),
      (body) => body.edges?.some((e: { server: string }) => e.server === 'alpha'),
    );
    expect(new Set(map.edges.map((e: { server: string }) => e.server))).toEqual(new Set(['alpha']));
    expect(map.nodes.map((n: { id: string }) => n.id)).not.toContain('beta');
    const deps = await eventually(
      () => getJson(`${clew.query}/api/dependencies?endTs=${Date.now() + 60_000}&lookback=3600000`, TOKENS.bRead),
      (body) => body.data?.length > 0,
    );
    expect(new Set(deps.data.map((d: { child: string }) => d.child))).toEqual(new Set(['beta']));
  });

  it('an admin token picks a tenant it may use with X-Scope-OrgID, and is refused (403) any other', async () => {
    expect((await getJson(`${clew.query}/api/services`, TOKENS.admin)).data).toEqual(['alpha']);
    expect((await getJson(`${clew.query}/api/services`, TOKENS.admin, { 'x-scope-orgid': 'team-b' })).data).toEqual(['beta']);
    const refused = await get(`${clew.tempo}/api/search?q=%7B%7D`, { ...bearer(TOKENS.admin), 'x-scope-orgid': 'team-c' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('may not use tenant "team-c"');
    // A read token naming its own tenant is fine (Grafana sends X-Scope-OrgID with every request).
    expect((await getJson(`${clew.query}/api/services`, TOKENS.aRead, { 'x-scope-orgid': 'team-a' })).data).toEqual(['alpha']);
  });
});

describe('limits per tenant', () => {
  it('a tenant over its ingest rate gets 429 naming the limit, with Retry-After, while another keeps flowing', async () => {
    // team-c: 1 span/s, burst 5. The first request spends the bucket; the next is over the rate.
    const body = (n: number) => sharedTraceBody('gamma', n.toString(16).padStart(16, '0'));
    expect((await postOtlpJson(body(0xc1), bearer(TOKENS.cWrite))).status).toBe(200);
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await postOtlpJson(body(0xc2 + i), bearer(TOKENS.cWrite));
      statuses.push(res.status);
      if (res.status === 429) {
        refused = res;
        break;
      }
    }
    expect(refused, `statuses ${statuses.join(',')}`).toBeDefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused!.json()) as { message: string }).message).toContain('tenants.team-c.ingestRate');
    // Meanwhile team-a writes as before.
    expect((await postOtlpJson(sharedTraceBody('alpha', '00000000000000a2'), bearer(TOKENS.aWrite))).status).toBe(200);

    const metrics = (await get(`${clew.query}/metrics`)).text;
    expect(metrics).toMatch(/clew_tenant_spans_refused_total\{tenant="team-c",limit="ingest_rate"\} [1-9]/);
  });
});

describe('spans per trace', () => {
  it("refuses a tenant's spans past its maxSpansPerTrace as a partial success naming the limit", async () => {
    const body = (spanIds: string[]) =>
      JSON.stringify({
        resourceSpans: spanIds.map((id) => JSON.parse(sharedTraceBody('beta', id)).resourceSpans[0]).map((rs) => ({
          ...rs,
          scopeSpans: rs.scopeSpans.map((ss: { spans: Array<Record<string, unknown>> }) => ({
            spans: ss.spans.map((sp) => ({ ...sp, traceId: '0000000000000000000000000000b1b1' })),
          })),
        })),
      });
    const res = await postOtlpJson(body(['00000000000000b3', '00000000000000b4', '00000000000000b5']), bearer(TOKENS.bWrite));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: '1 spans over tenant "team-b"\'s limit of 2 spans per trace (tenants.team-b.maxSpansPerTrace)' },
    });
    // team-a has no such limit.
    const a = await postOtlpJson(body(['00000000000000a3', '00000000000000a4', '00000000000000a5']).replaceAll('beta', 'alpha'), bearer(TOKENS.aWrite));
    expect(await a.json()).toEqual({});
  });
});

describe('/metrics/traces', () => {
  it("answers a tenant its own span metrics only", async () => {
    const a = await eventually(
      async () => (await get(`${clew.query}/metrics/traces`, bearer(TOKENS.aRead))).text,
      (text) => text.includes('service="alpha"'),
    );
    expect(a).not.toContain('service="beta"');
    expect((await get(`${clew.query}/metrics/traces`)).status).toBe(401);
  });
});

describe('logs', () => {
  it('never hold a token', () => {
    const logged = JSON.stringify(clew.logs);
    for (const token of Object.values(TOKENS)) expect(logged).not.toContain(token);
  });
});
