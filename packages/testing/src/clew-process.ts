import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { readJsonLines } from './json-lines.js';

const BIN = fileURLToPath(new URL('../../cli/bin/clew.js', import.meta.url));

export interface ClewProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly otlpGrpc: string;
  /** e.g. http://127.0.0.1:43121/v1/traces */
  readonly otlpHttp: string;
  /** e.g. http://127.0.0.1:43122 */
  readonly query: string;
  /** Zipkin's port, e.g. http://127.0.0.1:43123 (POST /api/v2/spans, GET /api/v2/…) */
  readonly zipkin: string;
  /** Jaeger Thrift over HTTP, e.g. http://127.0.0.1:43124 (POST /api/traces) */
  readonly jaegerThriftHttp: string;
  /** Jaeger agent UDP listeners, e.g. 127.0.0.1:43125 (compact Thrift) and 127.0.0.1:43126 (binary Thrift) */
  readonly jaegerCompact: string;
  readonly jaegerBinary: string;
  /** Tempo API, e.g. http://127.0.0.1:43127 */
  readonly tempo: string;
  /** Every log line printed so far (JSON objects). */
  readonly logs: Array<Record<string, unknown>>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to flush anything. */
  kill(): Promise<void>;
}

/** A fresh temporary data directory, removed by the returned cleanup. */
export async function tempDataDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'clew-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts the real `clew serve` (the built CLI) on free ports and waits until it says it is ready.
 * `args` are extra flags, e.g. ['--max-pending-spans', '1000']; `env` adds to the process's environment.
 */
export async function startClewProcess(dataDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<ClewProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data-dir', dataDir, '--otlp-grpc-port', '0', '--otlp-http-port', '0', '--query-port', '0', '--zipkin-port', '0',
     '--jaeger-http-port', '0', '--jaeger-compact-port', '0', '--jaeger-binary-port', '0', '--tempo-port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CLEW_LOG_LEVEL: process.env.CLEW_LOG_LEVEL ?? 'info', ...env } },
  );
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    readJsonLines(child.stdout!, (rec) => {
      logs.push(rec);
      if (rec.addresses) resolve(rec.addresses as Record<string, string>);
    });
    void exited.then((code) =>
      reject(new Error(`clew exited with ${code} before it was ready\n${stderr}\n${JSON.stringify(logs.slice(-5))}`)),
    );
  });
  // A start that never finishes is a failure with what the process said, not a test that hangs until its timeout.
  let startTimer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<never>((_resolve, reject) => {
    startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`clew did not start within ${START_TIMEOUT_MS} ms\n${stderr}\n${JSON.stringify(logs.slice(-10))}`));
    }, START_TIMEOUT_MS);
  });
  const addresses = await Promise.race([ready, tooSlow]).finally(() => clearTimeout(startTimer));
  return {
    child,
    dataDir,
    otlpGrpc: addresses.otlpGrpc!,
    otlpHttp: addresses.otlpHttp!,
    query: addresses.query!,
    zipkin: addresses.zipkin!,
    jaegerThriftHttp: addresses.jaegerThriftHttp!,
    jaegerCompact: addresses.jaegerCompact!,
    jaegerBinary: addresses.jaegerBinary!,
    tempo: addresses.tempo!,
    logs,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function getJson<T = any>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * Reads a trace through the Jaeger API once it holds `spans` spans. Spans are acknowledged when durable in the
 * write-ahead log and reach the store a moment later, so a read right after a write polls briefly.
 */
export async function waitForTrace(query: string, traceId: string, spans: number, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await getJson(`${query}/api/traces/${traceId}`);
    if (res.status === 200 && res.body.data?.[0]?.spans?.length === spans) return res.body.data[0];
    if (Date.now() > deadline) throw new Error(`trace ${traceId} did not reach ${spans} spans: ${JSON.stringify(res.body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until every span the Clew has acknowledged is in its store, as its /metrics says (`clew_queue_spans`, the
 * spans durable in the write-ahead log and not yet written, is 0). Figures read from the store (search, TraceQL
 * metrics) can lag those the consumers count as spans arrive (span metrics, the service graph) by a batch.
 */
export async function waitForStore(query: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await (await fetch(`${query}/metrics`)).text();
    const queued = /^clew_queue_spans (\S+)$/m.exec(text)?.[1];
    if (queued === undefined) throw new Error(`${query}/metrics has no clew_queue_spans`);
    if (Number(queued) === 0) return;
    if (Date.now() > deadline) throw new Error(`spans still waiting for the store after ${timeoutMs} ms: ${queued}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs one `clew serve` for the whole test file (started before the first test, stopped and its data removed after
 * the last) and returns a getter for it.
 * @example const clew = useClewProcess(['--max-request-bytes', '65536']); it('…', () => fetch(clew().otlpHttp, …));
 */
export function useClewProcess(args: string[] = []): () => ClewProcess {
  let clew: ClewProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const tmp = await tempDataDir();
    cleanup = tmp.cleanup;
    clew = await startClewProcess(tmp.dir, args);
  });
  afterAll(async () => {
    await clew?.stop();
    await cleanup?.();
  });
  return () => {
    if (!clew) throw new Error('clew is not running yet');
    return clew;
  };
}
