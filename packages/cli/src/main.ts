import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { archiveCommand } from './archive-range.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { healthCommand } from './health.js';
import { tokenCommand } from './token.js';

/** The same relative path from src/ and dist/. */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number, not "${v}"`);
  return n;
};

const program = new Command('clew')
  .description('Clew: a distributed tracing backend. Follows one request through a maze of services.')
  .version(version, '-V, --version', 'print the version of clew')
  .showHelpAfterError();

program
  .command('serve')
  .description('run Clew with every role in one process on the embedded store')
  .option('-c, --config <file>', 'YAML configuration file (flags override it; environment CLEW_* overrides it too)')
  .option('-d, --data-dir <dir>', 'where spans and the write-ahead log are kept (default ./data)')
  .option('--host <address>', 'address every listener binds to (default 127.0.0.1; 0.0.0.0 for all interfaces)')
  .option('--retention <duration>', 'how long spans are kept, e.g. 7d, 36h (default 7d)')
  .option('--otlp-grpc-port <port>', 'OTLP/gRPC port (default 4317; 0 picks a free one)', int('--otlp-grpc-port'))
  .option('--otlp-http-port <port>', 'OTLP/HTTP port (default 4318; 0 picks a free one)', int('--otlp-http-port'))
  .option('--query-port <port>', 'UI, Jaeger API and /metrics port (default 16686; 0 picks a free one)', int('--query-port'))
  .option('--zipkin-port <port>', 'Zipkin collector and API port (default 9411; 0 picks a free one)', int('--zipkin-port'))
  .option('--jaeger-http-port <port>', 'Jaeger Thrift over HTTP port (default 14268; 0 picks a free one)', int('--jaeger-http-port'))
  .option('--jaeger-compact-port <port>', 'Jaeger agent UDP port, compact Thrift (default 6831; 0 picks a free one)', int('--jaeger-compact-port'))
  .option('--jaeger-binary-port <port>', 'Jaeger agent UDP port, binary Thrift (default 6832; 0 picks a free one)', int('--jaeger-binary-port'))
  .option('--tempo-port <port>', 'Tempo API port, for Grafana (default 3200; 0 picks a free one)', int('--tempo-port'))
  .option('--max-request-bytes <bytes>', 'largest export request, compressed or not (default 16777216)', int('--max-request-bytes'))
  .option(
    '--max-pending-spans <n>',
    'spans accepted but not yet in the store before receivers answer 503 (default three batches of the store writer, at least 200000)',
    int('--max-pending-spans'),
  )
  .option('--memory-limit <size>', 'store (DuckDB) memory limit, e.g. 2GB (default 2GB)')
  .addOption(new Option('--role <role>', 'run everything, only the receivers and pipeline, or only the UI and query APIs (default all)').choices(['all', 'collector', 'query']))
  .addOption(new Option('--storage <backend>', 'where spans live: embedded DuckDB files, or a shared ClickHouse (default duckdb)').choices(['duckdb', 'clickhouse']))
  .option('--clickhouse-url <url>', "ClickHouse's HTTP interface for --storage clickhouse, e.g. http://127.0.0.1:8123")
  .option('--clickhouse-database <name>', 'ClickHouse database, created when missing (default clew)')
  .option('--clickhouse-cluster <name>', 'a cluster in the servers\' remote_servers: Distributed tables over every shard (needs --clickhouse-shards)')
  .option('--clickhouse-shards <urls>', 'with --clickhouse-cluster: the HTTP URL of each shard, comma-separated')
  .option('--tls-cert <file>', 'PEM certificate for TLS on every TCP listener, re-read when it changes (with --tls-key)')
  .option('--tls-key <file>', 'PEM private key of --tls-cert')
  .option('--archive-dir <dir>', 'attach a range archive (clew archive --out) read-only; repeatable', (v: string, prev: string[] = []) => [...prev, v])
  .option('--serve-source-maps', "serve the web UI's source maps (/assets/*.map), refused by default")
  .addOption(
    new Option('--log-level <level>', 'log level (default info)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  )
  // The server is loaded only to serve: the other commands, and --help, start without it.
  .action(async (flags: Parameters<typeof import('./serve.js').serve>[0]) => (await import('./serve.js')).serve(flags));

program.addCommand(demoCommand());
program.addCommand(healthCommand());
program.addCommand(tokenCommand());
program.addCommand(exportCommand());
program.addCommand(importCommand());
program.addCommand(archiveCommand());

await program.parseAsync(process.argv);
