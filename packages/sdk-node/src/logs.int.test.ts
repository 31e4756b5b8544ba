import { afterAll, beforeAll, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';
import type { InstrumentedApp } from './testing/instrumented-app.js';
import { otlpBase, startInstrumentedApp, waitForSpans } from './testing/instrumented-app.js';

const clew = useClewProcess();

let shop: InstrumentedApp;
let cjs: InstrumentedApp;
beforeAll(async () => {
  const endpoint = otlpBase(clew().otlpHttp);
  [shop, cjs] = await Promise.all([
    startInstrumentedApp('express-app.mjs', { OTEL_SERVICE_NAME: 'shop', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
    startInstrumentedApp('logs-app.cjs', { OTEL_SERVICE_NAME: 'shop-cjs', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
  ]);
});
afterAll(async () => {
  await Promise.all([shop?.stop(), cjs?.stop()]);
});

/** The record `check` that `app` printed for the request whose active span is `spanId`. */
async function recordOf(check: string, spanId: string, app = shop): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const rec = app.lines.find((l) => l.check === check && l.span_id === spanId);
    if (rec) return rec;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${check} record for span ${spanId} in ${JSON.stringify(app.lines.filter((l) => l.check === check))}`);
}

it.each(['pino', 'winston'])('%s records logged inside a request carry its trace_id, span_id and trace_flags (ESM app)', async (check) => {
  const answer = await shop.get('/log');
  const rec = await recordOf(check, answer.spanId);
  // 03: sampled, in a trace this service started, whose id is random (W3C Trace Context Level 2).
  expect(rec).toMatchObject({ trace_id: answer.traceId, span_id: answer.spanId, trace_flags: '03' });
  // The ids name a span that is in Clew.
  const trace = await waitForSpans(clew().query, answer.traceId, [{ service: 'shop', kind: 'server', name: 'GET /log' }]);
  expect(trace.spans.map((s: any) => s.spanID)).toContain(answer.spanId);
});

it.each(['pino', 'winston'])('%s records of different requests carry different trace ids', async (check) => {
  const [a, b] = [await shop.get('/log'), await shop.get('/log')];
  expect(a.traceId).not.toBe(b.traceId);
  expect((await recordOf(check, a.spanId)).trace_id).toBe(a.traceId);
  expect((await recordOf(check, b.spanId)).trace_id).toBe(b.traceId);
});

it.each(['pino', 'winston'])('%s records carry the ids in a CommonJS app too', async (check) => {
  const answer = await cjs.get('/log');
  expect(answer.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect(await recordOf(check, answer.spanId, cjs)).toMatchObject({ trace_id: answer.traceId, span_id: answer.spanId, trace_flags: '03' });
});
