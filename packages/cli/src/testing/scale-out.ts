// What the scale-out tests share: Clew processes in collector and query roles over a ClickHouse database (one server
// or a cluster), each with its own data directory, stopped after the file; traces made with the real OTel SDK; and
// reads through a query node.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ClewProcess } from '@clew/testing/clew-process';
import { getJson, startClewProcess } from '@clew/testing/clew-process';
import { freePort } from '@clew/testing/free-port';
import { exportWith, recordSpans } from './otel.js';

export interface ScaleOut {
  /** The test file's temp dir: each process's data dir and config file are in it, named after the process. */
  readonly dir: string;
  /**
   * Starts a Clew of `role` on `database`, writing as source `name` (a collector's write-ahead log is in its data
   * dir); `extraYaml` is added to its config file and `args` to its flags.
   */
  start(name: string, role: 'collector' | 'query', database: string, opts?: { extraYaml?: string; args?: string[] }): Promise<ClewProcess>;
  /** Starts the same Clew again on its data dir and config (after a kill): the same log, the same source. */
  restart(name: string, opts?: { args?: string[] }): Promise<ClewProcess>;
}

/**
 * Registers a temp dir and the processes of a test file, stopped and removed after it. `clickhouse` gives the flow
 * mapping of `storage.clickhouse` for a source and database, e.g. `{ url: …, database: clew_x, source: c1 }`.
 */
export function useScaleOut(clickhouse: (source: string, database: string) => string): ScaleOut {
  let dir = '';
  const running: ClewProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-scale-out-'));
  });
  afterAll(async () => {
    for (const p of running) await p.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  const launch = async (name: string, args: string[]): Promise<ClewProcess> => {
    const p = await startClewProcess(join(dir, name), ['--config', join(dir, `${name}.yaml`), ...args]);
    running.push(p);
    return p;
  };
  return {
    get dir() {
      return dir;
    },
    async start(name, role, database, opts = {}) {
      await writeFile(join(dir, `${name}.yaml`), `role: ${role}\nstorage:\n  backend: clickhouse\n  clickhouse: ${clickhouse(name, database)}\n${opts.extraYaml ?? ''}`);
      return launch(name, opts.args ?? []);
    },
    restart: (name, opts = {}) => launch(name, opts.args ?? []),
  };
}

/** A server span with `children` child spans, recorded by the real SDK (not exported yet). */
export function serverTrace(service: string, children: number): ReturnType<typeof recordSpans> {
  return recordSpans(service, (tracer) => {
    const root = tracer.startSpan('GET /', { kind: SpanKind.SERVER });
    for (let i = 0; i < children; i++) tracer.startSpan(`step ${i}`, {}, trace.setSpan(context.active(), root)).end();
    root.end();
  });
}

/** The spans of a trace the query node holds (Jaeger API), polled until there are `n` (or 20 s passed). */
export async function spansOf(query: string, traceId: string, n: number): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await getJson(`${query}/api/traces/${traceId}`);
    const count = res.status === 200 ? (res.body.data?.[0]?.spans?.length ?? 0) : 0;
    if (count >= n || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Tail sampling across two collectors (pipeline.tailSampling.peers, error policy) on `database`, and a query node:
 * each of 8 traces is split, a server root and its client child sent to one collector, the downstream server and
 * its database call to the other, every other trace failing in its second half. Expects every error trace whole on
 * the query node and the others dropped, whichever collector decided them.
 */
export async function expectErrorTracesWholeAcrossPeers(fleet: ScaleOut, database: string, names: { peers: string; query: string }): Promise<void> {
  const ports = [await freePort(), await freePort()];
  const members = ports.map((p) => `http://127.0.0.1:${p}`);
  const collectors: ClewProcess[] = [];
  for (const [i, port] of ports.entries()) {
    const extraYaml = `pipeline:
  tailSampling:
    decisionWait: 1s
    policies: [{ type: error }]
    peers: { self: ${members[i]}, members: [${members.join(', ')}] }
`;
    collectors.push(await fleet.start(`${names.peers}${i}`, 'collector', database, { extraYaml, args: ['--otlp-http-port', String(port)] }));
  }
  const query = await fleet.start(names.query, 'query', database);
  const traces = Array.from({ length: 8 }, (_, n) => {
    const spans = recordSpans('peers-svc', (tracer) => {
      const root = tracer.startSpan(`GET /order/${n}`, { kind: SpanKind.SERVER });
      const a = tracer.startSpan('call stock', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root));
      const b = tracer.startSpan('GET /stock', { kind: SpanKind.SERVER }, trace.setSpan(context.active(), a));
      const c = tracer.startSpan('SELECT stock', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), b));
      if (n % 2 === 0) c.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
      c.end();
      b.end();
      a.end();
      root.end();
    });
    return {
      n,
      id: spans[0]!.spanContext().traceId,
      first: spans.filter((s) => s.name.startsWith('GET /order') || s.name === 'call stock'),
      second: spans.filter((s) => s.name === 'GET /stock' || s.name === 'SELECT stock'),
    };
  });
  const toA = new HttpProtoExporter({ url: collectors[0]!.otlpHttp });
  const toB = new HttpProtoExporter({ url: collectors[1]!.otlpHttp });
  expect((await exportWith(toA, traces.flatMap((t) => t.first))).code).toBe(0);
  expect((await exportWith(toB, traces.flatMap((t) => t.second))).code).toBe(0);
  await Promise.all([toA.shutdown(), toB.shutdown()]);
  for (const t of traces.filter((t) => t.n % 2 === 0)) expect(await spansOf(query.query, t.id, 4)).toBe(4);
  for (const t of traces.filter((t) => t.n % 2 === 1)) expect((await getJson(`${query.query}/api/traces/${t.id}`)).status).toBe(404);
}
