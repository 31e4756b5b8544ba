import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClewProcess } from '@clew/testing/clew-process';
import { freePort } from '@clew/testing/free-port';
import { getJson, startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import type { TraceId } from '@clew/model';
import { HashRing, hashToken } from '@clew/server';
import { exportWith, recordSpans } from './testing/otel.js';

const SERVICE = 'peers-test';

/**
 * One trace of four spans, split in two halves as if two services sent to different collectors:
 *   root ├──── server ──────────┤  → first half
 *   a      ├ client ┤              → first half   (fails when `fails` is 'first')
 *   b          ├ server ┤          → second half
 *   c             ├ client ┤       → second half  (fails when `fails` is 'second')
 */
function splitTrace(i: number, fails: 'first' | 'second' | 'none'): { id: string; first: ReadableSpan[]; second: ReadableSpan[] } {
  const spans = recordSpans(SERVICE, (tracer) => {
    const start = Date.now();
    const root = tracer.startSpan(`GET /order/${i}`, { kind: SpanKind.SERVER, startTime: start });
    const inRoot = trace.setSpan(context.active(), root);
    const a = tracer.startSpan('call stock', { kind: SpanKind.CLIENT, startTime: start + 1 }, inRoot);
    const b = tracer.startSpan('GET /stock', { kind: SpanKind.SERVER, startTime: start + 2 }, trace.setSpan(context.active(), a));
    const c = tracer.startSpan('SELECT stock', { kind: SpanKind.CLIENT, startTime: start + 3 }, trace.setSpan(context.active(), b));
    if (fails === 'first') a.setStatus({ code: SpanStatusCode.ERROR, message: 'stock unavailable' });
    if (fails === 'second') c.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    c.end(start + 4);
    b.end(start + 5);
    a.end(start + 6);
    root.end(start + 8);
  });
  const byName = (n: string) => spans.find((s) => s.name === n)!;
  return {
    id: spans[0]!.spanContext().traceId,
    first: [byName(`GET /order/${i}`), byName('call stock')],
    second: [byName('GET /stock'), byName('SELECT stock')],
  };
}

/** Spans of a trace a collector's query API returns (0 when it has none). */
async function spansAt(clew: ClewProcess, id: string): Promise<number> {
  const res = await getJson(`${clew.query}/api/traces/${id}`);
  return res.status === 200 ? (res.body.data?.[0]?.spans?.length ?? 0) : 0;
}

/** The value of one series on a collector's /metrics, 0 when absent. */
async function metric(clew: ClewProcess, series: string): Promise<number> {
  const text = await (await fetch(`${clew.query}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts two collectors that share tail sampling (an `error` policy, a 1 s wait), each told the other's address, on
 * ports picked up front. `extra` is more configuration for both (auth), `peerExtra` more keys of `peers`.
 */
function usePair(extra = '', peerExtra = '') {
  const clews: ClewProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const members: string[] = [];

  beforeAll(async () => {
    const ports = [await freePort(), await freePort()];
    members.push(...ports.map((p) => `http://127.0.0.1:${p}`));
    for (const [i, port] of ports.entries()) {
      const tmp = await tempDataDir();
      cleanups.push(tmp.cleanup);
      const file = join(tmp.dir, 'clew.yaml');
      await writeFile(
        file,
        `${extra}
pipeline:
  tailSampling:
    decisionWait: 1s
    policies:
      - { type: error }
    peers:
      self: ${members[i]}
      members: [${members.join(', ')}]
      retryFor: 1s
      probeInterval: 1s${peerExtra}
`,
      );
      clews.push(await startClewProcess(join(tmp.dir, 'data'), ['--config', file, '--otlp-http-port', String(port)]));
    }
  }, 90_000);

  afterAll(async () => {
    for (const c of clews) await c.stop();
    for (const c of cleanups) await c();
  });
  return { clews, members };
}

describe('tail sampling across two collectors', () => {
  const { clews, members } = usePair();

  it('keeps every error trace whole on exactly one collector when its halves arrived at different ones, and drops the rest on both', async () => {
    const [a, b] = clews as [ClewProcess, ClewProcess];
    // Trace ids are random, and so is which collector owns a trace: each is drawn again until its owner on the ring
    // both collectors compute is the one wanted, so that each owns four of the eight failing traces.
    const ring = new HashRing(members);
    const ownerOf = (i: number) => members[Math.floor(i / 3) % 2]!;
    const traces = Array.from({ length: 12 }, (_, i) => {
      for (;;) {
        const t = { i, ...splitTrace(i, (['first', 'second', 'none'] as const)[i % 3]!) };
        if (ring.ownerOf(t.id as TraceId) === ownerOf(i)) return t;
      }
    });
    const toA = new HttpProtoExporter({ url: a.otlpHttp });
    const toB = new HttpProtoExporter({ url: b.otlpHttp });
    expect((await exportWith(toA, traces.flatMap((t) => t.first))).code).toBe(0);
    expect((await exportWith(toB, traces.flatMap((t) => t.second))).code).toBe(0);
    await Promise.all([toA.shutdown(), toB.shutdown()]);

    const failing = traces.filter((t) => t.i % 3 !== 2);
    const found = async () => Promise.all(failing.map(async (t) => [await spansAt(a, t.id), await spansAt(b, t.id)]));
    await until('every error trace stored', async () => (await found()).every(([x, y]) => x! + y! > 0));
    await new Promise((r) => setTimeout(r, 1500)); // any second copy would have been decided by now
    // Whole on its owner, absent from the other.
    expect(await found()).toEqual(failing.map((t) => (ownerOf(t.i) === members[0] ? [4, 0] : [0, 4])));
    for (const t of traces.filter((t) => t.i % 3 === 2)) expect([await spansAt(a, t.id), await spansAt(b, t.id)]).toEqual([0, 0]);

    // Each forwarded the other's half to it, and the peer is up on both.
    expect(await metric(a, `clew_tail_forwarded_spans_total{peer="${members[1]}",outcome="forwarded"}`)).toBeGreaterThan(0);
    expect(await metric(b, `clew_tail_forwarded_spans_total{peer="${members[0]}",outcome="forwarded"}`)).toBeGreaterThan(0);
    expect(await metric(a, `clew_tail_peer_up{peer="${members[1]}"}`)).toBe(1);
    // Each kept span was sampled once, by its trace's owner.
    const kept = async (c: ClewProcess) => metric(c, 'clew_tail_sampling_spans_total{outcome="kept",policy="error",reason="kept"}');
    expect((await kept(a)) + (await kept(b))).toBe(8 * 4);
    // Span metrics count each span once, where it was received (the owner does not count what was forwarded to it).
    const calls = async (c: ClewProcess) => {
      const text = await (await fetch(`${c.query}/metrics/traces`)).text();
      return [...text.matchAll(/^traces_spanmetrics_calls_total\{[^}]*service="peers-test"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    expect([await calls(a), await calls(b)]).toEqual([12 * 2, 12 * 2]);
  }, 90_000);

  it('keeps where they land the spans of a request marked as forwarded, whoever owns their trace (no loops)', async () => {
    const [a, b] = clews as [ClewProcess, ClewProcess];
    const forwardedBefore = await metric(a, `clew_tail_forwarded_spans_total{peer="${members[1]}",outcome="forwarded"}`);
    // Ten traces: about half of them are b's on the ring, yet they stay on a.
    const traces = Array.from({ length: 10 }, (_, i) => splitTrace(300 + i, 'first'));
    const asPeer = new HttpProtoExporter({ url: a.otlpHttp, headers: { 'x-clew-forwarded': '1' } });
    expect((await exportWith(asPeer, traces.flatMap((t) => [...t.first, ...t.second]))).code).toBe(0);
    await asPeer.shutdown();
    await until('every trace stored on a', async () => (await Promise.all(traces.map((t) => spansAt(a, t.id)))).every((n) => n === 4));
    expect(await Promise.all(traces.map((t) => spansAt(b, t.id)))).toEqual(traces.map(() => 0));
    expect(await metric(a, `clew_tail_forwarded_spans_total{peer="${members[1]}",outcome="forwarded"}`)).toBe(forwardedBefore);
  }, 90_000);

  it('routes around a collector that is stopped, keeps its traces whole, and counts it', async () => {
    const [a, b] = clews as [ClewProcess, ClewProcess];
    expect(await b.stop()).toBe(0);
    const traces = Array.from({ length: 12 }, (_, i) => splitTrace(100 + i, 'second'));
    const toA = new HttpProtoExporter({ url: a.otlpHttp });
    expect((await exportWith(toA, traces.flatMap((t) => [...t.first, ...t.second]))).code).toBe(0);
    await toA.shutdown();
    await until('every trace stored on the live collector', async () => (await Promise.all(traces.map((t) => spansAt(a, t.id)))).every((n) => n === 4));
    expect(await metric(a, `clew_tail_forwarded_spans_total{peer="${members[1]}",outcome="failed"}`)).toBeGreaterThan(0);
    expect(await metric(a, 'clew_tail_forwarded_spans_total{peer="self",outcome="rerouted"}')).toBeGreaterThan(0);
    expect(await metric(a, `clew_tail_peer_up{peer="${members[1]}"}`)).toBe(0);
  }, 90_000);
});

describe('tail sampling across two collectors with auth on', () => {
  const TOKENS = {
    aWrite: 'clew_test-a-write-0123456789abcdefghijklmnopqrstuv',
    aRead: 'clew_test-a-read-0123456789abcdefghijklmnopqrstuvw',
    bRead: 'clew_test-b-read-0123456789abcdefghijklmnopqrstuvw',
    peers: 'clew_test-peers-0123456789abcdefghijklmnopqrstuvwx',
  } as const;
  const { clews, members } = usePair(
    `auth:
  tokens:
    - { hash: ${hashToken(TOKENS.aWrite)}, tenant: team-a, scope: write }
    - { hash: ${hashToken(TOKENS.aRead)}, tenant: team-a, scope: read }
    - { hash: ${hashToken(TOKENS.bRead)}, tenant: team-b, scope: read }
    - { hash: ${hashToken(TOKENS.peers)}, tenant: clew-peers, scope: admin, tenants: '*' }`,
    `
      token: ${TOKENS.peers}`,
  );

  /** Spans of a trace a collector returns to a token (0 when none). */
  async function spansFor(clew: ClewProcess, id: string, token: string): Promise<number> {
    const res = await fetch(`${clew.query}/api/traces/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { data?: Array<{ spans: unknown[] }> };
    return res.status === 200 ? (body.data?.[0]?.spans.length ?? 0) : 0;
  }

  it("forwards with the peers' token into the sender's tenant, so the trace is whole in that tenant alone", async () => {
    const [a, b] = clews as [ClewProcess, ClewProcess];
    const traces = Array.from({ length: 6 }, (_, i) => splitTrace(200 + i, i % 2 === 0 ? 'first' : 'second'));
    const headers = { authorization: `Bearer ${TOKENS.aWrite}` };
    const toA = new HttpProtoExporter({ url: a.otlpHttp, headers });
    const toB = new HttpProtoExporter({ url: b.otlpHttp, headers });
    expect((await exportWith(toA, traces.flatMap((t) => t.first))).code).toBe(0);
    expect((await exportWith(toB, traces.flatMap((t) => t.second))).code).toBe(0);
    await Promise.all([toA.shutdown(), toB.shutdown()]);
    const found = async (token: string) => Promise.all(traces.map(async (t) => [await spansFor(a, t.id, token), await spansFor(b, t.id, token)].sort()));
    await until('every trace whole in team-a', async () => (await found(TOKENS.aRead)).every(([x, y]) => x === 0 && y === 4));
    expect(await found(TOKENS.bRead)).toEqual(traces.map(() => [0, 0]));
    const forwarded = (c: ClewProcess, to: string) => metric(c, `clew_tail_forwarded_spans_total{peer="${to}",outcome="forwarded"}`);
    expect((await forwarded(a, members[1]!)) + (await forwarded(b, members[0]!))).toBeGreaterThan(0);
  }, 90_000);
});
