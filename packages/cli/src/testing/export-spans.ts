import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AnyValue, Resource, Scope, Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { dbl, int, SpanKind, StatusCode, str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';

export const DAY_NS = 86_400_000_000_000n;
/** Midnight UTC of 2026-11-02: the day the fixtures fill. */
export const DAY = 1_793_577_600_000_000_000n as UnixNanos;

const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');
/** Deterministic ids: `seed` keeps two sets of spans apart, `n` numbers them. */
export const traceIdOf = (seed: number, n: number) => `${hex(seed, 8)}${hex(n, 24)}` as TraceId;
export const spanIdOf = (seed: number, n: number) => `${hex(seed, 4)}${hex(n + 1, 12)}` as SpanId;

const VALUES: [string, AnyValue][] = [
  ['s', str('Grüße, 世界 🧵')],
  ['empty', str('')],
  ['int.max', int(2n ** 63n - 1n)],
  ['int.min', int(-(2n ** 63n))],
  ['int.beyond.2^53', int(9_007_199_254_740_993n)],
  ['double', dbl(0.1 + 0.2)],
  ['double.inf', dbl(-Infinity)],
  ['bool', { type: 'bool', value: false }],
  ['bytes', { type: 'bytes', value: new Uint8Array([0, 255, 128]) }],
  ['none', { type: 'empty' }],
  ['array', { type: 'array', value: [str('a'), int(-1), { type: 'array', value: [{ type: 'bool', value: true }] }] }],
  ['kvlist', { type: 'kvlist', value: [{ key: 'deep', value: { type: 'kvlist', value: [{ key: 'd', value: dbl(-2.5) }] } }] }],
  ['dup', str('first')],
  ['dup', str('second')],
];

const RESOURCE: Resource = {
  attributes: [
    { key: 'service.name', value: str('ledger') },
    { key: 'process.pid', value: int(4242) },
  ],
  droppedAttributesCount: 3,
  entityRefs: [{ schemaUrl: 'https://opentelemetry.io/schemas/1.30.0', type: 'host', idKeys: ['host.id'], descriptionKeys: [] }],
  schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
};

const SCOPE: Scope = {
  name: 'ledger-instrumentation',
  version: '0.9.1',
  attributes: [{ key: 'scope.tier', value: str('gold') }],
  droppedAttributesCount: 1,
  schemaUrl: 'https://opentelemetry.io/schemas/1.29.0',
};

/**
 * `traces` traces of three spans spread over the day (one every day/traces), under `services` (round robin); the
 * first trace's root carries every kind of value and every field the model has.
 */
export function daySpans(seed: number, traces: number, services: readonly string[] = ['frontend', 'cart', 'payment']): Span[] {
  const out: Span[] = [];
  const step = DAY_NS / BigInt(traces);
  for (let t = 0; t < traces; t++) {
    const traceId = traceIdOf(seed, t);
    const start = (DAY + BigInt(t) * step + 123n) as UnixNanos;
    const resource = t === 0 ? RESOURCE : makeResource(services[t % services.length]!, [{ key: 'host.name', value: str(`h${t % 7}`) }]);
    const scope = t === 0 ? SCOPE : { name: 'app', version: '1.0.0', attributes: [], droppedAttributesCount: 0, schemaUrl: '' };
    const root = spanIdOf(seed, 3 * t);
    out.push(
      makeSpan({
        traceId, spanId: root, name: `GET /r${t % 5}`, kind: SpanKind.SERVER, resource, scope,
        startTimeUnixNano: start, endTimeUnixNano: (start + 5_000_000n) as UnixNanos,
        attributes: t === 0 ? VALUES.map(([key, value]) => ({ key, value })) : [{ key: 'http.method', value: str('GET') }, { key: 'n', value: int(t) }],
        ...(t === 0 && {
          traceState: 'rojo=00f067aa0ba902b7', flags: 0x301, droppedAttributesCount: 2, droppedEventsCount: 5, droppedLinksCount: 7,
          events: [{ timeUnixNano: (start + 1n) as UnixNanos, name: 'exception', attributes: [{ key: 'exception.type', value: str('LedgerError') }], droppedAttributesCount: 4 }],
          links: [{ traceId: traceIdOf(seed, 99_999), spanId: spanIdOf(seed, 99_999), traceState: 'vendor=x', attributes: [{ key: 'why', value: str('batch') }], droppedAttributesCount: 6, flags: 0x101 }],
          status: { code: StatusCode.ERROR, message: 'insufficient funds' },
        }),
      }),
      makeSpan({ traceId, spanId: spanIdOf(seed, 3 * t + 1), parentSpanId: root, name: 'SELECT', kind: SpanKind.CLIENT, resource, scope,
        startTimeUnixNano: (start + 1_000n) as UnixNanos, endTimeUnixNano: (start + 2_000_000n) as UnixNanos }),
      makeSpan({ traceId, spanId: spanIdOf(seed, 3 * t + 2), parentSpanId: root, name: 'render', resource, scope,
        startTimeUnixNano: (start + 2_000_000n) as UnixNanos, endTimeUnixNano: (start + 4_000_000n) as UnixNanos }),
    );
  }
  return out;
}

export const bySpanKey = (a: Span, b: Span): number => {
  const x = a.traceId + a.spanId;
  const y = b.traceId + b.spanId;
  return x < y ? -1 : x > y ? 1 : 0;
};

const BIN = fileURLToPath(new URL('../../bin/clew.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `clew` with `args` to its end (node given `nodeArgs` first). */
export function runClew(args: string[], env: Record<string, string> = {}, cwd?: string, nodeArgs: string[] = []): Promise<CliRun> {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, ...(cwd !== undefined && { cwd }) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
