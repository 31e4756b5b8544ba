import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it('run as a command, starts node with the larger young generation (its line for sh)', async () => {
    // A module node loads first prints the flags node was started with: the bin file's own, not NODE_OPTIONS'.
    const probe = join(tmp.dir, 'exec-argv.cjs');
    await writeFile(probe, "process.stderr.write('execArgv ' + JSON.stringify(process.execArgv) + '\\n');");
    const run = spawnSync(BIN, ['--version'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_OPTIONS: `--require ${probe}` } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(run.stderr).toBe('execArgv ["--max-semi-space-size=64"]\n');
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
