import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createSampler } from '../sampler.js';
import { JaegerRemoteSampler } from './jaeger-remote-sampler.js';

/** A real strategies endpoint: answers each GET with what `reply` returns at that moment and remembers the URLs. */
interface StrategyServer {
  url: string;
  requests: string[];
  reply: () => { status: number; body: string };
  close(): Promise<void>;
}

const servers: StrategyServer[] = [];
const samplers: JaegerRemoteSampler[] = [];
afterEach(async () => {
  for (const s of samplers.splice(0)) s.stop();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function strategyServer(body: unknown, status = 200): Promise<StrategyServer> {
  const state: StrategyServer = {
    url: '',
    requests: [],
    reply: () => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    state.requests.push(req.url!);
    const { status: code, body: text } = state.reply();
    res.writeHead(code, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sampling`;
  servers.push(state);
  return state;
}

async function remote(endpoint: string, options: { initialSamplingRate?: number; pollingIntervalMs?: number } = {}): Promise<JaegerRemoteSampler> {
  const sampler = new JaegerRemoteSampler({ serviceName: 'checkout', endpoint, ...options });
  samplers.push(sampler);
  await sampler.settled();
  return sampler;
}

/** How many of `n` new root spans named `name`, with random trace ids, the sampler keeps. */
function kept(sampler: Sampler, n: number, name = 'GET /cart'): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = sampler.shouldSample(ROOT_CONTEXT, randomBytes(16).toString('hex'), name, SpanKind.SERVER, {}, []);
    if (r.decision === SamplingDecision.RECORD_AND_SAMPLED) count++;
  }
  return count;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe('JaegerRemoteSampler against a real strategies endpoint', () => {
  it('asks for the service by name', async () => {
    const server = await strategyServer({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 1 } });
    await remote(server.url);
    expect(server.requests).toEqual(['/api/sampling?service=checkout']);
  });

  it.each([
    ['PROBABILISTIC 1', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 1 } }, 200],
    ['PROBABILISTIC 0', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0 } }, 0],
    ['strategyType as the enum number', { strategyType: 0, probabilisticSampling: { samplingRate: 1 } }, 200],
    ['RATE_LIMITING 0 a second', { strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 0 } }, 0],
  ])('applies %s', async (_case, body, expected) => {
    const sampler = await remote((await strategyServer(body)).url, { initialSamplingRate: 0.5 });
    expect(kept(sampler, 200)).toBe(expected);
  });

  it('applies a probabilistic rate between 0 and 1 by trace id', async () => {
    const sampler = await remote((await strategyServer({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.5 } })).url, { initialSamplingRate: 0 });
    const n = kept(sampler, 2000);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(2000);
  });

  it('rate-limits to the bucket it is given: a burst keeps the saved-up credits, not every trace', async () => {
    const sampler = await remote((await strategyServer({ strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 2 } })).url, { initialSamplingRate: 1 });
    expect(kept(sampler, 2)).toBe(2);
    expect(kept(sampler, 100)).toBeLessThan(100);
  });

  it('applies per-operation strategies, the default for other operations, and the lower bound', async () => {
    const body = {
      strategyType: 'PROBABILISTIC',
      probabilisticSampling: { samplingRate: 0 },
      operationSampling: {
        defaultSamplingProbability: 1,
        defaultLowerBoundTracesPerSecond: 0,
        perOperationStrategies: [{ operation: 'GET /health', probabilisticSampling: { samplingRate: 0 } }],
      },
    };
    const sampler = await remote((await strategyServer(body)).url, { initialSamplingRate: 0.5 });
    expect(kept(sampler, 100, 'GET /health')).toBe(0);
    expect(kept(sampler, 100, 'GET /cart')).toBe(100);

    body.operationSampling.defaultLowerBoundTracesPerSecond = 1;
    const floored = await remote((await strategyServer(body)).url, { initialSamplingRate: 0.5 });
    // At rate 0 the lower bound still lets the first trace of an operation through.
    expect(kept(floored, 1, 'GET /health')).toBe(1);
  });

  it.each([
    ['answers 500', async () => (await strategyServer({ error: 'down' }, 500)).url],
    ['answers something that is not JSON', async () => (await strategyServer('<html>')).url],
    ['answers an unknown strategy', async () => (await strategyServer({ strategyType: 'MAGIC' })).url],
    ['is not listening', async () => { const s = await strategyServer({}); await s.close(); servers.pop(); return s.url; }],
  ])('samples at the initial rate while the endpoint %s', async (_case, endpoint) => {
    const url = await endpoint();
    expect(kept(await remote(url, { initialSamplingRate: 1 }), 100)).toBe(100);
    expect(kept(await remote(url, { initialSamplingRate: 0 }), 100)).toBe(0);
  });

  it('polls again, picks up a changed strategy, and keeps the last good one while the endpoint fails', async () => {
    const server = await strategyServer({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0 } });
    const sampler = await remote(server.url, { initialSamplingRate: 1, pollingIntervalMs: 20 });
    expect(kept(sampler, 100)).toBe(0);

    server.reply = () => ({ status: 200, body: JSON.stringify({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 1 } }) });
    await until(() => kept(sampler, 10) === 10);

    server.reply = () => ({ status: 503, body: '' });
    const seen = server.requests.length;
    await until(() => server.requests.length >= seen + 3);
    expect(kept(sampler, 100)).toBe(100);
  });

  it('follows a sampled parent whatever the strategy says, through createSampler', async () => {
    const server = await strategyServer({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0 } });
    const stops: Array<() => void> = [];
    const sampler = createSampler({ type: 'remote', endpoint: server.url, initialSamplingRate: 0 }, 'checkout', stops);
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const r = sampler.shouldSample(parent, 'a'.repeat(32), 'GET /cart', SpanKind.SERVER, {}, []);
    expect(r.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(kept(sampler, 50)).toBe(0);
    // The SDK's shutdown calls these to stop the polling.
    expect(stops).toHaveLength(1);
    stops[0]!();
  });

  it('stops polling when stopped', async () => {
    const server = await strategyServer({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 1 } });
    const sampler = await remote(server.url, { pollingIntervalMs: 10 });
    await until(() => server.requests.length >= 3);
    sampler.stop();
    await sampler.settled();
    const seen = server.requests.length;
    // Ten polling intervals with no request.
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests.length).toBe(seen);
  });
});
