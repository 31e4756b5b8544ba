import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { getJson, startClewProcess, tempDataDir, waitForTrace } from '@clew/testing/clew-process';
import { exportWith, recordSpans } from './testing/otel.js';

const SECRET_MAIL = 'planted.secret.7c1@example.com';
const PASSWORD = 'hunter2-planted-9f3';
const USER_ID = 'user-planted-5e2';

/** Every file under `dir`, with its bytes. */
async function filesUnder(dir: string): Promise<Array<{ file: string; bytes: Buffer }>> {
  const out: Array<{ file: string; bytes: Buffer }> = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await filesUnder(path)));
    else out.push({ file: path, bytes: await readFile(path) });
  }
  return out;
}

/** The files under `dir` that hold any of `needles` as plain text. */
async function filesHolding(dir: string, needles: string[]): Promise<string[]> {
  return (await filesUnder(dir)).filter(({ bytes }) => needles.some((n) => bytes.includes(n))).map(({ file }) => file);
}

async function withConfig(dir: string, yaml: string): Promise<string[]> {
  const file = join(dir, 'clew.yaml');
  await writeFile(file, yaml);
  return ['--config', file];
}

describe('processors before the write-ahead log, with real OTLP exporters', () => {
  it('redacts before anything touches the disk, across a kill -9 and the replay after it', async () => {
    const tmp = await tempDataDir();
    const args = await withConfig(
      tmp.dir,
      `pipeline:
  processors:
    - type: filter
      drop: traces
      rules: [{ name: GET /health }]
    - type: redact
      dropKeys: [password]
      hashKeys: [user.id]
      hashSecret: not-a-real-secret-but-long-enough
      mask: [{ preset: email }]
`,
    );
    const spans = recordSpans('accounts', (tracer) => {
      const root = tracer.startSpan('POST /signup', { kind: SpanKind.SERVER, attributes: { 'user.email': SECRET_MAIL, password: PASSWORD, 'user.id': USER_ID } });
      root.addEvent('welcome mail', { to: `Ada <${SECRET_MAIL}>` });
      root.end();
    });
    const health = recordSpans('accounts', (tracer) => tracer.startSpan('GET /health', { kind: SpanKind.SERVER }).end());
    const clew = await startClewProcess(tmp.dir, args);
    try {
      expect((await exportWith(new GrpcExporter({ url: `http://${clew.otlpGrpc}` }), health)).code).toBe(0);
      expect((await exportWith(new HttpProtoExporter({ url: clew.otlpHttp }), spans)).code).toBe(0);
      // Acknowledged means logged: pull the plug before the store writer's batch wait is over.
      await clew.kill();
      expect(await filesHolding(tmp.dir, [SECRET_MAIL, PASSWORD, USER_ID])).toEqual([]);

      const again = await startClewProcess(tmp.dir, args);
      try {
        const traceId = spans[0]!.spanContext().traceId;
        const trace = await waitForTrace(again.query, traceId, 1);
        const tags = Object.fromEntries(trace.spans[0].tags.map((t: { key: string; value: unknown }) => [t.key, t.value]));
        expect(tags['user.email']).toBe('[email]');
        expect(tags.password).toBeUndefined();
        expect(tags['user.id']).toMatch(/^[0-9a-f]{32}$/);
        expect(trace.spans[0].logs[0].fields).toContainEqual({ key: 'to', type: 'string', value: 'Ada <[email]>' });
        expect((await getJson(`${again.query}/api/traces/${health[0]!.spanContext().traceId}`)).status).toBe(404);
        const metrics = await (await fetch(`${again.query.replace(/\/$/, '')}/metrics`)).text();
        expect(metrics).toMatch(/clew_dead_letter_spans_total 0/);
      } finally {
        expect(await again.stop()).toBe(0);
      }
      expect(await filesHolding(tmp.dir, [SECRET_MAIL, PASSWORD, USER_ID])).toEqual([]);
    } finally {
      await clew.kill().catch(() => undefined);
      await tmp.cleanup();
    }
  });

  it('head-samples whole traces consistently, records the threshold, and counts what it dropped', async () => {
    const tmp = await tempDataDir();
    const args = await withConfig(tmp.dir, 'pipeline:\n  processors:\n    - type: headSampling\n      probability: 0.5\n');
    const clew = await startClewProcess(tmp.dir, args);
    try {
      const TRACES = 300;
      const spans: ReadableSpan[] = recordSpans('sampled', (tracer) => {
        for (let i = 0; i < TRACES; i++) {
          tracer.startSpan(`op ${i}`, { kind: SpanKind.SERVER }).end();
        }
      });
      // Each trace gets a child too, so that consistency within a trace can be seen.
      const children = recordSpans('sampled', (tracer) => {
        for (const s of spans) {
          tracer.startSpan('child', {}, trace.setSpanContext(context.active(), s.spanContext())).end();
        }
      });
      expect((await exportWith(new HttpProtoExporter({ url: clew.otlpHttp }), [...spans, ...children])).code).toBe(0);
      const ids = spans.map((s) => s.spanContext().traceId);
      // The last trace is in or out; either way, once the store answers for the batch, every decision is made.
      let kept: string[] = [];
      for (let tries = 0; tries < 100; tries++) {
        const found = await getJson(`${clew.query}/api/clew/v1/search?service=sampled&limit=1000&start=0`);
        kept = found.body.traces.map((t: { traceId: string }) => t.traceId);
        if (kept.length > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Binomial(300, 0.5): 150 ± 8.7; the bounds are almost seven standard deviations out.
      expect(kept.length).toBeGreaterThan(90);
      expect(kept.length).toBeLessThan(210);
      expect(kept.every((id) => ids.includes(id))).toBe(true);
      const first = await getJson(`${clew.query}/api/v3/traces/${kept[0]}`);
      const stored = first.body.result.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans));
      expect(stored).toHaveLength(2);
      expect(stored.map((s: { traceState?: string }) => s.traceState)).toEqual(['ot=th:8', 'ot=th:8']);
      const metrics = await (await fetch(`${clew.query.replace(/\/$/, '')}/metrics`)).text();
      const dropped = Number(/clew_processor_spans_total\{processor="headSampling",outcome="dropped",reason="sampled_out"\} (\d+)/.exec(metrics)![1]);
      expect(dropped).toBe(2 * (TRACES - kept.length));
    } finally {
      expect(await clew.stop()).toBe(0);
      await tmp.cleanup();
    }
  });
});
