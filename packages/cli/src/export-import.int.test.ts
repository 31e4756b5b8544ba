import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { decodeOtlpJson } from '@clew/codecs';
import { ROUTES } from '@clew/api';
import type { Span, UnixNanos } from '@clew/model';
import { SpanKind } from '@clew/model';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { freePort } from '@clew/testing/free-port';
import { encodeExportRequests, EXPORT_SPANS_HEADER } from '@clew/server';
import { postProto } from '@clew/testing/payloads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSpans } from './export.js';
import { Progress } from './progress.js';
import { bySpanKey, DAY, DAY_NS, daySpans, runClew, traceIdOf } from './testing/export-spans.js';
import { TEAM_TOKEN_ENTRIES, TEAM_TOKENS } from './testing/team-tokens.js';

const TOKENS = TEAM_TOKENS;

// Retention long enough that the test day's span metrics (a fixed date, weeks back) are not dropped meanwhile, and
// span metrics written within a second or two.
const CONFIG = `
auth:
  tokens:
${TEAM_TOKEN_ENTRIES}
retention:
  spans: 3650d
  metrics: 3650d
metrics:
  flushInterval: 1s
  serviceGraphWait: 1s
`;

/** team-a's day (200 traces, the first with every field), team-b's spans in the same day, team-a's the day after. */
const A_DAY = daySpans(1, 200);
const B_DAY = daySpans(2, 50);
const A_NEXT_DAY = daySpans(3, 20).map((s) => ({
  ...s,
  startTimeUnixNano: (s.startTimeUnixNano + DAY_NS) as UnixNanos,
  endTimeUnixNano: (s.endTimeUnixNano + DAY_NS) as UnixNanos,
}));
const DAY_FLAGS = ['--from', '2026-11-02', '--to', '2026-11-03'];

let tmp: { dir: string; cleanup(): Promise<void> };
let source: ClewProcess;
let target: ClewProcess;

async function startWithAuth(name: string): Promise<ClewProcess> {
  const config = join(tmp.dir, `${name}.yaml`);
  await writeFile(config, CONFIG);
  return startClewProcess(join(tmp.dir, name), ['--config', config]);
}

/** Spans of an OTLP JSON lines file or body. */
const spansOf = (text: string): Span[] => text.split('\n').filter((l) => l !== '').flatMap((l) => decodeOtlpJson(l).spans);

/** A tenant's spans of the day as the export route answers, once it holds `count` of them (spans reach the store a moment after they are acknowledged). */
async function waitForDay(clew: ClewProcess, token: string, count: number): Promise<Span[]> {
  const url = `${clew.query}/api/clew/v1/export?start=${1_793_577_600_000_000_000n}&end=${1_793_577_600_000_000_000n + DAY_NS}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const spans = spansOf(await res.text());
    if (spans.length >= count || Date.now() > deadline) return spans;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  tmp = await tempDataDir();
  [source, target] = await Promise.all([startWithAuth('source'), startWithAuth('target')]);
  for (const [spans, token] of [[A_DAY, TOKENS.aWrite], [B_DAY, TOKENS.bWrite], [A_NEXT_DAY, TOKENS.aWrite]] as const) {
    for (let i = 0; i < spans.length; i += 200) expect((await postProto(source.otlpHttp, spans.slice(i, i + 200), { authorization: `Bearer ${token}` })).status).toBe(200);
  }
  expect(await waitForDay(source, TOKENS.aRead, A_DAY.length)).toHaveLength(A_DAY.length);
  expect(await waitForDay(source, TOKENS.bRead, B_DAY.length)).toHaveLength(B_DAY.length);
}, 120_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await tmp?.cleanup();
});

describe('clew export and clew import', () => {
  it('round trip through running Clews with tokens: a day of team-a exported as OTLP JSON lines and imported into an empty Clew, every span equal', async () => {
    const file = join(tmp.dir, 'a-day.jsonl');
    const exported = await runClew(['export', '--url', source.query, ...DAY_FLAGS, '-o', file], { CLEW_TOKEN: TOKENS.aRead });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`exported ${A_DAY.length} spans (json)`);
    expect(spansOf(await readFile(file, 'utf8')).sort(bySpanKey)).toEqual([...A_DAY].sort(bySpanKey));

    const imported = await runClew(['import', file, '--url', target.query, '--otlp-url', target.otlpHttp, '--token', TOKENS.admin]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`spans read ${A_DAY.length}, written ${A_DAY.length}, refused 0`);

    expect((await waitForDay(target, TOKENS.aRead, A_DAY.length)).sort(bySpanKey)).toEqual([...A_DAY].sort(bySpanKey));
    // team-b's token sees nothing of it, on either side of the copy.
    expect(await waitForDay(target, TOKENS.bRead, 0)).toEqual([]);
  });

  it('writes OTLP JSON lines through a running Clew byte for byte as the export route sends them, and as out of a data directory', async () => {
    // The command asks the route for protobuf and writes each request as its JSON line itself (export.ts).
    const route = async (query: string) => {
      const res = await fetch(`${source.query}/api/clew/v1/export?start=${DAY}&end=${DAY + DAY_NS}&format=json${query}`, { headers: { authorization: `Bearer ${TOKENS.aRead}` } });
      expect(res.status).toBe(200);
      return res.text();
    };
    for (const [flags, query] of [
      [[], ''],
      [['--service', 'cart'], '&service=cart'],
      [['--query', '{ kind = server }'], `&q=${encodeURIComponent('{ kind = server }')}`],
    ] as const) {
      const exported = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, ...flags]);
      expect(exported.code, exported.stderr).toBe(0);
      const sent = await route(query);
      expect(spansOf(sent).length, query).toBeGreaterThan(0);
      expect(exported.stdout, query).toBe(sent);
    }
    // The same spans out of a data directory (imported from the route's protobuf) give the same lines again.
    const file = join(tmp.dir, 'same-bytes.pb');
    const dir = join(tmp.dir, 'same-bytes');
    expect((await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '--format', 'protobuf', '-o', file])).code).toBe(0);
    expect((await runClew(['import', file, '-d', dir, '--no-metrics'])).code).toBe(0);
    expect((await runClew(['export', '-d', dir, ...DAY_FLAGS])).stdout).toBe(await route(''));
  });

  it('exports and archives through a Clew a span that links to an all-zero id (Zipkin ingest kept one before OTLP ingest did), as the route gives it out', async () => {
    const day = DAY + 5n * DAY_NS; // a day no other test reads
    const zipkin = [
      {
        traceId: 'ab'.repeat(16),
        id: 'cd'.repeat(8),
        name: 'linked',
        timestamp: Number(day / 1000n) + 3_600_000_000,
        duration: 1000,
        localEndpoint: { serviceName: 'svc' },
        tags: { 'otlp.link.0': `${'0'.repeat(32)}|${'0'.repeat(16)}||{}|0` },
      },
    ];
    const posted = await fetch(`${source.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.aWrite}` }, body: JSON.stringify(zipkin) });
    expect(posted.status).toBe(202);
    const route = `${source.query}/api/clew/v1/export?start=${day}&end=${day + DAY_NS}`;
    let sent = '';
    for (const deadline = Date.now() + 15_000; sent === '' && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      sent = await (await fetch(route, { headers: { authorization: `Bearer ${TOKENS.aRead}` } })).text();
    }
    const link = (text: string) => (JSON.parse(text.split('\n')[0]!) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ links: Array<{ traceId: string }> }> }> }> }).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.links[0]!.traceId;
    expect(link(sent)).toBe('0'.repeat(32));
    const flags = ['--from', '2026-11-07', '--to', '2026-11-08', '--token', TOKENS.aRead];
    const exported = await runClew(['export', '--url', source.query, ...flags]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(sent);
    const archived = await runClew(['archive', '--url', source.query, ...flags, '--out', join(tmp.dir, 'zero-link-archive')]);
    expect(archived.code, archived.stderr).toBe(0);
    expect(archived.stderr).toContain('archived 1 spans in 1 day file(s)');
  });

  it('round trip into a data directory as OTLP protobuf, for the tenant named, and out of it again (--no-metrics)', async () => {
    const file = join(tmp.dir, 'a-day.pb');
    const dir = join(tmp.dir, 'offline');
    const exported = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '--format', 'protobuf', '-o', file]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`exported ${A_DAY.length} spans (protobuf)`);
    const imported = await runClew(['import', file, '-d', dir, '--tenant', 'team-a', '--no-metrics']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('(otlp-proto): done');
    // Not counted (the next test checks the counting): the directory has no metrics store.
    expect(existsSync(join(dir, 'metrics'))).toBe(false);
    expect(imported.stdout).toContain(`spans read ${A_DAY.length}, written ${A_DAY.length}, refused 0`);

    const back = await runClew(['export', '-d', dir, '--tenant', 'team-a', ...DAY_FLAGS]);
    expect(back.code, back.stderr).toBe(0);
    expect(spansOf(back.stdout).sort(bySpanKey)).toEqual([...A_DAY].sort(bySpanKey));
    const other = await runClew(['export', '-d', dir, ...DAY_FLAGS]);
    expect(spansOf(other.stdout)).toEqual([]);
  });

  it('counts what it imports into a data directory into its span metrics and service map, as the Clew that received the spans counted them', async () => {
    const file = join(tmp.dir, 'a-day-counted.pb');
    const exported = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '--format', 'protobuf', '-o', file]);
    expect(exported.code, exported.stderr).toBe(0);
    const imported = await runClew(['import', file, '-d', join(tmp.dir, 'counted'), '--tenant', 'team-a']);
    expect(imported.code, imported.stderr).toBe(0);
    const counted = await startWithAuth('counted');
    try {
      const window = `from=${DAY / 1_000_000n}&to=${(DAY + DAY_NS) / 1_000_000n}`;
      const read = async (clew: ClewProcess, path: string) => {
        const res = await fetch(`${clew.query}${path}?${window}`, { headers: { authorization: `Bearer ${TOKENS.aRead}` } });
        expect(res.status).toBe(200);
        return res.json() as Promise<{ services?: Array<{ service: string; figures: { count: number } }>; edges?: Array<{ client: string; server: string }> }>;
      };
      const servers = A_DAY.filter((s) => s.kind === SpanKind.SERVER).length;
      const countOf = (r: Awaited<ReturnType<typeof read>>) => r.services!.reduce((n, s) => n + s.figures.count, 0);
      // The source writes its counts every flushInterval, after the service graph's wait: until then, wait.
      let servicesThere = await read(source, ROUTES.servicesHealth);
      for (const deadline = Date.now() + 60_000; countOf(servicesThere) < servers && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 250));
        servicesThere = await read(source, ROUTES.servicesHealth);
      }
      const servicesHere = await read(counted, ROUTES.servicesHealth);
      // Every server span of the day counted once (one root per trace), under the services they name.
      expect(countOf(servicesHere)).toBe(servers);
      expect(servicesHere).toEqual(servicesThere);
      const [mapHere, mapThere] = await Promise.all([read(counted, ROUTES.serviceMap), read(source, ROUTES.serviceMap)]);
      // The roots' edges from "user" (the first trace's root is the ledger service's); the client spans call nothing.
      expect(mapHere.edges!.map((e) => `${e.client}->${e.server}`).sort()).toEqual(['user->cart', 'user->frontend', 'user->ledger', 'user->payment']);
      expect(mapHere).toEqual(mapThere);
    } finally {
      await counted.stop();
    }
  });

  it('a failed export leaves the file it was to write as it was, and says what it could not reach', async () => {
    const file = join(tmp.dir, 'kept.jsonl');
    await writeFile(file, 'what was there\n');
    const badQuery = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '--query', '{ bad', '-o', file]);
    expect(badQuery.code).toBe(1);
    expect(badQuery.stderr).toContain('400');
    expect(await readFile(file, 'utf8')).toBe('what was there\n');
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const down = await runClew(['export', '--url', nobody, ...DAY_FLAGS, '-o', file]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach ${nobody}/api/clew/v1/export (ECONNREFUSED): is it the Clew's query port?`);
    expect(await readFile(file, 'utf8')).toBe('what was there\n');
    expect((await readdir(tmp.dir)).filter((f) => f.startsWith('kept.jsonl.'))).toEqual([]);
    const reversed = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, '--from', '2026-11-03', '--to', '2026-11-02', '-o', file]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('--to (2026-11-02) is not after --from (2026-11-03)');
    // One that succeeds replaces it.
    const good = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '-o', file]);
    expect(good.code, good.stderr).toBe(0);
    expect(spansOf(await readFile(file, 'utf8'))).toHaveLength(A_DAY.length);
  });

  it('an export or archive from a directory that is not a data directory (a mistyped -d) is refused, and makes nothing', async () => {
    const typo = join(tmp.dir, 'no-such-data');
    const exported = await runClew(['export', '-d', typo, ...DAY_FLAGS]);
    expect([exported.code, exported.stderr]).toEqual([1, `export failed: ${typo} is not a Clew data directory (it has no store/): give the directory clew serve keeps its data in (--data-dir)\n`]);
    const archived = await runClew(['archive', '-d', typo, ...DAY_FLAGS, '--out', join(tmp.dir, 'typo-archive')]);
    expect(archived.code).toBe(1);
    expect(archived.stderr).toContain(`archive failed: ${typo} is not a Clew data directory`);
    expect([existsSync(typo), existsSync(join(tmp.dir, 'typo-archive'))]).toEqual([false, false]);
  });

  it('an export to a file that cannot be written, or to a directory, says so without a stack trace', async () => {
    const missing = join(tmp.dir, 'no-such-dir', 'out.jsonl');
    const noDir = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '-o', missing]);
    // Said before anything is read, without the name of the file it writes before renaming it.
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toBe(`-o ${missing}: there is no directory ${join(tmp.dir, 'no-such-dir')} to write it in\n`);
    const toDir = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '-o', tmp.dir]);
    expect(toDir.code).toBe(2);
    expect(toDir.stderr).toBe(`-o ${tmp.dir} is a directory: give the file to write\n`);
  });

  it("an import through a Clew is remembered for the token's tenant: the same file with another tenant's token goes in again, there", async () => {
    const spans = daySpans(4, 30);
    const file = join(tmp.dir, 'two-tenants.jsonl');
    await writeFile(file, encodeExportRequests(spans, 'json').join(''));
    const args = ['--url', target.query, '--otlp-url', target.otlpHttp];
    const tenantsSpans = async (token: string) => {
      let mine: Span[] = [];
      for (const deadline = Date.now() + 30_000; mine.length < spans.length && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        mine = (await waitForDay(target, token, 0)).filter((s) => s.traceId.startsWith('00000004'));
      }
      return mine.sort(bySpanKey);
    };
    for (const [write, read] of [[TOKENS.bWrite, TOKENS.bRead], [TOKENS.aWrite, TOKENS.aRead]] as const) {
      const run = await runClew(['import', file, ...args, '--token', write]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).not.toContain('already imported');
      expect(run.stdout).toContain(`spans read ${spans.length}, written ${spans.length}, refused 0`);
      expect(await tenantsSpans(read)).toEqual([...spans].sort(bySpanKey));
    }
    // The checkpoint keeps the token's fingerprint, not the token.
    expect(await readFile(`${file}.clew-import`, 'utf8')).not.toContain(TOKENS.aWrite);
  });

  it('an import sent where nothing listens says so, and leaves nothing in doubt: the right endpoint then takes it', async () => {
    const spans = daySpans(8, 30);
    const file = join(tmp.dir, 'wrong-port.jsonl');
    await writeFile(file, encodeExportRequests(spans, 'json').join(''));
    const nobody = `http://127.0.0.1:${await freePort()}/v1/traces`;
    const cannot = await runClew(['import', file, '--url', target.query, '--otlp-url', nobody, '--token', TOKENS.bWrite]);
    expect(cannot.code).toBe(1);
    expect(cannot.stderr).toContain(`cannot reach ${nobody} (ECONNREFUSED): is it the Clew's OTLP/HTTP endpoint?`);
    const right = await runClew(['import', file, '--url', target.query, '--otlp-url', target.otlpHttp, '--token', TOKENS.bWrite]);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`spans read ${spans.length}, written ${spans.length}, refused 0`);
  });

  it('an import refused whole with two writes under way (a token that may not write, a wrong port) says why and leaves nothing in doubt: the right command then takes it', async () => {
    const spans = daySpans(12, 30);
    const file = join(tmp.dir, 'refused.jsonl');
    // Lines of 10 spans, written 10 at a time: several requests, two of them under way at once.
    const lines = Array.from({ length: Math.ceil(spans.length / 10) }, (_, i) => encodeExportRequests(spans.slice(i * 10, i * 10 + 10), 'json').join(''));
    await writeFile(file, lines.join(''));
    const args = ['import', file, '--url', target.query, '--batch-spans', '10'];
    const readOnly = await runClew([...args, '--otlp-url', target.otlpHttp, '--token', TOKENS.bRead]);
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toContain(`${target.otlpHttp} answered 403: a read token may not write spans\n`);
    const nobody = `http://127.0.0.1:${await freePort()}/v1/traces`;
    const wrongPort = await runClew([...args, '--otlp-url', nobody, '--token', TOKENS.bWrite]);
    expect(wrongPort.code).toBe(1);
    expect(wrongPort.stderr).toContain(`cannot reach ${nobody} (ECONNREFUSED)`);
    const right = await runClew([...args, '--otlp-url', target.otlpHttp, '--token', TOKENS.bWrite]);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`spans read ${spans.length}, written ${spans.length}, refused 0`);
  });

  it("exports a tenant's traces of a service or of a TraceQL query, whole", async () => {
    const traceIdsOf = (text: string) => [...new Set(spansOf(text).map((s) => s.traceId))].sort();
    const want = (rest: number) => Array.from({ length: 200 }, (_, t) => t).filter((t) => t > 0 && t % 3 === rest).map((t) => traceIdOf(1, t)).sort();
    const byService = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '--service', 'cart']);
    expect(byService.code, byService.stderr).toBe(0);
    expect(traceIdsOf(byService.stdout)).toEqual(want(1));
    expect(spansOf(byService.stdout)).toHaveLength(want(1).length * 3);
    const byQuery = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '--query', '{ resource.service.name = "payment" && kind = server }']);
    expect(byQuery.code, byQuery.stderr).toBe(0);
    expect(traceIdsOf(byQuery.stdout)).toEqual(want(2));
    // team-b's payment traces are team-b's: its token finds them, team-a's finds none of them.
    const bQuery = await runClew(['export', '--url', source.query, '--token', TOKENS.bRead, ...DAY_FLAGS, '--query', '{ resource.service.name = "payment" }']);
    expect(traceIdsOf(bQuery.stdout).every((id) => id.startsWith('00000002'))).toBe(true);
    expect(traceIdsOf(bQuery.stdout).length).toBeGreaterThan(0);
    expect(bQuery.stderr).not.toContain('nothing to export');
    // Nothing found is a true answer (exit 0, an empty file), said with whose spans were looked for and how.
    const none = await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '--service', 'nope']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain(`nothing to export: the token's tenant has no span starting from 2026-11-02 until 2026-11-03 in a trace of service "nope" (in ${source.query})`);
  });

  it('says how many spans an export holds before they come, so that its progress has a percent and an ETA', async () => {
    const day = `start=${DAY}&end=${DAY + DAY_NS}`;
    const answer = async (query: string, token: string) => {
      const res = await fetch(`${source.query}/api/clew/v1/export?${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return { said: res.headers.get(EXPORT_SPANS_HEADER), spans: spansOf(await res.text()).length };
    };
    expect(await answer(day, TOKENS.aRead)).toEqual({ said: String(A_DAY.length), spans: A_DAY.length });
    expect(await answer(day, TOKENS.bRead)).toEqual({ said: String(B_DAY.length), spans: B_DAY.length });
    // Whole traces: those of a service, or named; the spans of each counted, not its spans in the window alone.
    for (const query of [`${day}&service=cart`, `traceId=${traceIdOf(1, 1)}&traceId=${traceIdOf(1, 2)}&traceId=${traceIdOf(3, 1)}`]) {
      const { said, spans } = await answer(query, TOKENS.aRead);
      expect(spans, query).toBeGreaterThan(0);
      expect(said, query).toBe(String(spans));
    }
    // A TraceQL query's traces are known only once read: no number.
    expect((await answer(`${day}&q=${encodeURIComponent('{ kind = server }')}`, TOKENS.aRead)).said).toBeNull();

    // The bar's percent is of that number, through a Clew and out of a data directory alike.
    const dir = join(tmp.dir, 'progress');
    const file = join(tmp.dir, 'progress.pb');
    expect((await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS, '--format', 'protobuf', '-o', file])).code).toBe(0);
    expect((await runClew(['import', file, '-d', dir, '--no-metrics'])).code).toBe(0);
    for (const from of [{ url: source.query, token: TOKENS.aRead }, { dataDir: dir }]) {
      const drawn: string[] = [];
      const tty = { isTTY: true, columns: 120, write: (text: string) => (drawn.push(text), true) } as unknown as NodeJS.WriteStream;
      const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
      const spans = await exportSpans(from, { start: DAY, end: (DAY + DAY_NS) as UnixNanos, format: 'json' }, sink, new Progress('export', tty, 0));
      expect(spans).toBe(A_DAY.length);
      const shown = drawn.map((l) => /(\d+)%\s+([\d,]+) spans .* ETA \d+s/.exec(l)).filter((m) => m !== null);
      expect(shown.length, JSON.stringify(from)).toBeGreaterThan(0);
      for (const [line, percent, done] of shown) expect(Number(percent), line).toBe(Math.floor((Number(done!.replaceAll(',', '')) * 100) / A_DAY.length));
    }
  });

  it('refuses a wrong token, and a data directory a running Clew holds, saying what to do', async () => {
    const noToken = await runClew(['export', '--url', source.query, ...DAY_FLAGS]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('401');
    const held = await runClew(['export', '-d', source.dataDir, ...DAY_FLAGS]);
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/in use .*--url/);
    // An import into it too, its span metrics store and all: nothing of the file goes in.
    const file = join(tmp.dir, 'into-a-held-dir.jsonl');
    const day = (await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS])).stdout;
    await writeFile(file, day);
    const into = await runClew(['import', file, '-d', source.dataDir]);
    expect(into.code).toBe(1);
    expect(into.stderr).toMatch(/in use .*--url/);
    expect(into.stderr.trim().split('\n')).toHaveLength(1); // said, not a stack trace
    expect(spansOf((await runClew(['export', '--url', source.query, '--token', TOKENS.aRead, ...DAY_FLAGS])).stdout)).toHaveLength(spansOf(day).length);
  });

  it('imports Jaeger UI JSON and Zipkin v2 JSON as Jaeger and Zipkin show them', async () => {
    const traceId = traceIdOf(1, 4);
    const read = async (url: string, token: string) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, url).toBe(200);
      return res.json() as Promise<unknown>;
    };
    const jaeger = await read(`${source.query}/api/traces/${traceId}`, TOKENS.aRead);
    const zipkin = await read(`${source.zipkin}/api/v2/trace/${traceId}`, TOKENS.aRead);
    const jaegerFile = join(tmp.dir, 'trace.json');
    const zipkinFile = join(tmp.dir, 'trace-zipkin.json');
    await writeFile(jaegerFile, JSON.stringify(jaeger, null, 2));
    await writeFile(zipkinFile, JSON.stringify(zipkin));

    // Into team-b's part of the target (an admin token names it), where the trace id is free.
    const j = await runClew(['import', jaegerFile, '--url', target.query, '--otlp-url', target.otlpHttp, '--token', TOKENS.admin, '--tenant', 'team-b']);
    expect(j.code, j.stderr).toBe(0);
    expect(j.stdout).toContain('(jaeger-json): done');
    expect(j.stdout).toContain('spans read 3, written 3, refused 0');
    // Until the trace is stored (team-b holds other spans of the day too: their count says nothing of this trace).
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      if ((await waitForDay(target, TOKENS.bRead, 0)).filter((s) => s.traceId === traceId).length >= 3) break;
    }
    expect(await read(`${target.query}/api/traces/${traceId}`, TOKENS.bRead)).toEqual(jaeger);

    // Zipkin's view of the Jaeger-imported trace is Zipkin's view of the original; a second copy goes to a data dir.
    expect(await read(`${target.zipkin}/api/v2/trace/${traceId}`, TOKENS.bRead)).toEqual(zipkin);
    const z = await runClew(['import', zipkinFile, '-d', join(tmp.dir, 'zipkin-copy')]);
    expect(z.code, z.stderr).toBe(0);
    expect(z.stdout).toContain('(zipkin-json): done');
    expect(z.stdout).toContain('spans read 3, written 3, refused 0');

    // The trace as Tempo's API answers it (v1 and v2), as a Grafana user saves it: every field as it was.
    for (const [name, path] of [['trace-tempo.json', `/api/traces/${traceId}`], ['trace-tempo-v2.json', `/api/v2/traces/${traceId}`]] as const) {
      const file = join(tmp.dir, name);
      await writeFile(file, JSON.stringify(await read(`${source.tempo}${path}`, TOKENS.aRead)));
      const dir = join(tmp.dir, `${name}-copy`);
      const t = await runClew(['import', file, '-d', dir]);
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toContain('(tempo-json): done');
      expect(t.stdout).toContain('spans read 3, written 3, refused 0');
      const back = await runClew(['export', '-d', dir, ...DAY_FLAGS]);
      expect(spansOf(back.stdout).sort(bySpanKey), name).toEqual(A_DAY.filter((sp) => sp.traceId === traceId).sort(bySpanKey));
    }
  });

  it('a file imported twice under two names shows each span once, in every API that reads a trace', async () => {
    // A trace's spans each have their own id: a second import of them (a copy of the file, another Clew's export of the
    // same day) stores them again, and every read by id gives each once, as Tempo and Jaeger do.
    const traceId = traceIdOf(1, 7);
    const spans = A_DAY.filter((s) => s.traceId === traceId);
    const read = async (url: string, token?: string) => {
      const res = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, url).toBe(200);
      return res.json() as Promise<any>;
    };
    const file = join(tmp.dir, 'twice.json');
    await writeFile(file, JSON.stringify(await read(`${source.tempo}/api/traces/${traceId}`, TOKENS.aRead)));
    const dir = join(tmp.dir, 'twice');
    for (const name of ['twice.json', 'twice-copy.json']) {
      if (name !== 'twice.json') await writeFile(join(tmp.dir, name), await readFile(file));
      const r = await runClew(['import', join(tmp.dir, name), '-d', dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`spans read ${spans.length}, written ${spans.length}, refused 0`);
    }
    const clew = await startClewProcess(dir);
    try {
      const otlpSpans = (resourceSpans: any[]) => resourceSpans.flatMap((r) => r.scopeSpans.flatMap((sc: any) => sc.spans));
      const ids = spans.map((s) => s.spanId).sort();
      const seen = {
        native: (await read(`${clew.query}/api/clew/v1/traces/${traceId}`)).spans.map((s: any) => s.spanId),
        jaeger: (await read(`${clew.query}/api/traces/${traceId}`)).data[0].spans.map((s: any) => s.spanID),
        apiV3: otlpSpans((await read(`${clew.query}/api/v3/traces/${traceId}`)).result.resourceSpans).map((s) => s.spanId),
        tempo: otlpSpans((await read(`${clew.tempo}/api/traces/${traceId}`)).batches).map((s) => s.spanId),
        zipkin: (await read(`${clew.zipkin}/api/v2/trace/${traceId}`)).map((s: any) => s.id),
      };
      seen.tempo = seen.tempo.map((id: string) => Buffer.from(id, 'base64').toString('hex'));
      for (const [api, got] of Object.entries(seen)) expect([...got].sort(), api).toEqual(ids);
      // The trace page's outline, and the search row's counts.
      expect((await read(`${clew.query}/api/clew/v1/traces/${traceId}/outline`)).name).toHaveLength(spans.length);
      const [row] = (await read(`${clew.query}/api/clew/v1/search?service=cart&start=0&limit=100`)).traces;
      expect([row.traceId, row.spanCount, row.services]).toEqual([traceId, spans.length, [{ name: 'cart', spanCount: spans.length, errorCount: 0 }]]);
    } finally {
      await clew.stop();
    }
  });
});
