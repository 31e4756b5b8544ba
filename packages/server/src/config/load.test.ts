import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClewError } from '../errors.js';
import { durationMs, parseConfigDuration } from './duration.js';
import { configFromEnv, configFromFile, mergeConfig, resolveConfig } from './load.js';
import { metricsSectionsDefaults } from '../span-metrics/span-metrics-config.js';

type Plain = Record<string, unknown>;

/** What `fn` throws (it must throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a YAML file in the test's directory and returns its path. */
async function yamlFile(text: string): Promise<string> {
  const path = join(dir, 'clew.yaml');
  await writeFile(path, text);
  return path;
}

describe('mergeConfig', () => {
  it.each<[string, Array<Plain | undefined>, Plain]>([
    ['nothing to merge', [], {}],
    ['a later source wins', [{ host: 'a' }, { host: 'b' }], { host: 'b' }],
    ['nested objects merge key by key', [{ ports: { query: 1, zipkin: 2 } }, { ports: { query: 3 } }], { ports: { query: 3, zipkin: 2 } }],
    ['at any depth', [{ a: { b: { c: 1, d: 2 } } }, { a: { b: { c: 3 } } }], { a: { b: { c: 3, d: 2 } } }],
    ['undefined does not overwrite', [{ host: 'a' }, { host: undefined }], { host: 'a' }],
    ['a nested undefined does not overwrite', [{ ports: { query: 1 } }, { ports: { query: undefined, zipkin: 2 } }], { ports: { query: 1, zipkin: 2 } }],
    ['a missing source is skipped', [undefined, { host: 'a' }, undefined], { host: 'a' }],
    ['false and 0 overwrite', [{ ui: { serveSourceMaps: true }, ports: { query: 1 } }, { ui: { serveSourceMaps: false }, ports: { query: 0 } }], { ui: { serveSourceMaps: false }, ports: { query: 0 } }],
    ['null overwrites (and the schema refuses it)', [{ host: 'a' }, { host: null }], { host: null }],
    ['an array is replaced, not merged', [{ x: [1, 2] }, { x: [3] }], { x: [3] }],
    ['an object replaces a scalar', [{ a: 1 }, { a: { b: 1 } }], { a: { b: 1 } }],
    ['a scalar replaces an object', [{ a: { b: 1 } }, { a: 2 }], { a: 2 }],
  ])('%s', (_name, sources, expected) => {
    expect(mergeConfig(...sources)).toEqual(expected);
  });

  it('leaves its sources as they were', () => {
    const file = { ports: { query: 1, zipkin: 2 } };
    const flags = { ports: { query: 3 } };
    mergeConfig(file, flags);
    expect(file).toEqual({ ports: { query: 1, zipkin: 2 } });
    expect(flags).toEqual({ ports: { query: 3 } });
  });
});

describe('configFromEnv', () => {
  it.each<[string, string, Plain]>([
    ['CLEW_HOST', '0.0.0.0', { host: '0.0.0.0' }],
    ['CLEW_DATA_DIR', '/var/lib/clew', { dataDir: '/var/lib/clew' }],
    ['CLEW_RETENTION', '14d', { retention: { spans: '14d' } }],
    ['CLEW_OTLP_GRPC_PORT', '1001', { ports: { otlpGrpc: 1001 } }],
    ['CLEW_OTLP_HTTP_PORT', '1002', { ports: { otlpHttp: 1002 } }],
    ['CLEW_QUERY_PORT', '1003', { ports: { query: 1003 } }],
    ['CLEW_ZIPKIN_PORT', '1004', { ports: { zipkin: 1004 } }],
    ['CLEW_JAEGER_HTTP_PORT', '1005', { ports: { jaegerThriftHttp: 1005 } }],
    ['CLEW_JAEGER_COMPACT_PORT', '1006', { ports: { jaegerCompact: 1006 } }],
    ['CLEW_JAEGER_BINARY_PORT', '1007', { ports: { jaegerBinary: 1007 } }],
    ['CLEW_TEMPO_PORT', '1008', { ports: { tempo: 1008 } }],
    ['CLEW_LOG_LEVEL', 'debug', { log: { level: 'debug' } }],
    ['CLEW_TLS_CERT', '/etc/clew/cert.pem', { tls: { certFile: '/etc/clew/cert.pem' } }],
    ['CLEW_TLS_KEY', '/etc/clew/key.pem', { tls: { keyFile: '/etc/clew/key.pem' } }],
    ['CLEW_CLICKHOUSE_CLUSTER', 'clew', { storage: { clickhouse: { cluster: 'clew' } } }],
    ['CLEW_CLICKHOUSE_SHARDS', 'http://ch-1:8123, http://ch-2:8123,', { storage: { clickhouse: { shards: ['http://ch-1:8123', 'http://ch-2:8123'] } } }],
  ])('%s=%s → %j', (name, value, expected) => {
    expect(configFromEnv({ [name]: value })).toStrictEqual(expected);
  });

  it('nests several variables into one object', () => {
    expect(configFromEnv({ CLEW_QUERY_PORT: '1', CLEW_ZIPKIN_PORT: '2', CLEW_HOST: 'h' })).toStrictEqual({
      host: 'h',
      ports: { query: 1, zipkin: 2 },
    });
  });

  it.each<[string, Record<string, string>]>([
    ['empty values', { CLEW_HOST: '', CLEW_QUERY_PORT: '' }],
    ['values of blanks', { CLEW_HOST: ' ', CLEW_QUERY_PORT: '  ', CLEW_LOG_LEVEL: '\t' }],
    ['variables Clew does not read', { CLEW_PORT: '1', HOST: 'h', clew_host: 'h', CLEW_LIMITS_MAX_PENDING_SPANS: '5' }],
  ])('ignores %s', (_name, env) => {
    expect(configFromEnv(env)).toStrictEqual({});
  });

  // What a port variable becomes once the configuration is resolved.
  it.each<[string, number | string]>([
    ['8080', 8080],
    ['0', 0],
    ['', 16686],
    ['  ', 16686],
    ['http', 'invalid configuration at "ports.query": Invalid input: expected number, received NaN'],
    ['80.5', 'invalid configuration at "ports.query": Invalid input: expected int, received number'],
    ['70000', 'invalid configuration at "ports.query": Too big: expected number to be <=65535'],
  ])('CLEW_QUERY_PORT=%j resolves to %j', (value, outcome) => {
    const resolve = () => resolveConfig(configFromEnv({ CLEW_QUERY_PORT: value }));
    if (typeof outcome === 'number') expect(resolve().ports.query).toBe(outcome);
    else expect(thrown(resolve)).toMatchObject({ code: 'CONFIG_INVALID', message: outcome });
  });
});

describe('configFromFile', () => {
  it('reads a mapping of keys', async () => {
    const path = await yamlFile('host: 0.0.0.0\nretention: 14d\nlimits:\n  maxPendingSpans: 500000\nstorage:\n  memoryLimit: 4GB\n');
    expect(await configFromFile(path)).toEqual({ host: '0.0.0.0', retention: '14d', limits: { maxPendingSpans: 500000 }, storage: { memoryLimit: '4GB' } });
  });

  it.each([
    ['an empty file', ''],
    ['a file of comments', '# nothing set yet\n'],
  ])('reads %s as no settings', async (_name, text) => {
    expect(await configFromFile(await yamlFile(text))).toEqual({});
  });

  it('says which file it cannot read, and why', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(configFromFile(missing)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `cannot read config file ${missing}: ENOENT: no such file or directory, open '${missing}'`,
    });
    await expect(configFromFile(dir)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `cannot read config file ${dir}: EISDIR: illegal operation on a directory, read`,
    });
  });

  it.each([
    ['a list', '- host\n- dataDir\n'],
    ['a number', '42\n'],
    ['a string', 'just some text\n'],
  ])('refuses a file that holds %s', async (_name, text) => {
    const path = await yamlFile(text);
    const err = await configFromFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClewError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', message: `config file ${path} must hold a mapping of keys` });
  });

  it.each([
    ['an unclosed list', 'ports: [1, 2\n', 'end with a ] at line 2, column 1'],
    ['a key given twice', 'host: a\nhost: b\n', 'Map keys must be unique at line 2, column 1'],
    ['two documents', 'host: a\n---\nhost: b\n', 'Source contains multiple documents'],
    ['a mapping inside a value', 'host: a\n  port: 1\n', 'Nested mappings are not allowed in compact mappings at line 1, column 7'],
  ])('refuses %s as invalid YAML, with the file and where', async (_name, text, where) => {
    const path = await yamlFile(text);
    const err = await configFromFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClewError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(where) });
    expect((err as Error).message.startsWith(`config file ${path} is not valid YAML: `)).toBe(true);
  });
});

describe('resolveConfig', () => {
  it('reads storage.memoryLimit and metricsMemoryLimit, as files written before the backend sections say them, as the duckdb section', () => {
    expect(resolveConfig({ storage: { memoryLimit: '4GB', metricsMemoryLimit: '1GB' } }).storage.duckdb).toEqual({ memoryLimit: '4GB', metricsMemoryLimit: '1GB' });
    expect(resolveConfig({ storage: { memoryLimit: '4GB', duckdb: { memoryLimit: '8GB' } } }).storage.duckdb.memoryLimit).toBe('8GB');
  });

  it('fills every setting not given with its default', () => {
    expect(resolveConfig({})).toMatchObject({
      host: '127.0.0.1',
      dataDir: './data',
      retention: { spans: '7d', metrics: '30d' },
      ports: { otlpGrpc: 4317, otlpHttp: 4318, query: 16686, zipkin: 9411, jaegerThriftHttp: 14268, jaegerCompact: 6831, jaegerBinary: 6832, tempo: 3200 },
      limits: { maxRequestBytes: 16 * 1024 * 1024, retryAfterSeconds: 1 },
      role: 'all',
      storage: { backend: 'duckdb', duckdb: { memoryLimit: '2GB', metricsMemoryLimit: '512MB' }, batchWait: '200ms', batchMaxWait: '2s' },
      ui: { serveSourceMaps: false },
      log: { level: 'info' },
    });
  });

  it('gives the metrics and storage sections the defaults `clew import -d` reads from those sections alone', () => {
    const all = resolveConfig({});
    expect(metricsSectionsDefaults()).toEqual({ metrics: all.metrics, storage: all.storage });
  });

  // The message names the first bad key; `clew serve` prints it after "clew: ".
  it.each<[Plain, string]>([
    [{ limits: { maxPendingSpans: 0 } }, 'invalid configuration at "limits.maxPendingSpans": Too small: expected number to be >0'],
    [{ ports: { query: 70000 } }, 'invalid configuration at "ports.query": Too big: expected number to be <=65535'],
    [{ ports: { query: '80' } }, 'invalid configuration at "ports.query": Invalid input: expected number, received string'],
    [{ ports: 5 }, 'invalid configuration at "ports": Invalid input: expected object, received number'],
    [{ retention: '7 days' }, 'invalid configuration at "retention.spans": expected a duration such as 7d, 12h, 30m, 10s or 500ms'],
    [{ retention: { metrics: 'a month' } }, 'invalid configuration at "retention.metrics": expected a duration such as 7d, 12h, 30m, 10s or 500ms'],
    [{ storage: { batchWait: 'soon' } }, 'invalid configuration at "storage.batchWait": expected a duration such as 7d, 12h, 30m, 10s or 500ms'],
    [{ storage: { backend: 'clickhouse' } }, 'invalid configuration at "storage.clickhouse": storage.backend clickhouse needs storage.clickhouse.url (--clickhouse-url)'],
    [{ role: 'query' }, 'invalid configuration at "role": a collector or query role needs a store other processes share: storage.backend clickhouse (--storage clickhouse --clickhouse-url …)'],
    [{ log: { level: 'verbose' } }, 'invalid configuration at "log.level": Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"'],
    [{ ui: { serveSourceMaps: 'yes' } }, 'invalid configuration at "ui.serveSourceMaps": Invalid input: expected boolean, received string'],
    [{ host: '' }, 'invalid configuration at "host": Too small: expected string to have >=1 characters'],
    [{ host: null }, 'invalid configuration at "host": Invalid input: expected string, received null'],
    [{ limits: { maxPending: 5 } }, 'invalid configuration at "limits": Unrecognized key: "maxPending"'],
    [{ colour: 'red' }, 'invalid configuration at "(root)": Unrecognized key: "colour"'],
    [
      { storage: { backend: 'clickhouse', clickhouse: { url: 'http://ch-1:8123', cluster: 'clew' } } },
      'invalid configuration at "storage.clickhouse.shards": storage.clickhouse.cluster and storage.clickhouse.shards go together: the cluster and the HTTP URL of each of its shards',
    ],
    [
      { storage: { backend: 'clickhouse', clickhouse: { url: 'http://ch-1:8123', cluster: 'clew', shards: ['ch-2:8123'] } } },
      'invalid configuration at "storage.clickhouse.shards.0": expected the HTTP URL of a shard, e.g. http://ch-1:8123',
    ],
    [
      { storage: { backend: 'clickhouse', clickhouse: { url: 'http://ch-1:8123', cluster: 'my-cluster', shards: ['http://ch-1:8123'] } } },
      'invalid configuration at "storage.clickhouse.cluster": letters, digits and _ only',
    ],
    [{ archive: { dirs: [''] } }, 'invalid configuration at "archive.dirs.0": Too small: expected string to have >=1 characters'],
    [{ tls: { certFile: 'cert.pem' } }, 'invalid configuration at "tls.keyFile": TLS needs both tls.certFile and tls.keyFile (--tls-cert and --tls-key)'],
    [{ host: '', limits: { maxPendingSpans: 0 } }, 'invalid configuration at "host": Too small: expected string to have >=1 characters'],
  ])('%j → %s', (input, message) => {
    const err = thrown(() => resolveConfig(input));
    expect(err).toBeInstanceOf(ClewError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', message });
  });
});

describe('flags > environment > file > defaults', () => {
  /** The sources in the order `clew serve` merges them. */
  const resolve = (file: Plain | undefined, env: Record<string, string>, flags: Plain) =>
    resolveConfig(mergeConfig(file, configFromEnv(env), flags));

  it.each<[string, Plain | undefined, Record<string, string>, Plain, string]>([
    ['nothing given: the default', undefined, {}, {}, '127.0.0.1'],
    ['the file over the default', { host: 'file' }, {}, {}, 'file'],
    ['the environment over the file', { host: 'file' }, { CLEW_HOST: 'env' }, {}, 'env'],
    ['a flag over the environment', { host: 'file' }, { CLEW_HOST: 'env' }, { host: 'flag' }, 'flag'],
    ['a flag over the file', { host: 'file' }, {}, { host: 'flag' }, 'flag'],
    ['a flag not given leaves the environment', { host: 'file' }, { CLEW_HOST: 'env' }, { host: undefined }, 'env'],
    ['an empty variable leaves the file', { host: 'file' }, { CLEW_HOST: '' }, {}, 'file'],
  ])('%s', (_name, file, env, flags, host) => {
    expect(resolve(file, env, flags).host).toBe(host);
  });

  it('merges nested settings from every source, flags shaped as the CLI gives them', async () => {
    const file = await configFromFile(await yamlFile('ports:\n  query: 1001\n  zipkin: 1002\nlimits:\n  maxPendingSpans: 5\n'));
    const env = { CLEW_ZIPKIN_PORT: '2002', CLEW_TEMPO_PORT: '2003' };
    // Every flag is present; those not given are undefined.
    const flags = {
      host: undefined,
      ports: { query: undefined, zipkin: undefined, tempo: 3003, otlpHttp: undefined },
      limits: { maxRequestBytes: undefined, maxPendingSpans: undefined },
    };
    const config = resolve(file, env, flags);
    expect(config.ports).toMatchObject({ query: 1001, zipkin: 2002, tempo: 3003, otlpHttp: 4318 });
    expect(config.limits).toMatchObject({ maxPendingSpans: 5, maxRequestBytes: 16 * 1024 * 1024 });
    expect(config.host).toBe('127.0.0.1');
  });

  it('a bad value from the file is named by its key', async () => {
    const file = await configFromFile(await yamlFile('limits:\n  maxPendingSpans: -5\n'));
    expect(thrown(() => resolve(file, {}, {}))).toMatchObject({
      message: 'invalid configuration at "limits.maxPendingSpans": Too small: expected number to be >0',
    });
  });
});

describe('durations', () => {
  it.each<[string, number]>([
    ['500ms', 500],
    ['10s', 10_000],
    ['90m', 5_400_000],
    ['36h', 129_600_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['1m1ms', 60_001],
    ['30m1h', 5_400_000],
    ['0s', 0],
  ])('%s is %i ms', (text, ms) => {
    expect(parseConfigDuration(text)).toBe(ms);
    expect(durationMs(text)).toBe(ms);
  });

  it.each(['', '7', 'd', 'ms', '7 d', ' 7d', '7d ', '7D', '-1s', '1h 30m', '1m1', '1.h', '.5h', '7days', '1y'])('%j is not a duration', (text) => {
    expect(parseConfigDuration(text)).toBeNull();
    expect(thrown(() => durationMs(text))).toMatchObject({ code: 'CONFIG_INVALID', message: `not a duration: ${text}` });
  });
});
