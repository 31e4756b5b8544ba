import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useClewProcess } from '@clew/testing/clew-process';
import { afterAll, describe, expect, it } from 'vitest';
import type { InstrumentedApp } from '../testing/instrumented-app.js';
import { otlpBase, startInstrumentedApp, waitForSpans } from '../testing/instrumented-app.js';
import { DEFAULT_SAMPLING_ENDPOINT } from './jaeger-remote-sampler.js';

// The service samples nothing by default, one job always and another never: only per-operation strategies read
// from Clew can make the first job's traces appear.
const CONFIG = `
pipeline:
  sampling:
    serviceStrategies:
      - service: jobs
        type: probabilistic
        param: 0
        operationStrategies:
          - { operation: nightly-report, type: probabilistic, param: 1 }
          - { operation: cache-warmup, type: probabilistic, param: 0 }
`;
const configDir = mkdtempSync(join(tmpdir(), 'clew-sampling-config-'));
writeFileSync(join(configDir, 'clew.yaml'), CONFIG);
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

const clew = useClewProcess(['--config', join(configDir, 'clew.yaml')]);

interface Ran {
  traceId: string;
  sampled: boolean;
}

async function runJobs(app: InstrumentedApp, job: string, n: number): Promise<Ran[]> {
  const ran: Ran[] = [];
  for (let i = 0; i < n; i++) ran.push(await app.get<Ran>(`/run?job=${job}`));
  return ran;
}

describe("@clew/node's remote sampler against a real clew serve", () => {
  const path = new URL(DEFAULT_SAMPLING_ENDPOINT).pathname;

  it("defaults to the Jaeger collector's strategies endpoint, where Clew serves them", () => {
    // 14268 is Clew's default ports.jaegerThriftHttp (docs/configuration.md).
    expect(DEFAULT_SAMPLING_ENDPOINT).toBe('http://127.0.0.1:14268/api/sampling');
  });

  it.each([
    ["the Jaeger collector's port, at the default endpoint's path", 'jaegerThriftHttp'],
    ['the query port', 'query'],
  ] as const)('follows per-operation strategies read from %s', async (_case, port) => {
    const app = await startInstrumentedApp('job-runner.mjs', {
      OTEL_SERVICE_NAME: 'jobs',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase(clew().otlpHttp),
      OTEL_TRACES_SAMPLER: 'parentbased_jaeger_remote',
      // Nothing is sampled before the first strategy arrives, so a sampled job proves it has.
      OTEL_TRACES_SAMPLER_ARG: `endpoint=${clew()[port]}${path},initialSamplingRate=0`,
    });
    try {
      for (let i = 0; i < 300 && !(await runJobs(app, 'nightly-report', 1))[0]!.sampled; i++) await new Promise((r) => setTimeout(r, 20));

      const warmups = await runJobs(app, 'cache-warmup', 20);
      const reports = await runJobs(app, 'nightly-report', 20);
      expect(warmups.filter((r) => r.sampled)).toEqual([]);
      expect(reports.filter((r) => !r.sampled)).toEqual([]);

      // Every sampled job reached Clew; exported after the warm-ups, so by now any of theirs would have too.
      for (const r of reports) await waitForSpans(clew().query, r.traceId, [{ service: 'jobs', name: 'nightly-report' }]);
      for (const r of warmups) expect((await fetch(`${clew().query}/api/traces/${r.traceId}`)).status).toBe(404);
      const operations = (await (await fetch(`${clew().query}/api/services/jobs/operations`)).json()) as { data: string[] };
      // The requests' own server spans (`GET`) fall under the service's probability, 0.
      expect(operations.data).toEqual(['nightly-report']);
    } finally {
      await app.stop();
    }
  });
});
