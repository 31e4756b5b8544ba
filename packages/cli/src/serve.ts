import type { ClewConfigInput } from '@clew/server';
import { ClewError, commaList, configFromEnv, configFromFile, mergeConfig, resolveConfig, REDACT, startClew } from '@clew/server';
import { pino } from 'pino';

export interface ServeFlags {
  config?: string;
  dataDir?: string;
  host?: string;
  retention?: string;
  otlpGrpcPort?: number;
  otlpHttpPort?: number;
  queryPort?: number;
  zipkinPort?: number;
  jaegerHttpPort?: number;
  jaegerCompactPort?: number;
  jaegerBinaryPort?: number;
  tempoPort?: number;
  maxRequestBytes?: number;
  maxPendingSpans?: number;
  memoryLimit?: string;
  serveSourceMaps?: boolean;
  logLevel?: string;
  tlsCert?: string;
  tlsKey?: string;
  role?: string;
  storage?: string;
  clickhouseUrl?: string;
  clickhouseDatabase?: string;
  clickhouseCluster?: string;
  clickhouseShards?: string;
  archiveDir?: string[];
}

function configFromFlags(f: ServeFlags): ClewConfigInput {
  return {
    dataDir: f.dataDir,
    host: f.host,
    retention: { spans: f.retention },
    ports: {
      otlpGrpc: f.otlpGrpcPort,
      otlpHttp: f.otlpHttpPort,
      query: f.queryPort,
      zipkin: f.zipkinPort,
      jaegerThriftHttp: f.jaegerHttpPort,
      jaegerCompact: f.jaegerCompactPort,
      jaegerBinary: f.jaegerBinaryPort,
      tempo: f.tempoPort,
    },
    limits: { maxRequestBytes: f.maxRequestBytes, maxPendingSpans: f.maxPendingSpans },
    ...(f.role !== undefined && { role: f.role as 'all' }),
    storage: {
      duckdb: { memoryLimit: f.memoryLimit },
      ...(f.storage !== undefined && { backend: f.storage as 'duckdb' }),
      // Half given (a database without a URL) is left for the schema to refuse by name, hence the cast.
      ...((f.clickhouseUrl ?? f.clickhouseDatabase ?? f.clickhouseCluster ?? f.clickhouseShards) !== undefined && {
        clickhouse: { url: f.clickhouseUrl, database: f.clickhouseDatabase, cluster: f.clickhouseCluster, shards: f.clickhouseShards === undefined ? undefined : commaList(f.clickhouseShards) } as never,
      }),
    },
    ui: { serveSourceMaps: f.serveSourceMaps },
    ...(f.archiveDir !== undefined && { archive: { dirs: f.archiveDir } }),
    log: { level: f.logLevel as 'info' | undefined },
    // Only when a flag is given (an empty tls object would ask for TLS with no files); half a pair is left for the
    // schema to refuse by name, hence the cast.
    ...((f.tlsCert ?? f.tlsKey) !== undefined && { tls: { certFile: f.tlsCert, keyFile: f.tlsKey } as never }),
  };
}

/** `clew serve`: merge flags > environment > file > defaults, start every role, stop cleanly on a signal. */
export async function serve(flags: ServeFlags): Promise<void> {
  let log = pino({ base: { service: 'clew' } });
  try {
    const file = flags.config ? await configFromFile(flags.config) : undefined;
    const config = resolveConfig(mergeConfig(file, configFromEnv(process.env), configFromFlags(flags) as Record<string, unknown>));
    log = pino({ level: config.log.level, base: { service: 'clew' }, redact: REDACT });
    const clew = await startClew(config, log);
    const a = clew.addresses;
    const listening = [
      a.otlpGrpc && `OTLP/gRPC ${a.otlpGrpc}`,
      a.otlpHttp && `OTLP/HTTP ${a.otlpHttp}`,
      a.zipkin && `Zipkin ${a.zipkin}`,
      a.query && (config.role === 'collector' ? `health and metrics ${a.query}` : `UI and Jaeger API ${a.query}`),
      a.jaegerThriftHttp && `Jaeger Thrift ${a.jaegerThriftHttp}` + (a.jaegerCompact ? ` (agent UDP ${a.jaegerCompact} compact, ${a.jaegerBinary} binary)` : ''),
      a.tempo && `Tempo API ${a.tempo}`,
    ].filter(Boolean);
    log.info(
      { addresses: a, dataDir: clew.dataDir, retention: config.retention, role: config.role, storage: config.storage.backend },
      `Clew is ready${config.role === 'all' ? '' : ` (${config.role})`}. ${listening.join(', ')}, metrics ${a.query}/metrics; ` +
        (config.storage.backend === 'clickhouse' ? `spans in ClickHouse ${config.storage.clickhouse?.url}, log in ${clew.dataDir}` : `data in ${clew.dataDir}`) +
        (config.host === '127.0.0.1' || config.host === 'localhost' || config.host === '::1'
          ? ' (loopback only: use --host 0.0.0.0 to accept other machines)'
          : ''),
    );
    let signals = 0;
    const shutdown = (signal: string) => {
      if (signals++ > 0) {
        log.warn('second signal: exiting now (accepted spans are safe in the write-ahead log)');
        process.exit(1);
      }
      log.info({ signal }, 'shutting down: writing accepted spans to the store');
      clew.stop().then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          log.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  } catch (err) {
    if (err instanceof ClewError) {
      // A configuration mistake is for the person at the terminal: plain words, not a JSON log line.
      console.error(`clew: ${err.message}`);
    } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(
        `clew: ${(err as Error).message}: is another Clew running? Choose other ports with --otlp-grpc-port, --otlp-http-port, --zipkin-port, --query-port, --jaeger-http-port, --jaeger-compact-port, --jaeger-binary-port, --tempo-port`,
      );
    } else {
      log.fatal({ err }, 'Clew could not start');
    }
    process.exit(1);
  }
}
