import { context, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClewProcess } from '@clew/testing/clew-process';
import { getJson, startClewProcess, tempDataDir, waitForTrace } from '@clew/testing/clew-process';
import { runClew } from './testing/export-spans.js';
import { exportWith, recordSpans } from './testing/otel.js';

const DAY_MS = 86_400_000;

async function send(clew: ClewProcess, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: clew.otlpHttp });
  expect((await exportWith(exporter, spans)).code).toBe(0);
  await exporter.shutdown();
}

/** A trace by id through every API that reads one: Jaeger v1 and api_v3, Tempo v1 and v2, Zipkin, Clew's own. */
async function readById(clew: ClewProcess, traceId: string) {
  const [jaeger, v3, tempo, tempoV2, zipkin, native, outline] = await Promise.all([
    getJson(`${clew.query}/api/traces/${traceId}`),
    getJson(`${clew.query}/api/v3/traces/${traceId}`),
    getJson(`${clew.tempo}/api/traces/${traceId}`),
    getJson(`${clew.tempo}/api/v2/traces/${traceId}`),
    getJson(`${clew.zipkin}/api/v2/trace/${traceId}`),
    getJson(`${clew.query}/api/clew/v1/traces/${traceId}`),
    getJson(`${clew.query}/api/clew/v1/traces/${traceId}/outline`),
  ]);
  return { jaeger, v3, tempo, tempoV2, zipkin, native, outline };
}

/*
 * Clew A    checkout  POST /checkout |=====|        archived with clew archive --url
 *                       charge card    |==|
 * Clew G    batch     backfill |=|                  three days earlier, sent to G after the archive was attached
 */
describe('an attached range archive read by trace id after the live store took an older span', () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let clew: ClewProcess | undefined;

  beforeAll(async () => {
    tmp = await tempDataDir();
  });

  afterAll(async () => {
    await clew?.stop();
    await tmp?.cleanup();
  });

  it('answers the archived trace in every API as before the backfill', async () => {
    clew = await startClewProcess(join(tmp.dir, 'a'));
    const checkout = recordSpans('checkout', (tracer) =>
      tracer.startActiveSpan('POST /checkout', { kind: SpanKind.SERVER }, (root) => {
        tracer.startSpan('charge card', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root)).end();
        root.end();
      }),
    );
    const traceId = checkout[0]!.spanContext().traceId;
    await send(clew, checkout);
    await waitForTrace(clew.query, traceId, 2);
    const out = join(tmp.dir, 'archive');
    const archived = await runClew(['archive', '--url', clew.query, '--from', '-1h', '--to', 'now', '--out', out]);
    expect(archived.code, archived.stderr).toBe(0);
    expect(await clew.stop()).toBe(0);

    clew = await startClewProcess(join(tmp.dir, 'g'), ['--archive-dir', out]);
    const before = await readById(clew, traceId);
    for (const [api, res] of Object.entries(before)) expect(res.status, api).toBe(200);

    const threeDaysAgo = Date.now() - 3 * DAY_MS;
    const backfill = recordSpans('batch', (tracer) => tracer.startSpan('backfill', { startTime: threeDaysAgo }).end(threeDaysAgo + 5));
    await send(clew, backfill);
    await waitForTrace(clew.query, backfill[0]!.spanContext().traceId, 1);
    expect(await readById(clew, traceId)).toEqual(before);
  });
});
