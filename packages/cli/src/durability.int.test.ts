import { afterAll, describe, expect, it } from 'vitest';
import { getJson, startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { postProto, traceOf } from '@clew/testing/payloads';

const tmp = await tempDataDir();
afterAll(() => tmp.cleanup());

describe('a 200 means durable', () => {
  it('every span acknowledged before kill -9 is there after a restart', async () => {
    const clew = await startClewProcess(tmp.dir);
    const acked: Array<{ traceId: string; spans: number }> = [];
    let stop = false;
    // Eight senders in parallel, each a trace of 40 spans per request, until the kill.
    const senders = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const spans = traceOf(40, 'durable');
        const res = await postProto(clew.otlpHttp, spans).catch(() => undefined);
        if (res?.status === 200) acked.push({ traceId: spans[0]!.traceId, spans: spans.length });
      }
    });
    // Let the store writer take some batches and leave others in flight, then pull the plug.
    while (acked.length < 300) await new Promise((r) => setTimeout(r, 20));
    await clew.kill();
    stop = true;
    await Promise.all(senders);
    expect(acked.length).toBeGreaterThanOrEqual(300);

    const again = await startClewProcess(tmp.dir);
    try {
      let missing = 0;
      for (const { traceId, spans } of acked) {
        const res = await getJson(`${again.query}/api/traces/${traceId}`);
        if (res.status !== 200 || res.body.data[0].spans.length !== spans) missing++;
      }
      expect(missing).toBe(0);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
