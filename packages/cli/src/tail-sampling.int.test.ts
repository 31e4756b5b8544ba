import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { getJson, startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { exportWith, recordSpans } from './testing/otel.js';

const SERVICE = 'tail-test';
type Kind = 'normal' | 'error' | 'slow';

/** One trace of the given kind: a server span and a client child; errors fail the child, slow ones take 600 ms. */
function traceOf(kind: Kind, i: number): ReadableSpan[] {
  return recordSpans(SERVICE, (tracer) => {
    const start = Date.now();
    const root = tracer.startSpan(`GET /item/${i % 7}`, { kind: SpanKind.SERVER, startTime: start });
    const child = tracer.startSpan('SELECT item', { kind: SpanKind.CLIENT, startTime: start + 1 }, trace.setSpan(context.active(), root));
    if (kind === 'error') child.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    child.end(start + 3);
    root.end(start + (kind === 'slow' ? 600 : 5));
  });
}

const traceIdOf = (spans: ReadableSpan[]) => spans[0]!.spanContext().traceId;
const stored = async (query: string, id: string) => (await getJson(`${query}/api/traces/${id}`)).status === 200;

async function configure(dir: string, decisionWait: string): Promise<string[]> {
  const file = join(dir, 'clew.yaml');
  await writeFile(
    file,
    `pipeline:
  tailSampling:
    decisionWait: ${decisionWait}
    policies:
      - { type: error }
      - { type: latency, threshold: 500ms }
      - { type: rate, name: baseline, tracesPerSecond: 2, burst: 2 }
`,
  );
  return ['--config', file];
}

describe('tail sampling with real OTLP traffic', () => {
  it('keeps every error and every slow trace, and about the baseline rate of the rest', async () => {
    const tmp = await tempDataDir();
    const clew = await startClewProcess(tmp.dir, await configure(tmp.dir, '1s'));
    try {
      const exporter = new HttpProtoExporter({ url: clew.otlpHttp });
      const sent: Record<Kind, string[]> = { normal: [], error: [], slow: [] };
      // 1,000 traces over about 20 s, of which 1% fail and 1% are slow, in requests of 10.
      const began = Date.now();
      for (let batch = 0; batch < 100; batch++) {
        const spans: ReadableSpan[] = [];
        for (let j = 0; j < 10; j++) {
          const i = batch * 10 + j;
          const kind: Kind = i % 100 === 37 ? 'error' : i % 100 === 71 ? 'slow' : 'normal';
          const t = traceOf(kind, i);
          sent[kind].push(traceIdOf(t));
          spans.push(...t);
        }
        expect((await exportWith(exporter, spans)).code).toBe(0);
        await new Promise((r) => setTimeout(r, Math.max(0, began + (batch + 1) * 200 - Date.now())));
      }
      const sentFor = (Date.now() - began) / 1000;
      await exporter.shutdown();
      expect([sent.error.length, sent.slow.length, sent.normal.length]).toEqual([10, 10, 980]);

      // Every trace is decided within the decision wait after its last span, and written at the store writer's next
      // turn: wait until every span is counted kept or dropped, and the store holds every kept trace (two spans each).
      const kept = async () => (await getJson(`${clew.query}/api/clew/v1/search?service=${SERVICE}&start=0&limit=1000`)).body.traces.map((t: { traceId: string }) => t.traceId) as string[];
      const decided = async () => {
        const text = await (await fetch(`${clew.query}/metrics`)).text();
        const sum = (outcome: string) =>
          [...text.matchAll(new RegExp(`^clew_tail_sampling_spans_total\\{outcome="${outcome}"[^}]*\\} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
        return { kept: sum('kept'), dropped: sum('dropped') };
      };
      let ids: string[] = [];
      for (const deadline = Date.now() + 30_000; ; ) {
        const d = await decided();
        ids = await kept();
        if (d.kept + d.dropped === 2 * 1000 && ids.length === d.kept / 2) break;
        if (Date.now() > deadline) throw new Error(`not settled: ${d.kept} spans kept, ${d.dropped} dropped, ${ids.length} traces stored`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(sent.error.filter((id) => !ids.includes(id))).toEqual([]);
      expect(sent.slow.filter((id) => !ids.includes(id))).toEqual([]);
      const baseline = sent.normal.filter((id) => ids.includes(id)).length;
      // A token bucket of 2 a second with a burst of 2, spent as the traces are decided: over the ~20 s the traffic
      // lasted, give or take a second at each end for the decision wait and the writer's turns.
      expect(baseline).toBeGreaterThanOrEqual(Math.floor(2 * (sentFor - 1)));
      expect(baseline).toBeLessThanOrEqual(Math.ceil(2 + 2 * (sentFor + 2)));
      const metrics = await (await fetch(`${clew.query}/metrics`)).text();
      expect(metrics).toMatch(/clew_tail_sampling_spans_total\{outcome="dropped",policy="baseline",reason="rate_limited"\} \d+/);
      // Every span the SDK sent is counted: kept, dropped, or still held (none, by now).
      const total = [...metrics.matchAll(/^clew_tail_sampling_spans_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
      expect(total).toBe(2 * 1000);
    } finally {
      expect(await clew.stop()).toBe(0);
      await tmp.cleanup();
    }
  }, 90_000);

  it('loses no acknowledged trace the policies keep when Clew is killed while it holds it', async () => {
    const tmp = await tempDataDir();
    const args = await configure(tmp.dir, '3s');
    const clew = await startClewProcess(tmp.dir, args);
    const failed = Array.from({ length: 20 }, (_, i) => traceOf('error', i));
    try {
      const exporter = new HttpProtoExporter({ url: clew.otlpHttp });
      expect((await exportWith(exporter, failed.flat())).code).toBe(0);
      await exporter.shutdown();
      // Held for 3 s after the acknowledgement: not decided, not in the store.
      expect(await stored(clew.query, traceIdOf(failed[0]!))).toBe(false);
    } finally {
      await clew.kill();
    }
    const again = await startClewProcess(tmp.dir, args);
    try {
      // The replayed traces wait their 3 s again before they are decided: look for them all at once, for up to 30 s.
      const want = failed.map(traceIdOf);
      let missing = want;
      for (const deadline = Date.now() + 30_000; missing.length > 0 && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 250));
        const found = await getJson(`${again.query}/api/clew/v1/search?service=${SERVICE}&start=0&limit=1000`);
        const ids = new Set(found.body.traces.map((t: { traceId: string }) => t.traceId));
        missing = want.filter((id) => !ids.has(id));
      }
      expect(missing).toEqual([]);
      const first = await getJson(`${again.query}/api/traces/${traceIdOf(failed[0]!)}`);
      expect(first.body.data[0].spans).toHaveLength(2);
    } finally {
      expect(await again.stop()).toBe(0);
      await tmp.cleanup();
    }
  }, 90_000);
});
