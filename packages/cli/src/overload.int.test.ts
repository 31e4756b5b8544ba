import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startClewProcess, tempDataDir, waitForTrace } from '@clew/testing/clew-process';
import { postProto, traceOf } from '@clew/testing/payloads';

const tmp = await tempDataDir();
afterAll(() => tmp.cleanup());

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

describe('a flood is refused with 503 and Retry-After, memory stays bounded, nothing acknowledged is lost', () => {
  it('pushes back instead of growing', async () => {
    const clew = await startClewProcess(tmp.dir, ['--max-pending-spans', '4000']);
    try {
      const acked: string[] = [];
      let refused = 0;
      let retryAfter: string | null = null;
      let peakRss = 0;
      const deadline = Date.now() + 4000;
      const senders = Array.from({ length: 16 }, async () => {
        while (Date.now() < deadline) {
          const spans = traceOf(500, 'flood');
          const res = await postProto(clew.otlpHttp, spans);
          if (res.status === 200) acked.push(spans[0]!.traceId);
          else if (res.status === 503) {
            refused++;
            retryAfter = res.headers.get('retry-after');
          } else throw new Error(`unexpected status ${res.status}`);
          await res.arrayBuffer();
          peakRss = Math.max(peakRss, rssBytes(clew.child.pid!));
        }
      });
      await Promise.all(senders);
      expect(refused).toBeGreaterThan(0);
      expect(retryAfter).toMatch(/^\d+$/);
      expect(acked.length).toBeGreaterThan(0);
      // 4,000 queued spans plus 16 requests in flight is a few tens of MB; an unbounded queue would be far above.
      expect(peakRss).toBeLessThan(700 * 1024 * 1024);

      const metrics = await (await fetch(`${clew.query}/metrics`)).text();
      expect(metrics).toMatch(/clew_requests_refused_total\{protocol="otlp_http",reason="pipeline_full"\} [1-9]/);
      expect(metrics).toContain(`clew_spans_refused_total{protocol="otlp_http",reason="pipeline_full"} ${refused * 500}`);

      for (const id of acked) await waitForTrace(clew.query, id, 500);
    } finally {
      await clew.stop();
    }
  });
});
