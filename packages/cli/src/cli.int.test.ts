import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';

const BIN = fileURLToPath(new URL('../bin/clew.js', import.meta.url));
const clew = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
const tmp = await tempDataDir();
afterAll(() => tmp.cleanup());

describe('the clew command', () => {
  it('documents every serve flag in --help', () => {
    const help = clew('serve', '--help');
    expect(help.status).toBe(0);
    for (const flag of [
      '--config',
      '--data-dir',
      '--host',
      '--retention',
      '--otlp-grpc-port',
      '--otlp-http-port',
      '--query-port',
      '--zipkin-port',
      '--max-request-bytes',
      '--max-pending-spans',
      '--memory-limit',
      '--serve-source-maps',
      '--log-level',
      '--tls-cert',
      '--tls-key',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const top = clew('--help').stdout;
    for (const command of ['serve', 'demo', 'health']) expect(top).toContain(command);
    expect(top).toContain('--version');
  });

  it('run as a command, starts node with the larger young generation and first old-generation limit (its line for sh)', async () => {
    // A module node loads first prints the flags node was started with: the bin file's own, not NODE_OPTIONS'.
    const probe = join(tmp.dir, 'exec-argv.cjs');
    await writeFile(probe, "process.stderr.write('execArgv ' + JSON.stringify(process.execArgv) + '\\n');");
    const run = spawnSync(BIN, ['--version'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_OPTIONS: `--require ${probe}` } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(run.stderr).toBe('execArgv ["--max-semi-space-size=64","--initial-old-space-size=256"]\n');
    // Through node itself the file runs as well, with node's defaults.
    const direct = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_OPTIONS: `--require ${probe}` } });
    expect(direct.stdout).toBe(run.stdout);
    expect(direct.stderr).toBe('execArgv []\n');
  });

  it('refuses a bad setting at start-up, naming it', async () => {
    const bad = clew('serve', '--data-dir', join(tmp.dir, 'x'), '--retention', 'forever');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^clew: invalid configuration at "retention.spans": expected a duration/);
    const file = join(tmp.dir, 'clew.yaml');
    await writeFile(file, 'limits:\n  maxPendingSpans: -3\n');
    const fromFile = clew('serve', '--config', file, '--data-dir', join(tmp.dir, 'y'));
    expect(fromFile.status).toBe(1);
    expect(fromFile.stderr).toMatch(/^clew: invalid configuration at "limits.maxPendingSpans"/);
    const unknown = clew('serve', '--query-port', 'abc');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/--query-port must be a whole number/);
  });

  it('listens on loopback by default, says where, and stops cleanly on SIGTERM', async () => {
    const p = await startClewProcess(join(tmp.dir, 'run'));
    expect(p.otlpHttp).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    expect(p.otlpGrpc).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(p.query).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.zipkin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = p.logs.find((l) => l.addresses)!;
    expect(String(ready.msg)).toContain(p.otlpHttp);
    expect(String(ready.msg)).toContain(`Zipkin ${p.zipkin}`);
    expect(String(ready.msg)).toContain('loopback only');
    const metrics = await (await fetch(`${p.query}/metrics`)).text();
    for (const name of [
      'clew_spans_received_total',
      'clew_spans_accepted_total',
      'clew_spans_refused_total',
      'clew_queue_spans',
      'clew_store_write_seconds',
      'clew_store_disk_bytes',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(await p.stop()).toBe(0);
  });
});

describe('what the clew command loads', () => {
  /** The URLs of every module `clew args…` loads, from a resolve hook. */
  async function loaded(...args: string[]): Promise<string[]> {
    const log = join(tmp.dir, `loaded-${args.join('-').replace(/[^a-z]/g, '')}.txt`);
    const hooks = join(tmp.dir, 'hooks.mjs');
    const register = join(tmp.dir, 'register.mjs');
    await writeFile(
      hooks,
      `import { appendFileSync } from 'node:fs';
       let log;
       export function initialize(data) { log = data.log; }
       export async function resolve(specifier, context, next) {
         const r = await next(specifier, context);
         appendFileSync(log, r.url + '\\n');
         return r;
       }`,
    );
    await writeFile(register, `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: ${JSON.stringify(log)} } });`);
    spawnSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
    return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  }
  const heavy = (urls: string[]) => urls.filter((u) => /@duckdb|\/fastify\/|@grpc|packages\/server\/dist\/index\.js|packages\/storage\/dist\/index\.js/.test(u));

  it('starts without the server or the stores: --help, and a command that goes to a running Clew', async () => {
    const help = await loaded('--help');
    expect(help.some((u) => u.endsWith('packages/cli/dist/main.js'))).toBe(true);
    expect(heavy(help)).toEqual([]);
    // Nothing listens on port 1: the export fails at once, having loaded what an export through a Clew needs.
    const out = await loaded('export', '--url', 'http://127.0.0.1:1', '-o', join(tmp.dir, 'none.jsonl'));
    expect(out.some((u) => u.endsWith('packages/cli/dist/export.js'))).toBe(true);
    expect(heavy(out)).toEqual([]);
    // A data directory's store is loaded when one is opened (which shows the hook sees it).
    await mkdir(join(tmp.dir, 'empty', 'store'), { recursive: true });
    const dir = await loaded('export', '-d', join(tmp.dir, 'empty'), '-o', join(tmp.dir, 'none.jsonl'));
    expect(heavy(dir).some((u) => u.includes('@duckdb'))).toBe(true);
  });

  it('works on a data directory with its stores, not the server; reading one, not its configuration either', async () => {
    // gRPC's client and server (its index); its status codes alone are the configuration's errors'.
    const server = (urls: string[]) => urls.filter((u) => /\/fastify\/|@grpc\/grpc-js\/build\/src\/index\.js|@modelcontextprotocol|packages\/server\/dist\/index\.js/.test(u));
    const configuration = (urls: string[]) => urls.filter((u) => /\/node_modules\/(zod|yaml)\/|packages\/server\/dist\/config\//.test(u));
    await mkdir(join(tmp.dir, 'read', 'store'), { recursive: true });
    const read = await loaded('export', '-d', join(tmp.dir, 'read'), '-o', join(tmp.dir, 'read.jsonl'));
    expect(read.some((u) => u.endsWith('packages/server/dist/data-dir.js'))).toBe(true);
    expect(server(read)).toEqual([]);
    expect(configuration(read)).toEqual([]);
    // Counted into the directory's span metrics, with the configuration's defaults: what `configuration` finds here shows
    // it finds the configuration where it is loaded.
    const file = join(tmp.dir, 'one-span.jsonl');
    const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'GET /', kind: 2, startTimeUnixNano: '1764000000000000000', endTimeUnixNano: '1764000000001000000' };
    await writeFile(file, `${JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'web' } }] }, scopeSpans: [{ spans: [span] }] }] })}\n`);
    const written = await loaded('import', file, '-d', join(tmp.dir, 'written'));
    expect(written.some((u) => u.endsWith('packages/server/dist/span-metrics.js'))).toBe(true);
    expect(configuration(written).length).toBeGreaterThan(0);
    expect(server(written)).toEqual([]);
    // Of the configuration, the metrics and storage sections alone: not its loading (YAML) nor its other sections.
    expect(written.filter((u) => /\/node_modules\/yaml\/|packages\/server\/dist\/(config\/(load|schema)|pipeline\/processors\/config|pipeline\/tail\/config|sampling\/config|slo\/config)\.js/.test(u))).toEqual([]);
  });
});

describe('a path or an address that cannot be used', () => {
  it('is said plainly, before anything is read or made', async () => {
    const file = join(tmp.dir, 'a-file');
    await writeFile(file, 'not a directory');
    const said = (...args: string[]) => {
      const run = clew(...args);
      return [run.status, run.stderr.trim()];
    };
    const range = ['--from', '-1h', '--to', 'now'];
    expect(said('archive', '--url', 'http://127.0.0.1:1', ...range, '--out', file)).toEqual([1, `archive failed: ${file} is a file: give the directory to write the archive into`]);
    expect(said('export', '-d', tmp.dir, ...range, '-o', join(tmp.dir, 'no-such-dir', 'x.jsonl'))).toEqual([
      2,
      `-o ${join(tmp.dir, 'no-such-dir', 'x.jsonl')}: there is no directory ${join(tmp.dir, 'no-such-dir')} to write it in`,
    ]);
    expect(said('import', '-d', file, file)).toEqual([1, `${file} is a file, not a Clew data directory`]);
    expect(said('import', '-d', join(tmp.dir, 'data-in'), '-')).toEqual([1, '-: no such file (standard input is not read: an import goes back into its file to resume, so give a file)']);
    expect(said('export', '--url', '127.0.0.1:16686', ...range)).toEqual([2, '--url must be a Clew\'s query port as a URL, such as http://127.0.0.1:16686, not "127.0.0.1:16686"']);
    expect(said('import', '--url', 'localhost:16686', file)).toEqual([2, '--url must be a Clew\'s query port as a URL, such as http://127.0.0.1:16686, not "localhost:16686"']);
  });
});
