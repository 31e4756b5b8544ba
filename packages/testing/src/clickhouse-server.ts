import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './free-port.js';

/** A private `clickhouse-server` on free ports with its own data dir; `url` is its HTTP interface. */
export interface ClickHouseServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly dir: string;
  /** The server's version as it reports it, e.g. `18.16.1`. */
  readonly version: string;
  /** SIGTERM, then SIGKILL after a grace period; removes the data dir. */
  stop(): Promise<void>;
}

const BINARY = 'clickhouse-server';

/** The installed server binary: on PATH, or in /usr/sbin where Debian puts it (not on a user's PATH). */
function findBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin'];
  for (const d of dirs) {
    const candidate = join(d, BINARY);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    'clickhouse-server is not installed: the ClickHouse tests need a real server. ' +
      'Install it with `apt-get install -y clickhouse-server` (Debian; .ci/run does this), then run the tests again.',
  );
}

/** The server's config: loopback only, everything under `dir`, small caches; one user, `default`, without password. */
function configXml(dir: string, http: number, tcp: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_server_memory_usage>1073741824</max_server_memory_usage>
  <mlock_executable>false</mlock_executable>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_threads>2</max_threads>
      <max_memory_usage>536870912</max_memory_usage>
      <background_pool_size>2</background_pool_size>
      <background_schedule_pool_size>2</background_schedule_pool_size>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
`;

/**
 * Starts a private `clickhouse-server` (the installed one, Debian's 18.16 on these machines) on free ports in a temp
 * dir, and resolves once `SELECT 1` answers over HTTP. Throws, saying how to install it, when it is missing.
 * @example const ch = await startClickHouseServer(); ...; await ch.stop();
 */
export async function startClickHouseServer(timeoutMs = 30_000): Promise<ClickHouseServer> {
  const binary = findBinary();
  const dir = await mkdtemp(join(tmpdir(), 'clew-clickhouse-'));
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) await mkdir(join(dir, sub));
  const [http, tcp] = [await freePort(), await freePort()];
  await writeFile(join(dir, 'config.xml'), configXml(dir, http, tcp));
  await writeFile(join(dir, 'users.xml'), USERS_XML);
  const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${http}`;
  const stop = (): Promise<void> => stopProcess(child).then(() => rm(dir, { recursive: true, force: true }));
  try {
    const version = await waitUntilAnswering(url, child, timeoutMs);
    return { url, dir, version, stop };
  } catch (err) {
    await stopProcess(child);
    const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\nstderr: ${stderr.trim()}\nerror.log: ${log.slice(-2000).trim()}`, { cause: err });
  }
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`clickhouse-server exited (${child.exitCode ?? child.signalCode}) before answering`);
    }
    try {
      const res = await fetch(`${url}/?query=${encodeURIComponent('SELECT version()')}`);
      if (res.ok) return (await res.text()).trim();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server did not answer SELECT over HTTP at ${url} within ${timeoutMs} ms`);
}

async function stopProcess(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * One server for the test file: started before its tests, stopped after them. The getter throws until it is up.
 * @example const clickhouse = useClickHouseServer(); it('...', () => openClickHouseStore({ url: clickhouse().url }))
 */
export function useClickHouseServer(): () => ClickHouseServer {
  let server: ClickHouseServer | undefined;
  beforeAll(async () => {
    server = await startClickHouseServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('clickhouse-server is not running (see the error of beforeAll)');
    return server;
  };
}
