import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '@clew/server';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir, waitForTrace } from '@clew/testing/clew-process';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import { shiftedClock } from '@clew/testing/shifted-clock';
import { exportWith } from './testing/otel.js';

/** The trace a user archives, and one beside it that retention takes. */
const KEEP = 'a4c41e00000000000000000000000001';
const DROP = 'a4c41e00000000000000000000000002';
const NATIVE = '/api/clew/v1';
const DAY_MS = 86_400_000;

/*
 * checkout  POST /checkout  |==========|  SERVER
 * checkout  charge card        |====|     CLIENT, ERROR "declined"
 * (one trace per id, spans ids counted from 1)
 */
function checkoutTrace(traceId: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  let n = 0;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    idGenerator: { generateTraceId: () => traceId, generateSpanId: () => (++n).toString(16).padStart(16, '0') },
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('clew-archive-test');
  tracer.startActiveSpan('POST /checkout', { kind: SpanKind.SERVER }, (root) => {
    const charge = tracer.startSpan('charge card', { kind: SpanKind.CLIENT, attributes: { 'card.brand': 'visa' } });
    charge.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
    charge.end();
    root.end();
  });
  return memory.getFinishedSpans();
}

/** What each API answers for the trace: Jaeger v1 and api_v3, Zipkin v2, Tempo v1 and v2, Clew's own. */
async function readEverywhere(clew: ClewProcess, traceId: string) {
  const [jaeger, v3, zipkin, tempo, tempoV2, native, outline] = await Promise.all([
    getJson(`${clew.query}/api/traces/${traceId}`),
    getJson(`${clew.query}/api/v3/traces/${traceId}`),
    getJson(`${clew.zipkin}/api/v2/trace/${traceId}`),
    getJson(`${clew.tempo}/api/traces/${traceId}`),
    getJson(`${clew.tempo}/api/v2/traces/${traceId}`),
    getJson(`${clew.query}${NATIVE}/traces/${traceId}`),
    getJson(`${clew.query}${NATIVE}/traces/${traceId}/outline`),
  ]);
  return { jaeger, v3, zipkin, tempo, tempoV2, native, outline };
}

/** Status and body; the body parsed when it is JSON (Zipkin's and Tempo's 404s are plain text). */
async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
}

/** A JSON POST that declares `bytes` of body and sends none of it: the answer to its headers alone. */
function declaring(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(bytes) } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => {
        resolve({ status: res.statusCode!, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

const post = (url: string, body?: unknown) =>
  fetch(url, { method: 'POST', ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });

const clickhouse = useClickHouseServer();

/** Each backend as `clew serve` opens it: DuckDB files under the data dir, or a ClickHouse server (`clew_archive` beside `clew`). */
const BACKENDS: ReadonlyArray<readonly [name: string, args: () => string[]]> = [
  ['duckdb', () => []],
  ['clickhouse', () => ['--storage', 'clickhouse', '--clickhouse-url', clickhouse().url, '--clickhouse-database', 'clew']],
];

describe.each(BACKENDS)('archive a trace with clew serve (%s), then let retention drop its day', (_backend, backendArgs) => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let clew: ClewProcess | undefined;
  let before: Awaited<ReturnType<typeof readEverywhere>>;

  beforeAll(async () => {
    tmp = await tempDataDir();
    clew = await startClewProcess(tmp.dir, backendArgs());
    const exporter = new OTLPTraceExporter({ url: clew.otlpHttp });
    expect((await exportWith(exporter, [...checkoutTrace(KEEP), ...checkoutTrace(DROP)])).code).toBe(0);
    await exporter.shutdown();
    await waitForTrace(clew.query, KEEP, 2);
    await waitForTrace(clew.query, DROP, 2);
  });

  afterAll(async () => {
    await clew?.stop();
    await tmp?.cleanup();
  });

  it("archives through Jaeger's POST /api/archive/{traceID}, answering as Jaeger does", async () => {
    const res = await post(`${clew!.query}/api/archive/${KEEP}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"data":[],"total":0,"limit":0,"offset":0,"errors":[]}');
    // Jaeger's test client sends a JSON body; Jaeger ignores it, and so does Clew.
    expect((await post(`${clew!.query}/api/archive/${KEEP}`, [])).status).toBe(200);
    const unknown = await post(`${clew!.query}/api/archive/a4c41e00000000000000000000000099`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}\n');
    const bad = await post(`${clew!.query}/api/archive/not-hex`);
    expect(bad.status).toBe(400);
    // Another method: 405, as Go's ServeMux answers Jaeger's "POST /api/archive/{traceID}".
    const get = await fetch(`${clew!.query}/api/archive/${KEEP}`);
    expect([get.status, get.headers.get('allow'), await get.text()]).toEqual([405, 'POST', 'Method Not Allowed\n']);
    // prettyPrint, as on Jaeger's other routes.
    expect(await (await post(`${clew!.query}/api/archive/${KEEP}?prettyPrint=true`)).text()).toBe('{\n    "data": [],\n    "total": 0,\n    "limit": 0,\n    "offset": 0,\n    "errors": []\n}');
    // The id as base64 of its bytes, as Jaeger reads one in the path.
    expect((await post(`${clew!.query}/api/archive/${encodeURIComponent(Buffer.from(KEEP, 'hex').toString('base64'))}`)).status).toBe(200);
    const mark = await getJson(`${clew!.query}${NATIVE}/archive/${KEEP}`);
    expect(mark.status).toBe(200);
    expect(mark.body).toMatchObject({ traceId: KEEP, archived: { archivedBy: 'anonymous', note: '' } });
    expect((await getJson(`${clew!.query}${NATIVE}/archive/${DROP}`)).body).toEqual({ traceId: DROP, archived: null });
  });

  it('records a note and a user given to the native API, and refuses a bad body with the field named', async () => {
    const res = await post(`${clew!.query}${NATIVE}/archive/${KEEP}`, { note: 'INC-42: card declines', user: 'ana' });
    expect(res.status).toBe(200);
    let body = (await res.json()) as { archived: { archivedBy: string; note: string; archivedAt: number } };
    expect(body.archived).toMatchObject({ archivedBy: 'ana', note: 'INC-42: card declines' });
    // Archived again without a note (to copy spans that arrived since): the mark stays as it was.
    const again = await post(`${clew!.query}${NATIVE}/archive/${KEEP}`);
    expect([again.status, ((await again.json()) as typeof body).archived]).toEqual([200, body.archived]);
    // With a note, the mark is replaced.
    const renoted = (await (await post(`${clew!.query}${NATIVE}/archive/${KEEP}`, { note: 'INC-43', user: 'bo' })).json()) as typeof body;
    expect(renoted.archived).toMatchObject({ archivedBy: 'bo', note: 'INC-43' });
    body = (await (await post(`${clew!.query}${NATIVE}/archive/${KEEP}`, { note: 'INC-42: card declines', user: 'ana' })).json()) as typeof body;
    const bad = await post(`${clew!.query}${NATIVE}/archive/${KEEP}`, { note: 42 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; parameter: string } }).error).toMatchObject({ code: 'BAD_PARAMETER', parameter: 'note' });
    // What is wrong, not "is required", for a field that is there with the wrong type and for a body that is no object.
    const typed = await post(`${clew!.query}${NATIVE}/archive/${KEEP}`, { note: 5 });
    expect(((await typed.json()) as { error: { message: string } }).error.message).toBe("parameter 'note': must be a string, got a number");
    const text = await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'INC-42' });
    expect(text.status).toBe(400);
    expect(((await text.json()) as { error: { message: string } }).error.message).toBe('the body must be a JSON object, got a string');
    // A body over the query port's limit (1 MiB) is refused as too large, as HTTP says, with its own code.
    // Only its headers are sent: the Clew answers from the length they declare and closes the connection, and a
    // client still writing the body may meet that close before the answer (a fetch that failed now and then).
    const huge = await declaring(`${clew!.query}${NATIVE}/archive/${KEEP}`, 1_100_000);
    expect(huge.status).toBe(413);
    expect((JSON.parse(huge.body) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    // Jaeger's button pressed again leaves the mark as it is (who, when, the note).
    expect((await post(`${clew!.query}/api/archive/${KEEP}`)).status).toBe(200);
    expect((await getJson(`${clew!.query}${NATIVE}/archive/${KEEP}`)).body.archived).toEqual(body.archived);
    // The note edited in place: who archived it and when stay, and who changed the note and when are added.
    const patch = (traceId: string, edit: unknown) =>
      fetch(`${clew!.query}${NATIVE}/archive/${traceId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(edit) });
    const t0 = Date.now();
    const edited = await patch(KEEP, { note: 'INC-42: the gateway timed out', user: 'bo' });
    expect(edited.status).toBe(200);
    const mark = ((await edited.json()) as { archived: { noteEditedAt: number } }).archived;
    expect(mark).toEqual({ ...body.archived, note: 'INC-42: the gateway timed out', noteEditedBy: 'bo', noteEditedAt: mark.noteEditedAt });
    expect(mark.noteEditedAt).toBeGreaterThanOrEqual(t0);
    expect(mark.noteEditedAt).toBeLessThanOrEqual(Date.now());
    expect((await getJson(`${clew!.query}${NATIVE}/archive/${KEEP}`)).body.archived).toEqual(mark);
    // A note is what a PATCH is for: without one it is refused, naming it; a trace not archived has none to change.
    const noNote = await patch(KEEP, { user: 'bo' });
    expect(noNote.status).toBe(400);
    expect(((await noNote.json()) as { error: { parameter: string } }).error.parameter).toBe('note');
    const notArchived = await patch(DROP, { note: 'x' });
    expect(notArchived.status).toBe(404);
    expect(((await notArchived.json()) as { error: { code: string } }).error.code).toBe('TRACE_NOT_FOUND');
    expect((await getJson(`${clew!.query}${NATIVE}/archive/${DROP}`)).body.archived).toBeNull();
    const trace = await getJson(`${clew!.query}${NATIVE}/traces/${KEEP}`);
    expect(trace.body.archived).toEqual(mark);
    // Search rows say which traces are archived.
    const rows = (await getJson(`${clew!.query}${NATIVE}/search?limit=20`)).body.traces as Array<{ traceId: string; archived?: true }>;
    expect(Object.fromEntries(rows.map((r) => [r.traceId, r.archived ?? false]))).toEqual({ [KEEP]: true, [DROP]: false });
    expect((await getJson(`${clew!.query}${NATIVE}/traces/${DROP}`)).body.archived).toBeUndefined();
    before = await readEverywhere(clew!, KEEP);
    for (const [api, res] of Object.entries(before)) expect(res.status, api).toBe(200);
  });

  it('still reads the archived trace through every API, the same as before, once retention dropped its day', async () => {
    expect(await clew!.stop()).toBe(0);
    // Eight days later: the default retention (7d) drops the day the spans arrived on as Clew starts.
    clew = await startClewProcess(tmp.dir, backendArgs(), shiftedClock(8 * DAY_MS));
    await waitForLog(clew, 'retention dropped old partitions');
    expect((await getJson(`${clew.query}/api/traces/${DROP}`)).status).toBe(404);
    expect((await getJson(`${clew.query}${NATIVE}/traces/${DROP}`)).status).toBe(404);
    expect((await getJson(`${clew.zipkin}/api/v2/trace/${DROP}`)).status).toBe(404);
    const after = await readEverywhere(clew, KEEP);
    expect(after).toEqual(before);
    expect(after.jaeger.body.data[0].spans).toHaveLength(2);
    expect(after.zipkin.body).toHaveLength(2);
    const list = await getJson(`${clew.query}${NATIVE}/archive`);
    expect(list.body.traces).toHaveLength(1);
    expect(list.body.traces[0]).toMatchObject({
      traceId: KEEP,
      // The note as edited, across the restart.
      archived: { archivedBy: 'ana', note: 'INC-42: the gateway timed out', noteEditedBy: 'bo' },
      trace: { rootService: 'checkout', rootName: 'POST /checkout', spanCount: 2, errorCount: 1 },
    });
  });

  it('un-archives: the trace is gone from every API, and a second DELETE is a 404', async () => {
    const res = await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    const gone = await readEverywhere(clew!, KEEP);
    for (const [api, r] of Object.entries(gone)) expect(r.status, api).toBe(404);
    expect((await getJson(`${clew!.query}${NATIVE}/archive`)).body).toEqual({ traces: [] });
    expect((await getJson(`${clew!.query}${NATIVE}/archive/${KEEP}`)).body).toEqual({ traceId: KEEP, archived: null });
    expect((await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, { method: 'DELETE' })).status).toBe(404);
  });
});

// Tokens are any secret text; the config holds only their hashes. Fixed here, so a failure reproduces.
const TOKENS = {
  aWrite: 'clew_archive-a-write-0123456789abcdefghijklmnopqrs',
  aRead: 'clew_archive-a-read-0123456789abcdefghijklmnopqrst',
  aReadUnnamed: 'clew_archive-a-read2-0123456789abcdefghijklmnopqr',
  bRead: 'clew_archive-b-read-0123456789abcdefghijklmnopqrst',
} as const;
const AUTH_CONFIG = `
auth:
  tokens:
    - { hash: ${hashToken(TOKENS.aWrite)}, tenant: team-a, scope: write }
    - { hash: ${hashToken(TOKENS.aRead)}, tenant: team-a, scope: read, name: ana-laptop }
    - { hash: ${hashToken(TOKENS.aReadUnnamed)}, tenant: team-a, scope: read }
    - { hash: ${hashToken(TOKENS.bRead)}, tenant: team-b, scope: read }
`;

describe('archiving with auth on', () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let clew: ClewProcess | undefined;
  const as = (token: string, init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    tmp = await tempDataDir();
    const file = join(tmp.dir, 'clew.yaml');
    await writeFile(file, AUTH_CONFIG);
    clew = await startClewProcess(join(tmp.dir, 'data'), ['--config', file]);
    const exporter = new OTLPTraceExporter({ url: clew.otlpHttp, headers: { authorization: `Bearer ${TOKENS.aWrite}` } });
    expect((await exportWith(exporter, checkoutTrace(KEEP))).code).toBe(0);
    await exporter.shutdown();
    const deadline = Date.now() + 15_000;
    while ((await fetch(`${clew.query}${NATIVE}/traces/${KEEP}`, as(TOKENS.aRead))).status !== 200) {
      if (Date.now() > deadline) throw new Error('the trace did not reach the store');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    await clew?.stop();
    await tmp?.cleanup();
  });

  it("archives with a read token (a query-port action, as in Jaeger), recording the token's name whatever the body says", async () => {
    expect((await fetch(`${clew!.query}/api/archive/${KEEP}`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${clew!.query}/api/archive/${KEEP}`, as(TOKENS.aWrite, { method: 'POST' }))).status).toBe(403);
    expect((await fetch(`${clew!.query}/api/archive/${KEEP}`, as(TOKENS.aRead, { method: 'POST' }))).status).toBe(200);
    const res = await fetch(
      `${clew!.query}${NATIVE}/archive/${KEEP}`,
      as(TOKENS.aRead, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'ours', user: 'mallory' }) }),
    );
    const ours = ((await res.json()) as { archived: unknown }).archived;
    expect(ours).toMatchObject({ archivedBy: 'ana-laptop', note: 'ours' });
    // Jaeger's button pressed again, by another token, leaves the mark as it is.
    expect((await fetch(`${clew!.query}/api/archive/${KEEP}`, as(TOKENS.aReadUnnamed, { method: 'POST' }))).status).toBe(200);
    expect(((await (await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, as(TOKENS.aRead))).json()) as { archived: unknown }).archived).toEqual(ours);
    // Its note edited with the token: the token's name is recorded, whatever the body says; another tenant's cannot.
    const edit = { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'ours, edited', user: 'mallory' }) };
    const edited = await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, as(TOKENS.aReadUnnamed, edit));
    expect(((await edited.json()) as { archived: unknown }).archived).toMatchObject({ archivedBy: 'ana-laptop', note: 'ours, edited', noteEditedBy: 'team-a' });
    expect((await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, as(TOKENS.bRead, edit))).status).toBe(404);
    expect((await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, { ...edit })).status).toBe(401);
    // A token without a name is recorded by its tenant.
    expect((await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, as(TOKENS.aRead, { method: 'DELETE' }))).status).toBe(204);
    const unnamed = await fetch(`${clew!.query}/api/archive/${KEEP}`, as(TOKENS.aReadUnnamed, { method: 'POST' }));
    expect(unnamed.status).toBe(200);
    const mark = await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, as(TOKENS.aRead));
    expect(((await mark.json()) as { archived: unknown }).archived).toMatchObject({ archivedBy: 'team-a', note: '' });
  });

  it("keeps tenants apart: another tenant can neither archive, see nor un-archive the trace", async () => {
    expect((await fetch(`${clew!.query}/api/archive/${KEEP}`, as(TOKENS.bRead, { method: 'POST' }))).status).toBe(404);
    expect(await (await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, as(TOKENS.bRead))).json()).toEqual({ traceId: KEEP, archived: null });
    expect(await (await fetch(`${clew!.query}${NATIVE}/archive`, as(TOKENS.bRead))).json()).toEqual({ traces: [] });
    expect((await fetch(`${clew!.query}${NATIVE}/archive/${KEEP}`, as(TOKENS.bRead, { method: 'DELETE' }))).status).toBe(404);
    const list = (await (await fetch(`${clew!.query}${NATIVE}/archive`, as(TOKENS.aRead))).json()) as { traces: { traceId: string }[] };
    expect(list.traces.map((t) => t.traceId)).toEqual([KEEP]);
  });
});

/** Waits until the process has logged a line with `msg` (retention runs as Clew starts, beside its listeners). */
async function waitForLog(clew: ClewProcess, msg: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!clew.logs.some((l) => l.msg === msg)) {
    if (Date.now() > deadline) throw new Error(`clew did not log "${msg}": ${JSON.stringify(clew.logs.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
