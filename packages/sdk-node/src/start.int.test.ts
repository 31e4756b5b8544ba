import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';
import type { InstrumentedApp } from './testing/instrumented-app.js';
import { findSpan, otlpBase, startInstrumentedApp, waitForSpans } from './testing/instrumented-app.js';

const clew = useClewProcess();

/** A real Jaeger remote-sampling endpoint that keeps nothing (probability 0) and remembers who asked. */
let strategies: Server;
let strategiesUrl: string;
const asked: string[] = [];
beforeAll(async () => {
  strategies = createServer((req, res) => {
    asked.push(req.url!);
    res.setHeader('content-type', 'application/json').end(JSON.stringify({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0 } }));
  });
  await new Promise<void>((resolve) => strategies.listen(0, '127.0.0.1', resolve));
  strategiesUrl = `http://127.0.0.1:${(strategies.address() as AddressInfo).port}/api/sampling`;
});
afterAll(() => new Promise((resolve) => strategies.close(resolve)));

const apps: InstrumentedApp[] = [];
afterAll(() => Promise.all(apps.map((a) => a.stop())));

async function app(env: Record<string, string>, preload?: string): Promise<InstrumentedApp> {
  const started = await startInstrumentedApp('express-app.mjs', env, preload);
  apps.push(started);
  return started;
}

/**
 * The flags of a new trace this service did not sample: not sampled, and its trace id random (W3C Trace Context
 * Level 2's random-trace-id flag, 0x02).
 */
const UNSAMPLED_NEW_TRACE = 0x02;

/** Asks `/ids` until an answer's trace is not sampled: the first answers may come before the strategy is read. */
async function untilUnsampled(shop: InstrumentedApp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await shop.get('/ids')).traceFlags === UNSAMPLED_NEW_TRACE) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('every trace is still sampled');
}

describe('start() in a file loaded with --import', () => {
  it('takes its options over the OTEL_* environment', async () => {
    const options = {
      serviceName: 'checkout',
      serviceVersion: '1.4.2',
      endpoint: otlpBase(clew().otlpHttp),
      resourceAttributes: { 'deployment.environment': 'staging', team: 'payments' },
    };
    const shop = await app({
      CLEW_TEST_START_OPTIONS: JSON.stringify(options),
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=from-env,region=eu-1',
      // Nothing listens here: the spans reach Clew only if the endpoint option wins.
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    }, './instrument.mjs');
    const answer = await shop.get('/ids');
    const trace = await waitForSpans(clew().query, answer.traceId, [{ kind: 'server', name: 'GET /ids' }]);
    const span = findSpan(trace, { kind: 'server', name: 'GET /ids' });
    const process = trace.processes[span.processID];
    expect(process.serviceName).toBe('checkout');
    expect(Object.fromEntries(process.tags.map((t: any) => [t.key, t.value]))).toMatchObject({
      'service.version': '1.4.2',
      'deployment.environment': 'staging',
      team: 'payments',
      region: 'eu-1',
    });
  });

  it('samples with the remote strategies named by the sampling option', async () => {
    const sampling = { type: 'remote', endpoint: strategiesUrl, initialSamplingRate: 1 };
    const shop = await app({
      CLEW_TEST_START_OPTIONS: JSON.stringify({ serviceName: 'remote-by-option', endpoint: otlpBase(clew().otlpHttp), sampling }),
    }, './instrument.mjs');
    await untilUnsampled(shop);
    expect(asked).toContain('/api/sampling?service=remote-by-option');
  });
});

describe('@clew/node/register', () => {
  it('samples with remote strategies when OTEL_TRACES_SAMPLER=jaeger_remote', async () => {
    const shop = await app({
      OTEL_SERVICE_NAME: 'remote-by-env',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp),
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: `endpoint=${strategiesUrl},pollingIntervalMs=60000,initialSamplingRate=1`,
    });
    await untilUnsampled(shop);
    expect(asked).toContain('/api/sampling?service=remote-by-env');
  });

  it('samples by OTEL_TRACES_SAMPLER=traceidratio with OTEL_TRACES_SAMPLER_ARG', async () => {
    const shop = await app({ OTEL_SERVICE_NAME: 'ratio', OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp), OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    expect((await shop.get('/ids')).traceFlags).toBe(UNSAMPLED_NEW_TRACE);
  });

  it('does nothing when OTEL_SDK_DISABLED=true', async () => {
    const shop = await app({ OTEL_SERVICE_NAME: 'disabled', OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp), OTEL_SDK_DISABLED: 'true' });
    // No tracer provider: the active span is the API's no-op, without ids.
    expect(await shop.get('/ids')).toEqual({});
  });
});
