import { describe, expect, it } from 'vitest';
import { encodeExportRequests } from '@clew/server';
import { ExportFrames } from './export-count.js';
import { daySpans } from './testing/export-spans.js';

describe('ExportFrames splits an export route answer into its requests as it streams by', () => {
  const spans = daySpans(4, 900); // 2,700 spans: three requests, the last one short
  const requests = encodeExportRequests(spans, 'protobuf');
  const body = Buffer.concat(requests);
  it.each([3, 4096, 65_536, body.length])('in chunks of %i bytes: every request whole, every span counted', (size) => {
    const frames = new ExportFrames();
    const whole: Buffer[] = [];
    for (let i = 0; i < body.length; i += size) whole.push(...frames.push(body.subarray(i, i + size)));
    expect(whole).toEqual(requests);
    expect(frames.spans).toBe(spans.length);
    expect(frames.partial).toBe(0);
  });

  it('says how much of a request an answer cut short holds', () => {
    const frames = new ExportFrames();
    const cut = requests[0]!.length + 10;
    expect(frames.push(body.subarray(0, cut))).toEqual([requests[0]]);
    expect(frames.partial).toBe(10);
  });
});
