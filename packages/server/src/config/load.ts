import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ClewError } from '../errors.js';
import type { ClewConfig, ClewConfigInput } from './schema.js';
import { configSchema } from './schema.js';

type Plain = { [key: string]: unknown };

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges plain objects; later sources win key by key. */
export function mergeConfig(...sources: Array<Plain | undefined>): Plain {
  const out: Plain = {};
  for (const src of sources) {
    if (!src) continue;
    for (const [k, v] of Object.entries(src)) {
      if (v === undefined) continue;
      out[k] = isPlain(v) && isPlain(out[k]) ? mergeConfig(out[k] as Plain, v) : v;
    }
  }
  return out;
}

/** A comma-separated list, blanks dropped: `http://a:8123, http://b:8123`. */
export const commaList = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Environment variables Clew reads, and where each lands in the configuration (a list: comma-separated). */
const ENV: Record<string, { path: string[]; type: 'string' | 'int' | 'list' }> = {
  CLEW_HOST: { path: ['host'], type: 'string' },
  CLEW_DATA_DIR: { path: ['dataDir'], type: 'string' },
  CLEW_RETENTION: { path: ['retention', 'spans'], type: 'string' },
  CLEW_OTLP_GRPC_PORT: { path: ['ports', 'otlpGrpc'], type: 'int' },
  CLEW_OTLP_HTTP_PORT: { path: ['ports', 'otlpHttp'], type: 'int' },
  CLEW_QUERY_PORT: { path: ['ports', 'query'], type: 'int' },
  CLEW_ZIPKIN_PORT: { path: ['ports', 'zipkin'], type: 'int' },
  CLEW_JAEGER_HTTP_PORT: { path: ['ports', 'jaegerThriftHttp'], type: 'int' },
  CLEW_JAEGER_COMPACT_PORT: { path: ['ports', 'jaegerCompact'], type: 'int' },
  CLEW_JAEGER_BINARY_PORT: { path: ['ports', 'jaegerBinary'], type: 'int' },
  CLEW_TEMPO_PORT: { path: ['ports', 'tempo'], type: 'int' },
  CLEW_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
  CLEW_TLS_CERT: { path: ['tls', 'certFile'], type: 'string' },
  CLEW_TLS_KEY: { path: ['tls', 'keyFile'], type: 'string' },
  CLEW_ROLE: { path: ['role'], type: 'string' },
  CLEW_STORAGE: { path: ['storage', 'backend'], type: 'string' },
  CLEW_CLICKHOUSE_URL: { path: ['storage', 'clickhouse', 'url'], type: 'string' },
  CLEW_CLICKHOUSE_DATABASE: { path: ['storage', 'clickhouse', 'database'], type: 'string' },
  CLEW_CLICKHOUSE_USERNAME: { path: ['storage', 'clickhouse', 'username'], type: 'string' },
  CLEW_CLICKHOUSE_PASSWORD: { path: ['storage', 'clickhouse', 'password'], type: 'string' },
  CLEW_CLICKHOUSE_SOURCE: { path: ['storage', 'clickhouse', 'source'], type: 'string' },
  CLEW_CLICKHOUSE_CLUSTER: { path: ['storage', 'clickhouse', 'cluster'], type: 'string' },
  CLEW_CLICKHOUSE_SHARDS: { path: ['storage', 'clickhouse', 'shards'], type: 'list' },
};

export function configFromEnv(env: NodeJS.ProcessEnv): Plain {
  const out: Plain = {};
  for (const [name, { path, type }] of Object.entries(ENV)) {
    const raw = env[name];
    // A blank value is no value: Number(' ') would make a port variable 0, a free port chosen at random.
    if (raw === undefined || raw.trim() === '') continue;
    let node = out;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Plain;
    node[path[path.length - 1]!] = type === 'int' ? Number(raw) : type === 'list' ? commaList(raw) : raw;
  }
  return out;
}

export async function configFromFile(path: string): Promise<Plain> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ClewError('CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    // A ClewError, so that `clew serve` prints it as the configuration mistake it is (the message says where).
    throw new ClewError('CONFIG_INVALID', `config file ${path} is not valid YAML: ${(err as Error).message.trimEnd()}`);
  }
  if (parsed == null) return {};
  if (!isPlain(parsed)) throw new ClewError('CONFIG_INVALID', `config file ${path} must hold a mapping of keys`);
  return parsed;
}

/**
 * Validates a merged configuration, naming the bad key in the error.
 * Sources merge as flags > environment > file > defaults.
 */
export function resolveConfig(input: ClewConfigInput | Plain): ClewConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join('.') || '(root)';
    throw new ClewError('CONFIG_INVALID', `invalid configuration at "${key}": ${issue.message}`);
  }
  return result.data;
}
