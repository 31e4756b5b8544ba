import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { credentials } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { decodeOtlpJson } from '@clew/codecs';
import type { Span, UnixNanos } from '@clew/model';
import { encodeExportRequests } from '@clew/server';
import { bySpanKey, DAY, DAY_NS, daySpans, runClew } from './testing/export-spans.js';
import { exportWith, recordSpans } from './testing/otel.js';
import type { SelfSigned } from './testing/self-signed.js';
import { selfSigned } from './testing/self-signed.js';

let clew: ClewProcess;
let dir: string;
let cleanup: () => Promise<void>;
let first: SelfSigned;
const certFile = () => `${dir}/tls/cert.pem`;
const keyFile = () => `${dir}/tls/key.pem`;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDataDir());
  const { mkdir } = await import('node:fs/promises');
  await mkdir(`${dir}/tls`);
  first = selfSigned(`${dir}/tls`, 'first', certFile(), keyFile());
  clew = await startClewProcess(`${dir}/data`, ['--tls-cert', certFile(), '--tls-key', keyFile()]);
});

afterAll(async () => {
  await clew?.stop();
  await cleanup?.();
});

/** One HTTPS request that trusts only `ca`: the reply, or the TLS or socket error. */
function https(url: string, ca: Buffer, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json' } : {}, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject).end(body);
  });
}

function plainHttp(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => resolve(res.statusCode!));
    req.on('error', reject).end();
  });
}

/** The certificate a new connection to `hostPort` is shown (h2 offered, as gRPC needs). */
function peerFingerprint(hostPort: string): Promise<string> {
  const url = new URL(`https://${hostPort}`);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

/** Polls until every listener shows `fingerprint` to a new connection, for at most 20 s. */
async function waitForCertificate(hostPorts: string[], fingerprint: string): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const seen = await Promise.all(hostPorts.map(peerFingerprint));
    if (seen.every((f) => f === fingerprint) || Date.now() > deadline) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForTraceOverHttps(query: string, traceId: string, ca: Buffer): Promise<unknown[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await https(`${query}/api/traces/${traceId}`, ca);
    const spans = res.status === 200 ? (JSON.parse(res.text).data?.[0]?.spans ?? []) : [];
    if (spans.length > 0 || Date.now() > deadline) return spans;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const hostPort = (url: string) => new URL(url).host;

describe('TLS on every TCP listener', () => {
  it('prints https addresses for the HTTP listeners', () => {
    for (const a of [clew.otlpHttp, clew.query, clew.zipkin, clew.jaegerThriftHttp, clew.tempo]) expect(a).toMatch(/^https:\/\//);
  });

  it('takes OTLP/HTTP over https and serves it back on the query port over https', async () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const body = JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tls-http' } }] },
        scopeSpans: [{ spans: [{ traceId, spanId: 'eee19b7ec3c1b174', name: 'over https', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' }] }],
      }],
    });
    expect((await https(clew.otlpHttp, first.cert, body)).status).toBe(200);
    expect(await waitForTraceOverHttps(clew.query, traceId, first.cert)).toHaveLength(1);
  });

  it('takes OTLP/gRPC over TLS from the OpenTelemetry exporter', async () => {
    const spans = recordSpans('tls-grpc', (tracer) => tracer.startSpan('over grpc tls').end());
    const exporter = new GrpcExporter({ url: `https://${clew.otlpGrpc}`, credentials: credentials.createSsl(first.cert) });
    const result = await exportWith(exporter, spans);
    await exporter.shutdown();
    expect(result.code, String(result.error)).toBe(0);
    expect(await waitForTraceOverHttps(clew.query, spans[0]!.spanContext().traceId, first.cert)).toHaveLength(1);
  });

  it('imports and exports through a Clew over https, trusting the CA that NODE_EXTRA_CA_CERTS names, and says why not without it', async () => {
    const ca = `${dir}/first-ca.pem`; // the certificate file itself is replaced by a later test
    await writeFile(ca, first.cert);
    // A day of spans ending a minute ago (the spans of the tests before are newer), written as an export writes them.
    const shift = BigInt(Date.now() - 60_000) * 1_000_000n - DAY - DAY_NS;
    const spans = daySpans(7, 30).map((s) => ({ ...s, startTimeUnixNano: (s.startTimeUnixNano + shift) as UnixNanos, endTimeUnixNano: (s.endTimeUnixNano + shift) as UnixNanos }));
    const file = `${dir}/over-tls.pb`;
    await writeFile(file, encodeExportRequests(spans, 'protobuf'));
    const urls = ['--url', clew.query, '--otlp-url', clew.otlpHttp];

    const untrusted = await runClew(['import', file, ...urls]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain(`cannot reach ${clew.otlpHttp} (DEPTH_ZERO_SELF_SIGNED_CERT)`);

    const imported = await runClew(['import', file, ...urls], { NODE_EXTRA_CA_CERTS: ca });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`spans read ${spans.length}, written ${spans.length}, refused 0`);
    const range = ['--from', new Date(Number((DAY + shift) / 1_000_000n)).toISOString(), '--to', new Date(Number((DAY + shift + DAY_NS) / 1_000_000n)).toISOString()];
    let back: Span[] = [];
    for (const deadline = Date.now() + 15_000; back.length < spans.length && Date.now() < deadline; ) {
      const exported = await runClew(['export', '--url', clew.query, ...range], { NODE_EXTRA_CA_CERTS: ca });
      expect(exported.code, exported.stderr).toBe(0);
      back = exported.stdout.split('\n').filter((l) => l !== '').flatMap((l) => decodeOtlpJson(l).spans);
    }
    expect(back.sort(bySpanKey)).toEqual([...spans].sort(bySpanKey));
  });

  it('refuses plain HTTP on a TLS port', async () => {
    await expect(plainHttp(`${clew.query.replace('https://', 'http://')}/api/services`)).rejects.toThrow();
  });

  it('presents a replaced certificate to new connections without a restart', async () => {
    const listeners = [clew.otlpHttp, clew.query, clew.zipkin, clew.jaegerThriftHttp, clew.tempo].map(hostPort).concat(clew.otlpGrpc);
    expect(await Promise.all(listeners.map(peerFingerprint))).toEqual(listeners.map(() => first.fingerprint256));
    const second = selfSigned(`${dir}/tls`, 'second', certFile(), keyFile());
    expect(second.fingerprint256).not.toBe(first.fingerprint256);
    expect(await waitForCertificate(listeners, second.fingerprint256)).toEqual(listeners.map(() => second.fingerprint256));
    // A client that trusts only the new certificate is served, and the process is the same one.
    expect((await https(`${clew.query}/api/services`, second.cert)).status).toBe(200);
    await expect(https(`${clew.query}/api/services`, first.cert)).rejects.toThrow();
    expect(clew.child.exitCode).toBeNull();
  });
});
