import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jaegerSpan } from '@clew/testing/jaeger-batches';
import { encodeEmitBatch, encodeJaegerBatch, jaegerTag } from '@clew/testing/jaeger-thrift-writer';
import type { JaegerBatch } from '@clew/codecs';
import { startClewProcess, tempDataDir, waitForTrace } from '@clew/testing/clew-process';
import { sendDatagram } from './testing/jaeger.js';

const tmp = await tempDataDir();
afterAll(() => tmp.cleanup());

/** A three-span trace (root, child, grandchild) of its own, starting now. */
function threeSpans(service: string): { batch: JaegerBatch; traceId: string } {
  const high = randomBytes(8);
  const traceIdHigh = high.readBigInt64BE(0);
  const start = BigInt(Date.now()) * 1000n;
  const spans = [1n, 2n, 3n].map((id) => jaegerSpan({ traceIdHigh, spanId: id, parentSpanId: id - 1n, startTime: start + id, duration: 10n, operationName: `step ${id}`, tags: [jaegerTag('step', id)] }));
  return { batch: { process: { serviceName: service, tags: [jaegerTag('hostname', 'h1')] }, spans }, traceId: high.toString('hex') + '0102030405060708' };
}

async function metricValue(query: string, series: string): Promise<number> {
  const text = await (await fetch(`${query}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function waitForMetric(query: string, series: string, value: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await metricValue(query, series)) !== value) {
    if (Date.now() > deadline) throw new Error(`${series} did not reach ${value}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Jaeger Thrift: acknowledged means durable, and a full pipeline pushes back', () => {
  it('HTTP and both agent ports survive kill -9 through the write-ahead log; past the queue limit HTTP gets 503 + Retry-After and UDP drops', async () => {
    // The store writer waits an hour to gather a batch, so accepted spans stay queued (and only in the log).
    const config = join(tmp.dir, 'slow-store.yaml');
    await writeFile(config, 'storage:\n  batchWait: 1h\n');
    const clew = await startClewProcess(join(tmp.dir, 'data'), ['--config', config, '--max-pending-spans', '9']);
    const http = threeSpans('wal-jaeger-http');
    const compact = threeSpans('wal-jaeger-compact');
    const binary = threeSpans('wal-jaeger-binary');
    const post = (batch: JaegerBatch) =>
      fetch(`${clew.jaegerThriftHttp}/api/traces`, { method: 'POST', headers: { 'content-type': 'application/x-thrift' }, body: encodeJaegerBatch(batch, 'binary') });

    expect((await post(http.batch)).status).toBe(202);
    await sendDatagram(clew.jaegerCompact, encodeEmitBatch(compact.batch, 'compact'));
    await waitForMetric(clew.query, 'clew_spans_accepted_total{protocol="jaeger_compact"}', 3);
    await sendDatagram(clew.jaegerBinary, encodeEmitBatch(binary.batch, 'binary'));
    await waitForMetric(clew.query, 'clew_spans_accepted_total{protocol="jaeger_binary"}', 3);

    // Nine spans queued: the limit.
    const full = await post(threeSpans('refused').batch);
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await full.text()).toMatch(/^ingest queue full \(9 of 9 spans waiting for the store\)/);
    await sendDatagram(clew.jaegerCompact, encodeEmitBatch(threeSpans('dropped').batch, 'compact'));
    await waitForMetric(clew.query, 'clew_requests_refused_total{protocol="jaeger_compact",reason="pipeline_full"}', 1);
    expect(await metricValue(clew.query, 'clew_spans_refused_total{protocol="jaeger_thrift_http",reason="pipeline_full"}')).toBe(3);
    await clew.kill();

    const again = await startClewProcess(join(tmp.dir, 'data'));
    try {
      for (const { traceId, batch } of [http, compact, binary]) {
        const trace = await waitForTrace(again.query, traceId, 3);
        expect(trace.spans.map((s: any) => s.operationName).sort()).toEqual(['step 1', 'step 2', 'step 3']);
        expect(trace.processes.p1).toEqual({ serviceName: batch.process.serviceName, tags: [{ key: 'host.name', type: 'string', value: 'h1' }] });
      }
      expect(again.logs.some((l) => l.msg === 'replayed the write-ahead log into the store' && l.spans === 9)).toBe(true);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
