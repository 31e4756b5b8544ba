import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeZipkinProto3 } from '@clew/testing/zipkin-proto3';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { waitForZipkinTrace } from './testing/zipkin.js';

const tmp = await tempDataDir();
afterAll(() => tmp.cleanup());

describe('a Zipkin 202 means durable', () => {
  it('spans acknowledged but not yet in the store survive kill -9: the write-ahead log replays them', async () => {
    // The store writer waits an hour to gather a batch, so acknowledged spans are only in the write-ahead log.
    const config = join(tmp.dir, 'slow-store.yaml');
    await writeFile(config, 'storage:\n  batchWait: 1h\n');
    const clew = await startClewProcess(join(tmp.dir, 'data'), ['--config', config]);
    const now = Date.now() * 1000;
    const traces = ['json', 'proto', 'v1'].map((_, i) => `${(0xd0 + i).toString(16)}${'0'.repeat(13)}1`);
    const span = (traceId: string) => ({ traceId, id: 'c0ffee0000000001', name: 'durable', timestamp: now, duration: 10, localEndpoint: { serviceName: 'wal-zipkin' } });
    const posts = [
      fetch(`${clew.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([span(traces[0]!)]) }),
      fetch(`${clew.zipkin}/api/v2/spans`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: encodeZipkinProto3([
          { traceId: Buffer.from(traces[1]!, 'hex'), id: Buffer.from('c0ffee0000000001', 'hex'), name: 'durable', timestamp: now, duration: 10, localEndpoint: { serviceName: 'wal-zipkin' } },
        ]),
      }),
      fetch(`${clew.zipkin}/api/v1/spans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ ...span(traces[2]!), localEndpoint: undefined, binaryAnnotations: [{ key: 'lc', value: 'job', endpoint: { serviceName: 'wal-zipkin' } }] }]),
      }),
    ];
    for (const res of await Promise.all(posts)) expect(res.status).toBe(202);
    expect((await fetch(`${clew.zipkin}/api/v2/trace/${traces[0]}`)).status).toBe(404); // not in the store yet
    await clew.kill();

    const again = await startClewProcess(join(tmp.dir, 'data'));
    try {
      for (const traceId of traces) {
        const [back] = await waitForZipkinTrace(again.zipkin, traceId, 1);
        expect(back).toMatchObject({ traceId, id: 'c0ffee0000000001', name: 'durable', timestamp: now, duration: 10, localEndpoint: { serviceName: 'wal-zipkin' } });
      }
      expect(again.logs.some((l) => l.msg === 'replayed the write-ahead log into the store' && l.spans === 3)).toBe(true);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
