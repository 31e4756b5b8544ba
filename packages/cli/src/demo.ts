import type { Demo } from '@clew/demo';
import type { RunningClew } from '@clew/server';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';

/**
 * SLOs the demo's own Clew starts with, so the SLO page has something to show: payment's flaky card network (a
 * fifth of charges fail) burns its budget fast, checkout's latency objective holds.
 */
const DEMO_SLOS = [
  {
    id: 'payment-charges',
    name: 'Payment charges succeed',
    description: '99% of charges succeed over 7 days.',
    service: 'payment',
    objective: { kind: 'availability' },
    target: 0.99,
    window: '7d',
  },
  {
    id: 'checkout-latency',
    name: 'Checkout is fast',
    description: '99% of server spans of checkout under 1 s over 28 days.',
    service: 'checkout',
    objective: { kind: 'latency', thresholdMs: 1000 },
    target: 0.99,
    window: '28d',
  },
];

/** The listeners a demo's own Clew opens: flag, configuration key, what it is, default port. */
const PORTS: Array<[flag: string, key: string, what: string, port: number]> = [
  ['--query-port', 'query', 'the UI and the Jaeger API', 16686],
  ['--otlp-http-port', 'otlpHttp', 'OTLP/HTTP, where the shop sends its spans', 4318],
  ['--otlp-grpc-port', 'otlpGrpc', 'OTLP/gRPC', 4317],
  ['--zipkin-port', 'zipkin', 'Zipkin', 9411],
  ['--jaeger-http-port', 'jaegerThriftHttp', 'Jaeger Thrift over HTTP', 14268],
  ['--jaeger-compact-port', 'jaegerCompact', 'the Jaeger agent, compact Thrift over UDP', 6831],
  ['--jaeger-binary-port', 'jaegerBinary', 'the Jaeger agent, binary Thrift over UDP', 6832],
  ['--tempo-port', 'tempo', 'the Tempo API', 3200],
];

const camel = (flag: string) => flag.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

const number = (flag: string, check: (n: number) => boolean, what: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !check(n)) throw new InvalidArgumentError(`${flag} must be ${what}, not "${v}"`);
  return n;
};

/** "90" or "90s", "10m", "2h" to milliseconds. */
export function demoDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`--duration must look like 90s, 10m or 1h, not "${text}"`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

interface DemoFlags {
  dataDir?: string;
  rate: number;
  duration?: number;
  paymentFailureRate: number;
  logLevel: string;
  [port: string]: unknown;
}

/** `clew demo`: the command, to add to the program. */
export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('run a small instrumented shop and its traffic against Clew (started here unless one is already running)')
    .option('-d, --data-dir <dir>', 'where a Clew started by the demo keeps its spans (default ./data, as clew serve)')
    .option('--rate <n>', 'load generator requests per second; 0 for no load', number('--rate', (n) => n >= 0, 'a number ≥ 0'), 3)
    .option('--duration <time>', 'stop after this long, e.g. 90s, 10m (default: until Ctrl-C)', demoDurationMs)
    .option(
      '--payment-failure-rate <fraction>',
      'fraction of payment requests that fail with 503',
      number('--payment-failure-rate', (n) => n >= 0 && n <= 1, 'between 0 and 1'),
      0.2,
    )
    .addOption(
      new Option('--log-level <level>', "log level of a Clew started by the demo").choices(['fatal', 'error', 'warn', 'info', 'debug']).default('warn'),
    );
  for (const [flag, , what, port] of PORTS) {
    cmd.option(`${flag} <port>`, `port for ${what} (default ${port}; 0 picks a free one)`, number(flag, (n) => Number.isInteger(n) && n >= 0, 'a whole number'));
  }
  return cmd.action((flags: DemoFlags) => runDemo(flags));
}

/** A Clew already answering on the query port (the demo then only adds the shop), or undefined. */
async function runningClew(queryPort: number): Promise<string | undefined> {
  if (queryPort === 0) return undefined;
  const url = `http://127.0.0.1:${queryPort}`;
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { status?: string };
    return res.ok && body.status === 'ok' ? url : undefined;
  } catch {
    return undefined;
  }
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const port = (flag: string, fallback: number) => (flags[camel(flag)] as number | undefined) ?? fallback;
  let clew: RunningClew | undefined;
  let demo: Demo | undefined;
  // Loaded only when the command runs, as the shop is below.
  const { ClewError, configFromEnv, mergeConfig, resolveConfig, startClew } = await import('@clew/server');
  try {
    let query = await runningClew(port('--query-port', 16686));
    let otlp: string;
    if (query) {
      otlp = `http://127.0.0.1:${port('--otlp-http-port', 4318)}`;
      console.log(`Using the Clew already running at ${query}; the shop sends its spans to ${otlp}`);
    } else {
      const ports = Object.fromEntries(PORTS.map(([flag, key]) => [key, flags[camel(flag)]]));
      const config = resolveConfig(
        mergeConfig(configFromEnv(process.env), { dataDir: flags.dataDir, ports, log: { level: flags.logLevel }, slos: DEMO_SLOS }),
      );
      clew = await startClew(config, pino({ level: config.log.level, base: { service: 'clew' } }));
      query = clew.addresses.query!;
      otlp = clew.addresses.otlpHttp!.replace(/\/v1\/traces$/, '');
      console.log(`Clew started: data in ${clew.dataDir}, OTLP/HTTP ${otlp}`);
    }
    console.log('Starting the shop (frontend, catalog, cart, checkout, payment, inventory, queue, shipping)…');
    // Loaded only when the command runs: `clew serve` has no need of the shop.
    const { startDemo } = await import('@clew/demo');
    demo = await startDemo({ otlpEndpoint: otlp, rate: flags.rate, paymentFailureRate: flags.paymentFailureRate });
    console.log(
      [
        '',
        `  Open ${query}/ to see the traces.`,
        '',
        `  The shop's frontend is ${demo.urls.frontend} — try /, /product/7, /search?q=kettle, /cart/shopper-01`,
        `  Load: ${flags.rate} requests/s; payment fails ${Math.round(flags.paymentFailureRate * 100)}% of the time.`,
        `  Service logs: ${demo.workDir}/logs`,
        `  ${flags.duration ? `Stopping in ${flags.duration / 1000}s; ` : ''}Ctrl-C stops everything.`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    await demo?.stop();
    await clew?.stop();
    if (err instanceof ClewError) console.error(`clew demo: ${err.message}`);
    else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`clew demo: ${(err as Error).message}: choose other ports with ${PORTS.map(([f]) => f).join(', ')}`);
    } else console.error(`clew demo: ${(err as Error).stack ?? err}`);
    process.exit(1);
  }

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${why}: stopping the shop${clew ? ' and Clew' : ''}…`);
    const counts = demo!.load?.counts;
    try {
      await demo!.stop();
      await clew?.stop();
    } catch (err) {
      console.error(`clew demo: error while stopping: ${(err as Error).stack ?? err}`);
      process.exit(1);
    }
    if (counts) {
      console.log(`Sent ${counts.ok + counts.clientError + counts.serverError} requests: ${counts.ok} ok, ${counts.clientError} 4xx, ${counts.serverError} 5xx.`);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (flags.duration) setTimeout(() => void stop(`${flags.duration! / 1000}s are up`), flags.duration);
}
