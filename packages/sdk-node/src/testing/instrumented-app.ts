import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readJsonLines } from '@clew/testing/json-lines';

const FIXTURES = fileURLToPath(new URL('../../test-fixtures/', import.meta.url));

export interface InstrumentedApp {
  readonly child: ChildProcess;
  /** http://127.0.0.1:port, for servers; undefined for scripts that print no `ready` line. */
  readonly url: string | undefined;
  /** Every JSON line the app printed on stdout so far. */
  readonly lines: Array<Record<string, unknown>>;
  /** What the app printed on stderr so far (the SDK's diagnostics). */
  readonly stderr: string;
  /** Resolves with the exit code and signal once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** GET `path` and parse the JSON answer. */
  get<T = any>(path: string, headers?: Record<string, string>): Promise<T>;
  /** Sends `signal` (default SIGTERM), then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The OTLP base address (`http://host:port`) of a `clew serve` whose traces URL is `otlpHttp`. */
export function otlpBase(otlpHttp: string): string {
  return otlpHttp.replace(/\/v1\/traces$/, '');
}

/**
 * Runs `test-fixtures/<fixture>` under `node --import <preload>` (default `@clew/node/register`) with `env` over the
 * test's environment, and waits for its `{"ready": port}` line (servers) or its exit (scripts).
 */
export async function startInstrumentedApp(fixture: string, env: Record<string, string>, preload = '@clew/node/register'): Promise<InstrumentedApp> {
  const child = spawn(process.execPath, ['--import', preload, fixture], {
    cwd: FIXTURES,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OTEL_BSP_SCHEDULE_DELAY: '50', ...env },
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<number | undefined>((resolve, reject) => {
    readJsonLines(child.stdout!, (rec) => {
      lines.push(rec);
      if (typeof rec.ready === 'number') resolve(rec.ready);
    });
    void exited.then(({ code }) => (code === 0 ? resolve(undefined) : reject(new Error(`${fixture} exited with ${code}\n${stderr}`))));
  });
  const port = await ready;
  const url = port === undefined ? undefined : `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    lines,
    get stderr() {
      return stderr;
    },
    exited,
    async get<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
      const res = await fetch(`${url}${path}`, { headers });
      return (await res.json()) as T;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** What picks one span out of a Jaeger API trace. */
export interface SpanMatch {
  name?: string;
  service?: string;
  kind?: 'server' | 'client' | 'internal' | 'producer' | 'consumer';
}

function matchesSpan(trace: any, span: any, match: SpanMatch): boolean {
  return (
    (match.name === undefined || span.operationName === match.name) &&
    (match.service === undefined || serviceOf(trace, span) === match.service) &&
    (match.kind === undefined || (tagsOf(span)['span.kind'] ?? 'internal') === match.kind)
  );
}

/** The one span of a Jaeger API trace that matches (throws if there is none, or more than one). */
export function findSpan(trace: any, match: SpanMatch): any {
  const found = trace.spans.filter((s: any) => matchesSpan(trace, s, match));
  if (found.length !== 1) {
    throw new Error(`expected one span ${JSON.stringify(match)}, found ${found.length} among ${trace.spans.map((s: any) => `${serviceOf(trace, s)}/${s.operationName}`).join(', ')}`);
  }
  return found[0];
}

/** A span's tags as a plain object. */
export function tagsOf(span: any): Record<string, unknown> {
  return Object.fromEntries(span.tags.map((t: any) => [t.key, t.value]));
}

/** The service name of a span in a Jaeger API trace. */
export function serviceOf(trace: any, span: any): string {
  return trace.processes[span.processID].serviceName;
}

/** The span id a span's CHILD_OF reference points to, if any. */
export function parentOf(span: any): string | undefined {
  return span.references.find((r: any) => r.refType === 'CHILD_OF')?.spanID;
}

/**
 * Reads a trace through Clew's Jaeger API once each `matches` entry finds a span in it (instrumentations add spans
 * of their own, e.g. Express middleware, so the total is not the test's business). `headers` go with each read
 * (a read token's `authorization` when Clew has auth).
 */
export async function waitForSpans(query: string, traceId: string, matches: SpanMatch[], timeoutMs = 15_000, headers: Record<string, string> = {}): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${query}/api/traces/${traceId}`, { headers });
    const trace = res.status === 200 ? ((await res.json()) as any).data?.[0] : undefined;
    const missing = trace ? matches.filter((m) => !trace.spans.some((s: any) => matchesSpan(trace, s, m))) : matches;
    if (missing.length === 0) return trace;
    if (Date.now() > deadline) throw new Error(`trace ${traceId} has no span for ${JSON.stringify(missing)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
