import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span, UnixNanos } from '@clew/model';
import { str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { TreeNode } from '@clew/model/testing';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { HEALTH_SERVICES, healthTraffic } from '@clew/testing/health-traffic';
import { postProto } from '@clew/testing/payloads';

/*
 * The MCP server end to end: known traffic sent over OTLP to a real `clew serve`, then every tool called through the
 * SDK's own client over streamable HTTP, each answer checked against what was sent; a 50,001-span trace's outline
 * stays within the answer bound.
 */

/** What the server promises (MAX_ANSWER_CHARS in packages/server/src/mcp/answer.ts). */
const ANSWER_BOUND = 40_000;
const MINUTE = 60_000;
const N = 60;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
const FROM = new Date(T0).toISOString();
const TO = new Date(T0 + 20 * MINUTE).toISOString();
const traffic = healthTraffic(T0, N, 10_000);
const PAYMENT_ERRORS = traffic.served.payment!.errors;

/** root → 100 shards → 499 items each: 50,001 spans, one item failing. */
const SHARDS = 100;
const ITEMS = 499;
const bigTrace: Span[] = makeTrace((BigInt(Date.now()) * 1_000_000n) as UnixNanos, {
  service: 'batch',
  name: 'nightly import',
  at: 0,
  ms: 60_000,
  children: Array.from({ length: SHARDS }, (_, s): TreeNode => ({
    service: 'batch',
    name: `shard ${s}`,
    at: s * 500,
    ms: 499,
    children: Array.from({ length: ITEMS }, (_, i): TreeNode => ({ service: 'worker', name: 'import item', at: s * 500 + i, ms: 1, error: s === 42 && i === 7 })),
  })),
});

/*
 *   shop GET /list    |0 ──────────────────────────── 30|
 *     6 × SELECT product, one after another (an N+1)
 *     3 × POST /pay: two failures, then a success (retries)
 */
const patternTrace: Span[] = makeTrace((BigInt(Date.now()) * 1_000_000n) as UnixNanos, {
  service: 'shop',
  name: 'GET /list',
  at: 0,
  ms: 30,
  kind: 2,
  children: [
    ...Array.from({ length: 6 }, (_, i): TreeNode => ({
      service: 'shop',
      name: 'SELECT product',
      kind: 3,
      at: 1 + i * 2,
      ms: 1.5,
      attributes: [{ key: 'db.statement', value: str(`SELECT * FROM product WHERE id = ${i}`) }],
    })),
    ...Array.from({ length: 3 }, (_, i): TreeNode => ({ service: 'shop', name: 'POST /pay', kind: 3, at: 14 + i * 5, ms: 4, error: i < 2 })),
  ],
});

const tmp = await tempDataDir();
let clew: ClewProcess;
let client: Client;

/** Calls a tool and returns its answer's text (and whether it is an error answer). */
async function callText(name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const block = res.content[0];
  if (block?.type !== 'text') throw new Error(`${name}: expected a text answer, got ${JSON.stringify(res).slice(0, 300)}`);
  return { text: block.text, isError: res.isError === true };
}

/** Calls a tool and parses its JSON answer, failing on an error answer or one over the bound. */
async function call(name: string, args: Record<string, unknown> = {}): Promise<any> {
  const { text, isError } = await callText(name, args);
  expect(isError, `${name}: ${text}`).toBe(false);
  expect(text.length, name).toBeLessThanOrEqual(ANSWER_BOUND);
  return JSON.parse(text);
}

/** Polls `read` until `done` says its value is complete. */
async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not settle: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const config = join(tmp.dir, 'clew.yaml');
  await writeFile(
    config,
    [
      'metrics:',
      '  flushInterval: 200ms',
      '  serviceGraphWait: 1s',
      'slos:',
      '  - id: payment-availability',
      '    name: Payment availability',
      '    service: payment',
      '    objective: { kind: availability }',
      '    target: 0.99',
      '',
    ].join('\n'),
  );
  clew = await startClewProcess(join(tmp.dir, 'data'), ['--config', config]);
  for (const t of traffic.traces) expect((await postProto(clew.otlpHttp, t)).status).toBe(200);
  expect((await postProto(clew.otlpHttp, patternTrace)).status).toBe(200);
  for (let i = 0; i < bigTrace.length; i += 5_000) expect((await postProto(clew.otlpHttp, bigTrace.slice(i, i + 5_000))).status).toBe(200);
  client = new Client({ name: 'clew-mcp-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${clew.query}/mcp`)));
  // Spans reach the store, and the rollups their minute, a moment after they are acknowledged.
  // Polled by search (get_trace would cache a trace read while its spans still arrive).
  await until('the big trace', () => call('search_traces', { service: 'batch', limit: 1 }), (r) => r.traces[0]?.spans === bigTrace.length);
  await until('the searches', () => call('search_traces', { service: 'payment', limit: 1 }), (r) => r.total === N);
  await until('the figures', () => call('service_map', { from: FROM, to: TO }), (m) => m.edges.some((e: any) => e.client === 'user' && e.calls === N));
}, 120_000);

afterAll(async () => {
  await client?.close();
  await clew?.stop();
  await tmp.cleanup();
});

describe('MCP server', () => {
  it('lists its read-only tools, each with a description and an input schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['compare_attributes', 'critical_path', 'endpoint_critical_path', 'get_span', 'get_trace', 'list_operations', 'list_services', 'red_metrics', 'search_traces', 'service_map', 'slo_status', 'trace_diff', 'trace_patterns'].sort(),
    );
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(40);
      expect(t.inputSchema.type, t.name).toBe('object');
      expect(t.annotations?.readOnlyHint, t.name).toBe(true);
    }
    expect(tools.find((t) => t.name === 'search_traces')!.inputSchema.properties).toHaveProperty('traceql');
    expect(client.getInstructions()).toMatch(/critical_path/);
  });

  it('lists services and operations', async () => {
    expect((await call('list_services')).services).toEqual([...HEALTH_SERVICES, 'batch', 'shop', 'worker'].sort());
    expect((await call('list_operations', { service: 'payment' })).operations).toEqual([{ name: 'charge', spanKind: 'server' }]);
    expect((await call('list_operations', { service: 'checkout', spanKind: 'producer' })).operations).toEqual([{ name: 'orders send', spanKind: 'producer' }]);
  });

  it('searches by fields and by TraceQL', async () => {
    const slow = traffic.traces.filter((_, i) => i % 10 === 9);
    const byFields = await call('search_traces', { service: 'catalog', attributes: { 'db.system': 'duckdb' }, minDuration: '400ms', from: FROM, to: TO });
    expect(byFields.total).toBe(slow.length);
    expect(byFields.traces.map((t: any) => t.traceId).sort()).toEqual(slow.map((t) => t[0]!.traceId).sort());
    expect(byFields.traces[0]).toMatchObject({ root: 'frontend: GET /checkout', spans: 10, matched: { service: 'catalog', name: 'SELECT reviews' } });

    const failing = await call('search_traces', { traceql: '{ resource.service.name = "payment" && status = error }', limit: 50 });
    expect(failing.total).toBe(PAYMENT_ERRORS);
    expect(failing.totalIsLowerBound).toBeUndefined();
    for (const t of failing.traces) expect(t.errors).toBeGreaterThan(0);

    const longest = await call('search_traces', { service: 'frontend', sort: 'duration', limit: 1 });
    expect(longest.traces[0].durationMs).toBe(Math.max(...traffic.served.frontend!.durationsMs));

    const bad = await callText('search_traces', { traceql: '{ status = }' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/^BAD_PARAMETER/);
  });

  it('outlines a trace and gives one span in full', async () => {
    const i = 9; // payment fails (i % 5 === 4) and the database is slow (i % 10 === 9)
    const trace = traffic.traces[i]!;
    const outline = await call('get_trace', { traceId: trace[0]!.traceId });
    expect(outline).toMatchObject({
      spanCount: 10,
      errorCount: 4,
      durationMs: traffic.served.frontend!.durationsMs[i],
      root: { service: 'frontend', name: 'GET /checkout' },
      listed: 10,
      notListed: 0,
    });
    expect(outline.services.map((s: any) => s.service).sort()).toEqual([...HEALTH_SERVICES].sort());
    expect(outline.spans).toHaveLength(10);
    expect(outline.spans[0]).toMatch(/^[0-9a-f]{16} frontend: GET \/checkout \(server\) \+0 /);
    const payment = trace.find((s) => s.name === 'charge' && s.kind === 2)!;
    expect(outline.spans.find((l: string) => l.includes(payment.spanId))).toMatch(/^ {8}[0-9a-f]{16} payment: charge \(server\) .* ERROR$/);

    const span = await call('get_span', { traceId: trace[0]!.traceId, spanId: payment.spanId });
    expect(span).toMatchObject({
      service: 'payment',
      name: 'charge',
      kind: 'server',
      status: { code: 'error', message: 'card declined' },
      durationMs: traffic.served.payment!.durationsMs[i],
      resource: { 'service.name': 'payment' },
      events: [{ atMs: 0, name: 'exception', attributes: { 'exception.type': 'CardDeclinedError', 'exception.message': 'card declined by issuer' } }],
    });
    const query = trace.find((s) => s.name === 'SELECT reviews')!;
    expect((await call('get_span', { traceId: trace[0]!.traceId, spanId: query.spanId })).attributes).toEqual({
      'db.system': 'duckdb',
      'db.statement': 'SELECT * FROM reviews WHERE product_id = ?',
      rows: '1',
    });

    const missing = await callText('get_trace', { traceId: 'ab'.repeat(16) });
    expect(missing).toEqual({ isError: true, text: expect.stringMatching(/^TRACE_NOT_FOUND/) });
    // Past a tool's own bound, the SDK refuses the call as an answer the assistant reads.
    const tooMany = await callText('get_trace', { traceId: trace[0]!.traceId, maxSpans: 10_000 });
    expect(tooMany).toEqual({ isError: true, text: expect.stringMatching(/maxSpans/) });
  });

  it("finds a trace's critical path", async () => {
    const i = 9;
    const path = await call('critical_path', { traceId: traffic.traces[i]![0]!.traceId });
    const duration = traffic.served.frontend!.durationsMs[i]!;
    expect(path.durationMs).toBe(duration);
    expect(path.criticalPathMs).toBeCloseTo(duration, 3);
    // The slow query (400 ms and more) is what this request waited on most.
    expect(path.byOperation[0]).toMatchObject({ service: 'catalog', name: 'SELECT reviews' });
    const total = path.byService.reduce((n: number, s: any) => n + s.ms, 0);
    expect(total).toBeCloseTo(duration, 2);
  });

  it("merges an endpoint's critical paths", async () => {
    const front = traffic.served.frontend!.durationsMs;
    const all = await call('endpoint_critical_path', { service: 'frontend', operation: 'GET /checkout', from: FROM, to: TO });
    expect(all).toMatchObject({ tracesMatched: N, tracesMerged: N });
    expect(all.totalMs).toBeCloseTo(front.reduce((a, b) => a + b, 0), 3);
    expect(all.operations.reduce((n: number, o: any) => n + o.share, 0)).toBeCloseTo(1, 3);
    const slow = await call('endpoint_critical_path', { service: 'frontend', operation: 'GET /checkout', minDuration: '400ms', from: FROM, to: TO });
    expect(slow.tracesMerged).toBe(front.filter((d) => d >= 400).length);
    expect(slow.operations[0]).toMatchObject({ service: 'catalog', name: 'SELECT reviews' });
  });

  it('finds N+1 calls and retries in a trace', async () => {
    const r = await call('trace_patterns', { traceId: patternTrace[0]!.traceId });
    expect(r.nPlusOne).toEqual([expect.objectContaining({ service: 'shop', name: 'SELECT product', count: 6, parentSpanId: patternTrace[0]!.spanId })]);
    expect(r.retries).toEqual([expect.objectContaining({ service: 'shop', name: 'POST /pay', attempts: 3, failures: 2, succeeded: true })]);
    expect((await call('trace_patterns', { traceId: traffic.traces[0]![0]!.traceId })).nPlusOne).toEqual([]);
  });

  it('compares a fast trace with a slow one', async () => {
    const [fast, slow] = [0, 9];
    const diff = await call('trace_diff', { a: traffic.traces[fast]![0]!.traceId, b: traffic.traces[slow]![0]!.traceId });
    const front = traffic.served.frontend!.durationsMs;
    expect(diff.a).toMatchObject({ spanCount: 10, durationMs: front[fast], errorCount: 0 });
    expect(diff.b).toMatchObject({ spanCount: 10, durationMs: front[slow], errorCount: 4 });
    expect(diff.durationDeltaMs).toBe(front[slow]! - front[fast]!);
    expect(diff).toMatchObject({ alignedNodes: 10, onlyInA: 0, onlyInB: 0 });
    const query = (i: number) => traffic.served.catalog!.durationsMs[i]! - 3;
    expect(diff.nodes[0]).toMatchObject({ presence: 'both', a: { count: 1, totalMs: query(fast) }, b: { count: 1, totalMs: query(slow) } });
    expect(diff.nodes[0].path).toMatch(/catalog: SELECT reviews$/);
  });

  it("names what the failing spans have that the others do not", async () => {
    const r = await call('compare_attributes', { service: 'payment', selection: 'errors', from: FROM, to: TO });
    expect(r.selection).toMatchObject({ spans: PAYMENT_ERRORS, counted: PAYMENT_ERRORS });
    expect(r.baseline).toMatchObject({ spans: N - PAYMENT_ERRORS, counted: N - PAYMENT_ERRORS });
    expect(r.values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scope: 'event', key: 'exception.type', value: 'CardDeclinedError', selectionPercent: 100, baselinePercent: 0, selectionCount: PAYMENT_ERRORS }),
      ]),
    );
    expect(r.values[0].difference).toBe(100);

    const band = await call('compare_attributes', { service: 'catalog', operation: 'SELECT reviews', selection: 'band', selectionMinDuration: '400ms', from: FROM, to: TO });
    expect(band.selection.spans).toBe(N / 10);

    const refused = await callText('compare_attributes', { selection: 'band' });
    expect(refused).toEqual({ isError: true, text: expect.stringMatching(/^BAD_PARAMETER/) });
  });

  it('gives RED metrics, the service map and SLO states as the traffic made them', async () => {
    const all = await call('red_metrics', { from: FROM, to: TO });
    expect(all).toMatchObject({ from: FROM, to: TO, spanKind: 'server' });
    const payment = all.services.find((s: any) => s.service === 'payment');
    expect(payment).toMatchObject({ count: N, errors: PAYMENT_ERRORS, errorRate: PAYMENT_ERRORS / N });
    expect(payment.ratePerSec).toBeCloseTo(N / 1200, 4);

    const one = await call('red_metrics', { service: 'payment', from: FROM, to: TO });
    expect(one).toMatchObject({ service: 'payment', count: N, errors: PAYMENT_ERRORS });
    expect(one.operations).toEqual([expect.objectContaining({ operation: 'charge', count: N, shareOfTime: 1 })]);
    expect(one.topErrors).toEqual([expect.objectContaining({ operation: 'charge', type: 'CardDeclinedError', count: PAYMENT_ERRORS })]);

    const map = await call('service_map', { from: FROM, to: TO });
    const edge = (client: string, server: string) => map.edges.find((e: any) => e.client === client && e.server === server);
    for (const [key, sent] of Object.entries(traffic.edges)) {
      const [client, server] = key.split('→') as [string, string];
      expect(edge(client, server), key).toMatchObject({ calls: sent.count, failed: sent.failed });
    }
    expect(edge('catalog', 'duckdb').connectionType).toBe('database');
    expect(map.nodes).toEqual(expect.arrayContaining([{ id: 'duckdb', type: 'database' }, { id: 'payment', type: 'service' }]));

    const { slos } = await call('slo_status', { service: 'payment' });
    expect(slos).toEqual([
      expect.objectContaining({ id: 'payment-availability', service: 'payment', target: 0.99, events: N, bad: PAYMENT_ERRORS, sli: (N - PAYMENT_ERRORS) / N }),
    ]);
    expect(slos[0].budgetRemaining).toBeLessThan(0);
    expect((await call('slo_status', { id: 'nope' })).slos).toEqual([]);
  });

  it("keeps a 50,001-span trace's answers within the bound", async () => {
    const traceId = bigTrace[0]!.traceId;
    const outline = await call('get_trace', { traceId });
    expect(outline).toMatchObject({ spanCount: 50_001, errorCount: 1, listed: 100, notListed: 49_901 });
    expect(outline.spans).toHaveLength(100);
    // The failing item is listed, with the shard above it, whatever else was cut.
    const failing = bigTrace.find((s) => s.status.code === 2)!;
    expect(outline.spans.some((l: string) => l.includes(failing.spanId) && l.endsWith('ERROR'))).toBe(true);
    expect(outline.spans[0]).toMatch(/ batch: nightly import \(server\) \+0 60000ms \[\+49901 below\]$/);
    expect(outline.note).toMatch(/under=/);

    const widest = await call('get_trace', { traceId, maxSpans: 300 });
    expect(widest.spans).toHaveLength(300);

    const shard = bigTrace.find((s) => s.name === 'shard 3')!;
    const opened = await call('get_trace', { traceId, under: shard.spanId, maxSpans: 50 });
    expect(opened).toMatchObject({ under: shard.spanId, listed: 50, notListed: ITEMS + 1 - 50 });
    expect(opened.spans[0]).toMatch(new RegExp(`^${shard.spanId} batch: shard 3 `));

    const path = await call('critical_path', { traceId });
    expect(path.sections.length).toBeLessThanOrEqual(30);
    expect(path.sectionCount).toBeGreaterThan(30);
  }, 60_000);

  it('refuses GET and DELETE: the server keeps no sessions', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${clew.query}/mcp`, { method, headers: { accept: 'text/event-stream' } });
      expect(res.status, method).toBe(405);
    }
  });
});
