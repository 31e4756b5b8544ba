import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import type { RunningClew } from '../../serve.js';
import { startClew } from '../../serve.js';

const PORTS = { otlpGrpc: 0, otlpHttp: 0, query: 0, zipkin: 0, jaegerThriftHttp: 0, jaegerCompact: 0, jaegerBinary: 0, tempo: 0 };

const dirs: string[] = [];
const clews: RunningClew[] = [];

/** A whole Clew in this process, on free ports, with `pipeline.sampling` as given. */
async function clewWith(sampling: Record<string, unknown>): Promise<RunningClew> {
  const dataDir = await mkdtemp(join(tmpdir(), 'clew-sampling-'));
  dirs.push(dataDir);
  const config = resolveConfig({ dataDir, ports: PORTS, storage: { memoryLimit: '256MB' }, pipeline: { sampling } });
  const clew = await startClew(config, pino({ level: 'silent' }));
  clews.push(clew);
  return clew;
}

afterAll(async () => {
  for (const c of clews) await c.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const rate = (operation: string, param: number) => ({ operation, type: 'probabilistic', param });

// Jaeger's cmd/jaeger/sampling_strategies_example.json, in Clew's keys.
const EXAMPLE = {
  serviceStrategies: [
    { service: 'foo', type: 'probabilistic', param: 0.8, operationStrategies: [rate('op1', 0.2), rate('op2', 0.4)] },
    { service: 'bar', type: 'ratelimiting', param: 5 },
  ],
  defaultStrategy: { type: 'probabilistic', param: 0.5, operationStrategies: [rate('/health', 0.0), rate('/metrics', 0.0)] },
};

const opsJson = (defaultProbability: number, ops: string) =>
  `"operationSampling":{"defaultSamplingProbability":${defaultProbability},"defaultLowerBoundTracesPerSecond":0,"perOperationStrategies":[${ops}],"defaultUpperBoundTracesPerSecond":0}`;
const op = (name: string, samplingRate: number) => `{"operation":"${name}","probabilisticSampling":{"samplingRate":${samplingRate}}}`;
const HEALTH_METRICS = `${op('/health', 0)},${op('/metrics', 0)}`;

describe.each(['query', 'jaegerThriftHttp'])('GET /api/sampling on the %s port', (port) => {
  let base: string;
  beforeAll(async () => {
    base = (await clewWith(EXAMPLE)).addresses[port]!;
  });

  it.each([
    ['foo', `{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.8},${opsJson(0.8, `${op('op1', 0.2)},${op('op2', 0.4)},${HEALTH_METRICS}`)}}`],
    ['bar', `{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":5},${opsJson(0.5, HEALTH_METRICS)}}`],
    ['any other service', `{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.5},${opsJson(0.5, HEALTH_METRICS)}}`],
  ])('answers %s with its strategy in Jaeger\'s JSON', async (service, body) => {
    const res = await fetch(`${base}/api/sampling?service=${encodeURIComponent(service)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(body);
  });

  it('answers an empty service name (given once) with the default strategy, as Jaeger does', async () => {
    const res = await fetch(`${base}/api/sampling?service=`);
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text()).probabilisticSampling).toEqual({ samplingRate: 0.5 });
  });

  // handler_test.go TestHTTPHandlerErrors: "no service name", "sampling endpoint too many service names".
  it.each(['', '?service=Y&service=Y', '?services=Y'])("refuses %s with Jaeger's 400", async (query) => {
    const res = await fetch(`${base}/api/sampling${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe("'service' parameter must be provided once\n");
  });
});

describe('GET /api/sampling with nothing configured', () => {
  it("answers Jaeger's default, probabilistic 0.001, on both ports", async () => {
    const clew = await clewWith({});
    for (const base of [clew.addresses.query, clew.addresses.jaegerThriftHttp]) {
      const res = await fetch(`${base}/api/sampling?service=checkout`);
      // cmd/jaeger/internal/extension/remotesampling/extension_test.go compares its answer the same way.
      expect(await res.text()).toBe('{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.001}}');
    }
  });
});

describe('GET /api/sampling with adaptive sampling', () => {
  it('learns from the root spans Clew accepts: the pipeline feeds the learner', async () => {
    const clew = await clewWith({ adaptive: { calculationInterval: '100ms' } });
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    const now = BigInt(Date.now()) * 1_000_000n;
    const spans = Array.from({ length: 50 }, (_, i) => ({
      traceId: `a${hex(i + 1, 31)}`,
      spanId: `b${hex(i + 1, 15)}`,
      name: 'GET /cart',
      kind: 2,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 1_000_000n),
    }));
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeSpans: [{ spans }] }] };
    const sent = await fetch(clew.addresses.otlpHttp!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(sent.status).toBe(200);

    // The spans reach the learner with the store writer's next batch, and the probability once an interval has closed.
    type Answer = { operationSampling: { perOperationStrategies: Array<{ operation: string; probabilisticSampling: { samplingRate: number } }> } };
    let learned: Answer['operationSampling']['perOperationStrategies'] = [];
    for (let i = 0; i < 300 && learned.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const strategy = (await (await fetch(`${clew.addresses.jaegerThriftHttp}/api/sampling?service=shop`)).json()) as Answer;
      learned = strategy.operationSampling.perOperationStrategies;
    }
    expect(learned.map((o) => o.operation)).toEqual(['GET /cart']);
    // 50 root spans in a 100 ms interval is 500 a second at 0.001: 0.001 / 500 is below the minimum probability.
    expect(learned[0]!.probabilisticSampling.samplingRate).toBe(1e-5);
    const other = (await (await fetch(`${clew.addresses.query}/api/sampling?service=other`)).json()) as Answer;
    expect(other.operationSampling.perOperationStrategies).toEqual([]);
  });
});
