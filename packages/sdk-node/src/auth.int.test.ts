import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useClewProcess } from '@clew/testing/clew-process';
import { afterAll, describe, expect, it } from 'vitest';
import type { InstrumentedApp } from './testing/instrumented-app.js';
import { otlpBase, startInstrumentedApp, waitForSpans } from './testing/instrumented-app.js';

// Fixed tokens, so a failure reproduces; the config holds only their hashes, written as `clew token create` prints
// them (sha256: and the hex digest; @clew/server's hashToken, which this package does not depend on).
const WRITE = 'clew_sdk-test-write-0123456789abcdefghijklmnopqrst';
const READ = 'clew_sdk-test-read-0123456789abcdefghijklmnopqrstu';
const hash = (token: string) => `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;

// The jobs service samples one job always and nothing else: only strategies read with the token make it sampled.
const CONFIG = `
auth:
  tokens:
    - { hash: ${hash(WRITE)}, tenant: shop, scope: write }
    - { hash: ${hash(READ)}, tenant: shop, scope: read }
pipeline:
  sampling:
    serviceStrategies:
      - service: jobs
        type: probabilistic
        param: 0
        operationStrategies:
          - { operation: nightly-report, type: probabilistic, param: 1 }
`;
const configDir = mkdtempSync(join(tmpdir(), 'clew-sdk-auth-config-'));
writeFileSync(join(configDir, 'clew.yaml'), CONFIG);
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

const clew = useClewProcess(['--config', join(configDir, 'clew.yaml')]);

const apps: InstrumentedApp[] = [];
afterAll(() => Promise.all(apps.map((a) => a.stop())));

async function app(fixture: string, env: Record<string, string>, preload?: string): Promise<InstrumentedApp> {
  // The test's own environment must not lend a token to the apps that are meant to have none.
  const started = await startInstrumentedApp(fixture, { CLEW_TOKEN: '', OTEL_EXPORTER_OTLP_HEADERS: '', OTEL_EXPORTER_OTLP_TRACES_HEADERS: '', ...env }, preload);
  apps.push(started);
  return started;
}

const readAs = { authorization: `Bearer ${READ}` };

/** Waits until `app` has printed `pattern` on stderr. */
async function untilStderr(app: InstrumentedApp, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(app.stderr)) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} on stderr:\n${app.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('span export to a Clew with auth.tokens', () => {
  it('sends start({ token }) as a Bearer token, and prints it nowhere even at the most verbose log level', async () => {
    const options = { serviceName: 'checkout', endpoint: otlpBase(clew().otlpHttp), token: WRITE, logLevel: 'all' };
    const shop = await app('express-app.mjs', { CLEW_TEST_START_OPTIONS: JSON.stringify(options) }, './instrument.mjs');
    const answer = await shop.get('/reserve?sku=T-1');
    await waitForSpans(clew().query, answer.traceId, [{ service: 'checkout', name: 'reserve-stock' }], 15_000, readAs);
    await shop.stop();
    expect(shop.stderr).not.toContain(WRITE);
    expect(JSON.stringify(shop.lines)).not.toContain(WRITE);
  });

  it('reads CLEW_TOKEN, which wins over an authorization in OTEL_EXPORTER_OTLP_HEADERS', async () => {
    const shop = await app('express-app.mjs', {
      OTEL_SERVICE_NAME: 'cart',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp),
      CLEW_TOKEN: WRITE,
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20clew_not-a-token,x-team=cart',
    });
    const answer = await shop.get('/reserve?sku=T-2');
    await waitForSpans(clew().query, answer.traceId, [{ service: 'cart', name: 'reserve-stock' }], 15_000, readAs);
  });

  it('still sends a token given only in OTEL_EXPORTER_OTLP_TRACES_HEADERS', async () => {
    const shop = await app('express-app.mjs', {
      OTEL_SERVICE_NAME: 'basket',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp),
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: `authorization=Bearer%20${WRITE}`,
    });
    const answer = await shop.get('/reserve?sku=T-3');
    await waitForSpans(clew().query, answer.traceId, [{ service: 'basket', name: 'reserve-stock' }], 15_000, readAs);
  });

  it('is refused without a token: the exporter reports the failure and the spans never arrive', async () => {
    const shop = await app('express-app.mjs', { OTEL_SERVICE_NAME: 'anonymous', OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp) });
    const answer = await shop.get('/reserve?sku=T-4');
    await untilStderr(shop, /401|Unauthorized/i);
    expect((await fetch(`${clew().query}/api/traces/${answer.traceId}`, { headers: readAs })).status).toBe(404);
  });
});

describe("the remote sampler polling a Clew with auth.tokens", () => {
  const jobs = (env: Record<string, string>) =>
    app('job-runner.mjs', {
      OTEL_SERVICE_NAME: 'jobs',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp),
      OTEL_TRACES_SAMPLER: 'parentbased_jaeger_remote',
      // Nothing is sampled before the first strategy arrives, so a sampled job proves it has.
      OTEL_TRACES_SAMPLER_ARG: `endpoint=${clew().query}/api/sampling,initialSamplingRate=0`,
      ...env,
    });
  const run = (runner: InstrumentedApp) => runner.get<{ traceId: string; sampled: boolean }>('/run?job=nightly-report');

  it('reads its strategies with the token', async () => {
    const runner = await jobs({ CLEW_TOKEN: WRITE });
    let ran = await run(runner);
    for (let i = 0; i < 300 && !ran.sampled; i++) {
      await new Promise((r) => setTimeout(r, 20));
      ran = await run(runner);
    }
    expect(ran.sampled).toBe(true);
    await waitForSpans(clew().query, ran.traceId, [{ service: 'jobs', name: 'nightly-report' }], 15_000, readAs);
    expect(runner.stderr).not.toContain(WRITE);
  });

  it('is refused without one, says so, and keeps the initial rate', async () => {
    const runner = await jobs({});
    await untilStderr(runner, /cannot read sampling strategies .*HTTP 401: the endpoint wants a token \(start\(\{ token \}\) or CLEW_TOKEN\)/);
    for (let i = 0; i < 10; i++) expect((await run(runner)).sampled).toBe(false);
  });
});
