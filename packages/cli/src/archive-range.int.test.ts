import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { DuckDBInstance } from '@duckdb/node-api';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '@clew/server';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import type { ClewProcess } from '@clew/testing/clew-process';
import { getJson, startClewProcess, tempDataDir, waitForTrace } from '@clew/testing/clew-process';
import { shiftedClock } from '@clew/testing/shifted-clock';
import { exportWith, recordSpans } from './testing/otel.js';

const BIN = fileURLToPath(new URL('../bin/clew.js', import.meta.url));
const NATIVE = '/api/clew/v1';
const DAY_MS = 86_400_000;

/*
 * checkout  POST /checkout  |==========|  SERVER
 * checkout  charge card        |====|     CLIENT, ERROR "declined", card.brand=visa, an event
 */
function checkoutTrace(): ReturnType<typeof recordSpans> {
  return recordSpans('checkout', (tracer) =>
    tracer.startActiveSpan('POST /checkout', { kind: SpanKind.SERVER }, (root) => {
      // No context manager is registered: the parent is passed by hand.
      const parent = trace.setSpan(context.active(), root);
      const charge = tracer.startSpan('charge card', { kind: SpanKind.CLIENT, attributes: { 'card.brand': 'visa', 'card.last4': 4242 } }, parent);
      charge.addEvent('retry', { attempt: 2 });
      charge.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
      charge.end();
      root.end();
    }),
  );
}

/** Runs the built `clew` with `args`; resolves with its exit code and output. */
function clewCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A trace by id through Jaeger v1 and api_v3, Tempo v1 and v2, Clew's own; searches for checkout (native, Jaeger, TraceQL). */
async function readEverywhere(clew: ClewProcess, traceId: string, startMs: number) {
  const window = `start=${startMs - 60_000}&end=${startMs + 60_000}`;
  const traceql = encodeURIComponent('{ resource.service.name = "checkout" && span.card.brand = "visa" }');
  const seconds = `start=${Math.floor(startMs / 1000) - 60}&end=${Math.ceil(startMs / 1000) + 60}`;
  const [jaeger, v3, tempo, tempoV2, native, outline, search, jaegerSearch, tempoSearch] = await Promise.all([
    getJson(`${clew.query}/api/traces/${traceId}`),
    getJson(`${clew.query}/api/v3/traces/${traceId}`),
    getJson(`${clew.tempo}/api/traces/${traceId}`),
    getJson(`${clew.tempo}/api/v2/traces/${traceId}`),
    getJson(`${clew.query}${NATIVE}/traces/${traceId}`),
    getJson(`${clew.query}${NATIVE}/traces/${traceId}/outline`),
    getJson(`${clew.query}${NATIVE}/search?service=checkout&attr=card.brand%3Dvisa&${window}&limit=20`),
    getJson(`${clew.query}/api/traces?service=checkout&start=${(startMs - 60_000) * 1000}&end=${(startMs + 60_000) * 1000}&limit=20`),
    getJson(`${clew.tempo}/api/search?q=${traceql}&${seconds}&limit=20`),
  ]);
  return { jaeger, v3, tempo, tempoV2, native, outline, search, jaegerSearch, tempoSearch };
}

/** TraceQL metrics over the spans' minutes through Tempo's API: a range query by name, an error rate, an instant quantile. */
async function readMetrics(clew: ClewProcess, startMs: number) {
  const seconds = `start=${Math.floor(startMs / 1000) - 120}&end=${Math.floor(startMs / 1000) + 120}`;
  const q = (query: string) => encodeURIComponent(query);
  const [range, errors, instant] = await Promise.all([
    getJson(`${clew.tempo}/api/metrics/query_range?q=${q('{ resource.service.name = "checkout" } | count_over_time() by (name)')}&${seconds}&step=60s`),
    getJson(`${clew.tempo}/api/metrics/query_range?q=${q('{ status = error } | rate()')}&${seconds}&step=60s`),
    getJson(`${clew.tempo}/api/metrics/query?q=${q('{ resource.service.name = "checkout" } | quantile_over_time(duration, .5)')}&${seconds}`),
  ]);
  for (const r of [range, errors, instant]) expect(r.status).toBe(200);
  type Series = Array<{ samples: Array<{ value?: number }> }>;
  return { range: range.body.series as Series, errors: errors.body.series as Series, instant: instant.body.series as Series };
}

async function waitForLog(clew: ClewProcess, msg: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!clew.logs.some((l) => l.msg === msg)) {
    if (Date.now() > deadline) throw new Error(`clew did not log "${msg}": ${JSON.stringify(clew.logs.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const clickhouse = useClickHouseServer();

describe('clew archive a range, then clew serve --archive-dir after retention dropped it', () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let clew: ClewProcess | undefined;
  let traceId: string;
  let startMs: number;
  let before: Awaited<ReturnType<typeof readEverywhere>>;
  let beforeMetrics: Awaited<ReturnType<typeof readMetrics>>;
  const archiveDir = () => join(tmp.dir, 'range-archive');
  const urlArchiveDir = () => join(tmp.dir, 'range-archive-url');

  beforeAll(async () => {
    tmp = await tempDataDir();
    clew = await startClewProcess(join(tmp.dir, 'data'));
    const spans = [...checkoutTrace(), ...checkoutTrace()];
    traceId = spans[0]!.spanContext().traceId;
    startMs = spans[0]!.startTime[0] * 1000;
    const exporter = new OTLPTraceExporter({ url: clew.otlpHttp });
    expect((await exportWith(exporter, spans)).code).toBe(0);
    await exporter.shutdown();
    for (const id of new Set(spans.map((s) => s.spanContext().traceId))) await waitForTrace(clew.query, id, 2);
    before = await readEverywhere(clew, traceId, startMs);
    beforeMetrics = await readMetrics(clew, startMs);
  });

  afterAll(async () => {
    await clew?.stop();
    await tmp?.cleanup();
  });

  it('archives through a running Clew (--url), as its token\'s tenant', async () => {
    const r = await clewCli(['archive', '--url', clew!.query, '--from', '-1h', '--to', 'now', '--out', urlArchiveDir()]);
    expect(r.stderr).toContain('archived 4 spans in 1 day file(s)');
    expect(r.code).toBe(0);
    const m = JSON.parse(await readFile(join(urlArchiveDir(), 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ format: 'clew-range-archive', version: 1, spans: 4, tenants: ['default'] });
    expect(r.stderr).not.toContain('nothing to archive');
    // A range without spans makes an empty archive, and says whose spans it looked for, where.
    const empty = await clewCli(['archive', '--url', clew!.query, '--from', '2020-01-01', '--to', '2020-01-02', '--out', join(tmp.dir, 'empty-archive')]);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stderr).toContain(`nothing to archive: the default tenant has no span starting from 2020-01-01 until 2020-01-02 (in ${clew!.query})`);
    // Both written by the Clew's store and sent (the range archive route), not staged from its export route.
    await waitForLog(clew!, 'range archive sent');
    const deadline = Date.now() + 15_000;
    while (clew!.logs.filter((l) => l.msg === 'range archive sent').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(clew!.logs.filter((l) => l.msg === 'range archive sent')).toMatchObject([{ tenant: 'default', spans: 4, files: 1 }, { tenant: 'default', spans: 0, files: 0 }]);
  });

  it('archives from the data directory (-d), a Parquet file per day with a manifest, refusing a directory that holds one', async () => {
    expect(await clew!.stop()).toBe(0);
    const dataDir = join(tmp.dir, 'data');
    const r = await clewCli(['archive', '-d', dataDir, '--from', '-1h', '--to', 'now', '--out', archiveDir()]);
    expect(r.code).toBe(0);
    const m = JSON.parse(await readFile(join(archiveDir(), 'manifest.json'), 'utf8'));
    expect(m.files).toHaveLength(1);
    expect(m.files[0]).toMatchObject({ spans: 4, tenants: { default: 4 }, day: new Date(startMs).toISOString().slice(0, 10) });
    expect(m.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stdout).toContain(`${m.files[0].file}: 4 spans`);
    const again = await clewCli(['archive', '-d', dataDir, '--from', '-1h', '--to', 'now', '--out', archiveDir()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds an archive');
  });

  it('DuckDB reads the files with a plain SELECT', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const rows = (await c.runAndReadAll(`SELECT service, name, count(*)::INTEGER FROM '${archiveDir()}/*.parquet' GROUP BY ALL ORDER BY 2`)).getRows();
      expect(rows).toEqual([['checkout', 'POST /checkout', 2], ['checkout', 'charge card', 2]]);
      const charge = (await c.runAndReadAll(
        `SELECT attributes['card.brand'], attributes['card.last4'], status_code, status_message, events[1].name, events[1].attributes['attempt'], resource['service.name']
         FROM '${archiveDir()}/*.parquet' WHERE trace_id = '${traceId}' AND name = 'charge card'`,
      )).getRows();
      expect(charge).toEqual([['visa', '4242', 2, 'declined', 'retry', '2', 'checkout']]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('answers by id and in searches from the archive, as before, once retention dropped the day', async () => {
    // Eight days later: the default retention (7d) drops the day the spans arrived on as Clew starts.
    clew = await startClewProcess(join(tmp.dir, 'data'), ['--archive-dir', archiveDir()], shiftedClock(8 * DAY_MS));
    await waitForLog(clew, 'retention dropped old partitions');
    expect(clew.logs.filter((l) => l.msg === 'range archive attached')).toMatchObject([{ level: 30, archive: archiveDir(), days: 1, spans: 4 }]);
    const after = await readEverywhere(clew, traceId, startMs);
    for (const [api, res] of Object.entries(before)) expect(res.status, api).toBe(200);
    // Clew's own trace says where it was read from; the rest is the same.
    expect(before.native.body.rangeArchived).toBeUndefined();
    expect(after.native.body.rangeArchived).toBe(true);
    delete after.native.body.rangeArchived;
    // So do the native search's rows.
    expect(before.search.body.traces.map((r: { rangeArchived?: true }) => r.rangeArchived)).toEqual([undefined, undefined]);
    expect(after.search.body.traces.map((r: { rangeArchived?: true }) => r.rangeArchived)).toEqual([true, true]);
    for (const r of after.search.body.traces) delete r.rangeArchived;
    // The trace page's archive status carries it too (its badge); no mark: a range archive is read-only.
    expect((await getJson(`${clew.query}${NATIVE}/archive/${traceId}`)).body).toEqual({ traceId, archived: null, rangeArchived: true });
    // The days the archive holds (what the Services page says its rates do not count).
    expect((await getJson(`${clew.query}${NATIVE}/range-archives/days`)).body).toEqual({ days: [{ day: new Date(startMs).toISOString().slice(0, 10), spans: 4 }] });
    expect(after).toEqual(before);
    expect(after.jaeger.body.data[0].spans).toHaveLength(2);
    expect(after.search.body.total).toBe(2);
    expect(after.jaegerSearch.body.data).toHaveLength(2);
    expect(after.tempoSearch.body.traces).toHaveLength(2);
    // Autocomplete offers what only the archive holds: its attributes, their values, its root services.
    await waitForLog(clew, 'autocomplete taught from range archives');
    const tags = await getJson(`${clew.tempo}/api/v2/search/tags?scope=span`);
    expect(tags.body.scopes[0].tags).toContain('card.brand');
    expect((await getJson(`${clew.tempo}/api/v2/search/tag/span.card.brand/values`)).body.tagValues).toEqual([{ type: 'string', value: 'visa' }]);
    expect((await getJson(`${clew.tempo}/api/search/tag/root.service.name/values`)).body.tagValues).toEqual(['checkout']);
  });

  it('answers TraceQL metrics (Tempo query_range and instant queries) from the archive, as before', async () => {
    const after = await readMetrics(clew!, startMs);
    // The 4 spans: 2 POST /checkout and 2 charge card, read from the Parquet file now (the live day is gone). A zero
    // sample has no value field (proto3 JSON, as Tempo answers).
    expect(after.range).toHaveLength(2);
    expect(after.range.reduce((n, s) => n + s.samples.reduce((m, p) => m + (p.value ?? 0), 0), 0)).toBe(4);
    expect(after.errors).toHaveLength(1);
    expect(after.instant).toHaveLength(1);
    expect(after).toEqual(beforeMetrics);
  });

  it('answers the same from the archive attached beside ClickHouse, with the live spans of ClickHouse beside it', async () => {
    expect(await clew!.stop()).toBe(0);
    clew = await startClewProcess(join(tmp.dir, 'data-ch'), [
      ...['--storage', 'clickhouse', '--clickhouse-url', clickhouse().url, '--clickhouse-database', 'ranges', '--archive-dir', archiveDir()],
    ]);
    expect(clew.logs.filter((l) => l.msg === 'range archive attached')).toMatchObject([{ archive: archiveDir(), days: 1, spans: 4 }]);
    const after = await readEverywhere(clew, traceId, startMs);
    expect(after.native.body.rangeArchived).toBe(true);
    delete after.native.body.rangeArchived;
    expect(after.search.body.traces.map((r: { rangeArchived?: true }) => r.rangeArchived)).toEqual([true, true]);
    for (const r of after.search.body.traces) delete r.rangeArchived;
    expect(after).toEqual(before);
    expect(await readMetrics(clew, startMs)).toEqual(beforeMetrics);
    expect((await getJson(`${clew.query}${NATIVE}/range-archives/days`)).body).toEqual({ days: [{ day: new Date(startMs).toISOString().slice(0, 10), spans: 4 }] });

    // A trace ClickHouse holds, beside the archived ones: newest first in a search over both, the only one not marked.
    const spans = checkoutTrace();
    const liveId = spans[0]!.spanContext().traceId;
    const exporter = new OTLPTraceExporter({ url: clew.otlpHttp });
    expect((await exportWith(exporter, spans)).code).toBe(0);
    await exporter.shutdown();
    await waitForTrace(clew.query, liveId, 2);
    const window = `start=${startMs - 60_000}&end=${Date.now() + 60_000}`;
    const search = await getJson(`${clew.query}${NATIVE}/search?service=checkout&${window}&limit=20`);
    expect(search.body.total).toBe(3);
    expect(search.body.traces.map((r: { traceId: string; rangeArchived?: true }) => [r.traceId === liveId, r.rangeArchived ?? false])).toEqual([
      [true, false],
      [false, true],
      [false, true],
    ]);
    const page2 = await getJson(`${clew.query}${NATIVE}/search?service=checkout&${window}&limit=2&offset=2`);
    expect(page2.body.traces.map((r: { traceId: string }) => r.traceId)).toEqual([search.body.traces[2].traceId]);
    const jaeger = await getJson(`${clew.query}/api/traces?service=checkout&start=${(startMs - 60_000) * 1000}&end=${(Date.now() + 60_000) * 1000}&limit=20`);
    expect(jaeger.body.data).toHaveLength(3);
    expect((await getJson(`${clew.query}/api/traces/${liveId}`)).body.data[0].spans).toHaveLength(2);

    // A Clew on ClickHouse has no range archive route: `--url` reads its export route (live spans only, not the
    // attached archive's) and stages the spans in the command.
    const viaExport = join(tmp.dir, 'range-archive-ch');
    const r = await clewCli(['archive', '--url', clew.query, '--from', '-1h', '--to', 'now', '--out', viaExport]);
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('archived 2 spans in 1 day file(s)')]);
    expect(JSON.parse(await readFile(join(viaExport, 'manifest.json'), 'utf8'))).toMatchObject({ spans: 2, tenants: ['default'] });
    expect(clew.logs.some((l) => l.msg === 'range archive sent' || l.msg === 'range archive failed')).toBe(false);
  });
});

describe('clew serve --archive-dir on a directory without an archive', () => {
  it('does not start, and says why once', async () => {
    const tmp = await tempDataDir();
    try {
      const missing = join(tmp.dir, 'no-such-archive');
      const ports = ['--otlp-grpc-port', '--otlp-http-port', '--query-port', '--zipkin-port', '--jaeger-http-port', '--jaeger-compact-port', '--jaeger-binary-port', '--tempo-port'].flatMap((p) => [p, '0']);
      const r = await clewCli(['serve', '--data-dir', join(tmp.dir, 'data'), ...ports, '--archive-dir', missing]);
      expect(r.code).toBe(1);
      const fatal = r.stdout.split('\n').filter((l) => l.includes('could not start')).map((l) => JSON.parse(l) as { err: { message: string } });
      expect(fatal).toHaveLength(1);
      expect(fatal[0]!.err.message).toContain(`${missing} is not a range archive: cannot read manifest.json`);
      expect(fatal[0]!.err.message.split('ENOENT')).toHaveLength(2);
    } finally {
      await tmp.cleanup();
    }
  });
});

// Tokens are any secret text; the config holds only their hashes. Fixed here, so a failure reproduces.
const TOKENS = {
  aWrite: 'clew_range-a-write-0123456789abcdefghijklmnopqrstu',
  aRead: 'clew_range-a-read-0123456789abcdefghijklmnopqrstuv',
  bRead: 'clew_range-b-read-0123456789abcdefghijklmnopqrstuv',
} as const;
const AUTH_CONFIG = `
auth:
  tokens:
    - { hash: ${hashToken(TOKENS.aWrite)}, tenant: team-a, scope: write }
    - { hash: ${hashToken(TOKENS.aRead)}, tenant: team-a, scope: read }
    - { hash: ${hashToken(TOKENS.bRead)}, tenant: team-b, scope: read }
`;

describe('range archives with auth on', () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let clew: ClewProcess | undefined;
  const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  afterAll(async () => {
    await clew?.stop();
    await tmp?.cleanup();
  });

  it("archives a token's tenant through --url, and reads it back for that tenant only", async () => {
    tmp = await tempDataDir();
    const config = join(tmp.dir, 'clew.yaml');
    await writeFile(config, AUTH_CONFIG);
    clew = await startClewProcess(join(tmp.dir, 'data'), ['--config', config]);
    const spans = checkoutTrace();
    const traceId = spans[0]!.spanContext().traceId;
    const exporter = new OTLPTraceExporter({ url: clew.otlpHttp, headers: { authorization: `Bearer ${TOKENS.aWrite}` } });
    expect((await exportWith(exporter, spans)).code).toBe(0);
    await exporter.shutdown();
    const deadline = Date.now() + 15_000;
    while ((await fetch(`${clew.query}${NATIVE}/traces/${traceId}`, as(TOKENS.aRead))).status !== 200) {
      if (Date.now() > deadline) throw new Error('the trace did not reach the store');
      await new Promise((r) => setTimeout(r, 50));
    }
    const out = join(tmp.dir, 'range-a');
    const r = await clewCli(['archive', '--url', clew.query, '--from', '-1h', '--to', 'now', '--out', out], { CLEW_TOKEN: TOKENS.aRead });
    expect(r.code, r.stderr).toBe(0);
    // A failed archive leaves no directory behind: a token the Clew refuses, a data directory it holds.
    const refused = join(tmp.dir, 'range-refused');
    const badToken = await clewCli(['archive', '--url', clew.query, '--from', '-1h', '--to', 'now', '--out', refused], { CLEW_TOKEN: 'clew_not-a-token' });
    expect([badToken.code, badToken.stderr]).toEqual([1, expect.stringContaining('answered 401')]);
    expect(existsSync(refused)).toBe(false);
    const held = await clewCli(['archive', '-d', join(tmp.dir, 'data'), '--from', '-1h', '--to', 'now', '--out', refused]);
    expect([held.code, held.stderr]).toEqual([1, expect.stringContaining('is in use')]);
    expect(existsSync(refused)).toBe(false);
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ spans: 2, tenants: ['team-a'] });
    expect(await clew.stop()).toBe(0);

    // A fresh data directory: the trace is only in the archive.
    clew = await startClewProcess(join(tmp.dir, 'empty'), ['--config', config, '--archive-dir', out]);
    const a = await fetch(`${clew.query}${NATIVE}/traces/${traceId}`, as(TOKENS.aRead));
    expect(a.status).toBe(200);
    expect(((await a.json()) as { rangeArchived?: boolean; spans: unknown[] })).toMatchObject({ rangeArchived: true, spans: [{}, {}] });
    expect((await fetch(`${clew.query}${NATIVE}/traces/${traceId}`, as(TOKENS.bRead))).status).toBe(404);
    expect((await fetch(`${clew.query}/api/traces/${traceId}`, as(TOKENS.bRead))).status).toBe(404);
    const searchB = await fetch(`${clew.query}${NATIVE}/search?service=checkout&limit=20`, as(TOKENS.bRead));
    expect(((await searchB.json()) as { total: number }).total).toBe(0);
    const searchA = await fetch(`${clew.query}${NATIVE}/search?service=checkout&limit=20`, as(TOKENS.aRead));
    expect(((await searchA.json()) as { total: number }).total).toBe(1);
    expect(((await (await fetch(`${clew.query}${NATIVE}/services`, as(TOKENS.bRead))).json()) as { services: string[] }).services).toEqual([]);
    // The archive's days are team-a's alone.
    const daysOf = async (token: string) => ((await (await fetch(`${clew!.query}${NATIVE}/range-archives/days`, as(token))).json()) as { days: Array<{ spans: number }> }).days;
    expect((await daysOf(TOKENS.aRead)).map((d) => d.spans)).toEqual([2]);
    expect(await daysOf(TOKENS.bRead)).toEqual([]);
    // Autocomplete from the archive is the archived tenant's alone.
    await waitForLog(clew, 'autocomplete taught from range archives');
    const tagsOf = async (token: string) => ((await (await fetch(`${clew!.tempo}/api/search/tags`, as(token))).json()) as { tagNames: string[] }).tagNames;
    expect(await tagsOf(TOKENS.aRead)).toContain('card.brand');
    expect(await tagsOf(TOKENS.bRead)).not.toContain('card.brand');
  });
});
