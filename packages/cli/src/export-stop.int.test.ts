import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openDuckDBStore } from '@clew/storage';
import type { UnixNanos } from '@clew/model';
import { tempDataDir } from '@clew/testing/clew-process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSpans } from './export.js';
import { DAY, daySpans } from './testing/export-spans.js';

let tmp: { dir: string; cleanup(): Promise<void> };
const SPANS = daySpans(21, 1000); // 3,000 spans: several of the store scan's pages
const WINDOW = { start: DAY, end: (DAY + 2n * 86_400_000_000_000n) as UnixNanos };

beforeAll(async () => {
  tmp = await tempDataDir();
  const store = await openDuckDBStore({ dir: join(tmp.dir, 'data', 'store') });
  await store.append(SPANS);
  await store.close();
});
afterAll(async () => {
  await tmp?.cleanup();
});

/** Counts the bytes written, and fails the write after `failAfter` writes. */
function output(failAfter = Infinity): Writable & { writes: number } {
  const out = new Writable({
    write(_chunk, _enc, done) {
      out.writes++;
      done(out.writes > failAfter ? new Error('disk full') : null);
    },
  }) as Writable & { writes: number };
  out.writes = 0;
  return out;
}

describe('clew export -d, reading the next page ahead', () => {
  it('stops at a failed write with its error (the page read ahead is let go, the store closed), and the next export is whole', async () => {
    const failing = output(1);
    failing.on('error', () => undefined);
    await expect(exportSpans({ dataDir: join(tmp.dir, 'data') }, { ...WINDOW, format: 'json' }, failing)).rejects.toThrow('disk full');
    expect(failing.writes).toBe(2);

    const whole = output();
    expect(await exportSpans({ dataDir: join(tmp.dir, 'data') }, { ...WINDOW, format: 'protobuf' }, whole)).toBe(SPANS.length);
    expect(whole.writes).toBeGreaterThan(2);
  });
});
