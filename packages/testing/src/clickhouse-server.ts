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
  /** Its process id (benchmarks read its CPU time). */
  readonly pid: number;
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
function configXml(dir: string, http: number, tcp: number, extra = ''): string {
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
  <mlock_executable>false</mlock_executable>${extra}
</yandex>
`;
}

const usersXml = (profile = ''): string => `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>${profile}
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

/** Additions to a server's configuration: `config` goes into config.xml as it is, `profile` into the default profile. */
export interface ClickHouseTuning {
  readonly config?: string;
  readonly profile?: string;
}

/**
 * What docs/scale-out.md ("Compression") describes for servers without per-column codecs: zstd at `level` for every
 * part (config.xml, or a config.d file), and compressed blocks of 16 KiB and up rather than 64 KiB (the default
 * profile, or a users.d file), so that a trace by id, which reads a granule or two of each (service, operation) of
 * the trace, decompresses less beside them.
 */
export const zstdCompression = (level = 6, minBlockBytes = 16_384): ClickHouseTuning => ({
  config: `<compression><case><min_part_size>0</min_part_size><min_part_size_ratio>0</min_part_size_ratio><method>zstd</method><level>${level}</level></case></compression>`,
  profile: minCompressBlock(minBlockBytes),
});

/** The default profile's `min_compress_block_size`: compressed blocks close at a granule's end from this many bytes. */
export const minCompressBlock = (bytes: number): string => `<min_compress_block_size>${bytes}</min_compress_block_size>`;

/**
 * Starts a private `clickhouse-server` (the installed one, Debian's 18.16 on these machines) on free ports in a temp
 * dir, and resolves once `SELECT 1` answers over HTTP. Throws, saying how to install it, when it is missing.
 * @example const ch = await startClickHouseServer(); ...; await ch.stop();
 */
export async function startClickHouseServer(timeoutMs = 30_000, tuning: ClickHouseTuning = {}): Promise<ClickHouseServer> {
  return startOn({ http: await freePort(), tcp: await freePort() }, tuning, timeoutMs);
}

/** Starts a server on the given ports, tuned. */
async function startOn(ports: { http: number; tcp: number }, tuning: ClickHouseTuning, timeoutMs: number): Promise<ClickHouseServer> {
  const binary = findBinary();
  const dir = await mkdtemp(join(tmpdir(), 'clew-clickhouse-'));
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) await mkdir(join(dir, sub));
  const { http, tcp } = ports;
  await writeFile(join(dir, 'config.xml'), configXml(dir, http, tcp, tuning.config));
  await writeFile(join(dir, 'users.xml'), usersXml(tuning.profile));
  const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${http}`;
  const stop = (): Promise<void> => stopProcess(child).then(() => rm(dir, { recursive: true, force: true }));
  try {
    const version = await waitUntilAnswering(url, child, timeoutMs);
    return { url, dir, version, pid: child.pid!, stop };
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

/** Several private servers that name each other in `remote_servers` as the shards of one cluster. */
export interface ClickHouseCluster {
  /** The cluster's name in every server's `remote_servers`. */
  readonly name: string;
  /** One server per shard, in shard order (shard_num 1, 2, …). */
  readonly shards: readonly ClickHouseServer[];
  /** Stops every server and removes their data dirs. */
  stop(): Promise<void>;
}

/** The `remote_servers` section naming each TCP port as a shard of one replica, in order. */
function remoteServersXml(name: string, tcpPorts: readonly number[]): string {
  const shards = tcpPorts.map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`).join('');
  return `\n  <remote_servers><${name}>${shards}</${name}></remote_servers>`;
}

/**
 * Starts `shards` private servers (two by default) on free ports, each configured with a `remote_servers` section
 * that names all of them, in order, as the shards of cluster `name` (no replicas, no ZooKeeper: what a
 * `Distributed` table needs and no more). Throws, saying how to install it, when the server is missing.
 * @example const cluster = await startClickHouseCluster(); cluster.shards[0].url; ...; await cluster.stop();
 */
export async function startClickHouseCluster(name = 'clew_shards', shards = 2, timeoutMs = 30_000): Promise<ClickHouseCluster> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`not a cluster name: ${JSON.stringify(name)}`);
  const ports: Array<{ http: number; tcp: number }> = [];
  for (let i = 0; i < shards; i++) ports.push({ http: await freePort(), tcp: await freePort() });
  const config = remoteServersXml(name, ports.map((p) => p.tcp));
  const started = await Promise.allSettled(ports.map((p) => startOn(p, { config }, timeoutMs)));
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { name, shards: servers, stop };
}

/**
 * One two-shard cluster for the test file (see startClickHouseCluster): started before its tests, stopped after
 * them. The getter throws until it is up.
 * @example const cluster = useClickHouseCluster(); it('...', () => openClickHouseStore({ url: cluster().shards[0].url, cluster: cluster().name, shards: cluster().shards.map((s) => s.url) }))
 */
export function useClickHouseCluster(name?: string): () => ClickHouseCluster {
  let cluster: ClickHouseCluster | undefined;
  beforeAll(async () => {
    cluster = await startClickHouseCluster(name);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('the clickhouse-server cluster is not running (see the error of beforeAll)');
    return cluster;
  };
}
