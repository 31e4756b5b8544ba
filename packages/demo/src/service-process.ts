import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceMessage } from './lib/run-service.js';

// The same from src/ (tests run the sources) and dist/: the services always run built, each in its own process.
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVICES = join(PACKAGE_ROOT, 'dist', 'services');

/** How to run one service of the shop. */
export interface ServiceSpec {
  readonly name: string;
  /** Traced with @clew/node (`node --import @clew/node/register`); the queue broker is not, like most brokers. */
  readonly traced: boolean;
  readonly env: Record<string, string>;
}

/** What all the shop's processes share. */
export interface ServiceContext {
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318 */
  readonly otlpEndpoint: string;
  /** Where each service's log goes, `<name>.log`. */
  readonly logDir: string;
  /** How long the SDK batches spans before exporting them (OTEL_BSP_SCHEDULE_DELAY). */
  readonly exportDelayMs: number;
}

/** A running service process. */
export interface ServiceProcess {
  readonly name: string;
  /** Where it listens; workers listen nowhere. */
  readonly url: string | undefined;
  readonly child: ChildProcess;
  /** Asks it to stop (it flushes its spans on the way out) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts one service as its own Node process and waits until it says where it listens. */
export async function startServiceProcess(spec: ServiceSpec, ctx: ServiceContext): Promise<ServiceProcess> {
  const file = join(SERVICES, `${spec.name}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the demo first (npx tsc -b)`);
  const logFile = join(ctx.logDir, `${spec.name}.log`);
  const log = openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...spec.env,
    OTEL_SERVICE_NAME: spec.name,
    OTEL_EXPORTER_OTLP_ENDPOINT: ctx.otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_BSP_SCHEDULE_DELAY: String(ctx.exportDelayMs),
    OTEL_TRACES_EXPORTER: 'otlp',
    // Clew takes traces; the shop's metrics and logs stay local.
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
  // A signal-specific endpoint in the caller's environment would win over ours and send the shop's spans elsewhere.
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const child = spawn(process.execPath, [...(spec.traced ? ['--import', '@clew/node/register'] : []), file], {
    cwd: PACKAGE_ROOT, // where `@clew/node/register` resolves from
    env,
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string | undefined>((resolve, reject) => {
    child.on('message', (m: ServiceMessage) => m.type === 'ready' && resolve(m.url));
    child.once('exit', (code, signal) => reject(new Error(`${spec.name} exited (${signal ?? code}) before it was ready; see ${logFile}`)));
  });
  return {
    name: spec.name,
    url,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // A Ctrl-C in a terminal reaches the whole process group, so the service may be on its way out already.
      if (child.connected) child.send({ type: 'stop' } satisfies ServiceMessage, (err) => err && child.kill('SIGTERM'));
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
