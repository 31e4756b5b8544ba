// Starts the built `clew serve` in its own process for a benchmark, on free ports, and reads its CPU time.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

// CLEW_BENCH_CLEW_BIN runs another build (e.g. an export of an earlier commit, built) for an A/B comparison.
const BIN = process.env.CLEW_BENCH_CLEW_BIN ?? fileURLToPath(new URL('../../packages/cli/bin/clew.js', import.meta.url));
/**
 * The node flags the `clew` command starts node with (its bin file's line for sh), so that a server started here runs
 * as the command does while node is given flags of its own too (CLEW_BENCH_SERVER_NODE_ARGS, e.g. a profile). An
 * earlier build's bin without that line gives none, as it ran.
 */
export const CLEW_NODE_FLAGS = /^":" \/\/; exec node (.*) "\$0" "\$@"$/m.exec(readFileSync(BIN, 'utf8'))?.[1].split(' ') ?? [];
const TICKS_PER_SECOND = 100;
/** CLEW_BENCH_SERVER_LOG=file keeps the server's standard output there (its log, and e.g. what --trace-gc prints). */
const LOG = process.env.CLEW_BENCH_SERVER_LOG;

/**
 * With two or more cores the server is pinned to core 0 and this process (the load) to core 1, so a figure "per
 * core" is what the server did on one core. CLEW_BENCH_PIN=0 turns that off.
 */
const PIN = process.env.CLEW_BENCH_PIN !== '0' && availableParallelism() >= 2;

/** Pins this process (and what it starts from now on, e.g. a clickhouse-server) to core 1, away from the server's core. */
export function pinLoad() {
  if (PIN) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
}

/** Lets this process (and what it starts from now on) run on every core again, for servers started with `pin: false`. */
export function unpinLoad() {
  // Every core of the machine: availableParallelism() counts those this process may use, one once pinned.
  if (PIN) execFileSync('taskset', ['-pc', `0-${cpus().length - 1}`, String(process.pid)], { stdio: 'ignore' });
}

/** Every listening port of `clew serve`, each 0: the kernel picks a free one, so concurrent runs never clash. */
const PORTS = ['--otlp-grpc-port', '--otlp-http-port', '--query-port', '--zipkin-port', '--jaeger-http-port', '--jaeger-compact-port', '--jaeger-binary-port', '--tempo-port'];

/** `pin: false` starts it on every core, whatever CLEW_BENCH_PIN says (and pins nothing: see unpinLoad). */
export async function startServer(dataDir, args = [], { pin = PIN } = {}) {
  if (pin) pinLoad();
  const node = [...(process.env.CLEW_BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...CLEW_NODE_FLAGS, BIN];
  const child = spawn(
    pin ? 'taskset' : process.execPath,
    [...(pin ? ['-c', '0', process.execPath] : []), ...node, 'serve', '--data-dir', dataDir, ...PORTS.flatMap((p) => [p, '0']), ...args, ...(process.env.CLEW_BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [])],
    // CLEW_BENCH_SERVER_ARGS adds flags (e.g. '--config big-batches.yaml'); CLEW_BENCH_SERVER_NODE_ARGS, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof', profiles the server alone.
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const addresses = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      if (LOG) appendFileSync(LOG, d);
      buf += d;
      for (const line of buf.split('\n')) {
        if (line.includes('"addresses"')) resolve(JSON.parse(line).addresses);
      }
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
    exited.then((code) => reject(new Error(`clew exited with ${code}`)));
  });
  return {
    ...addresses,
    pinned: pin,
    pid: child.pid,
    /** User + system CPU seconds the server has used so far. */
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    },
    async metric(name) {
      const text = await (await fetch(`${addresses.query}/metrics`)).text();
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : NaN;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
