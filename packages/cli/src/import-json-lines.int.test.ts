import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import type * as JsonLines from './import-json-lines.js';

/** The ids of this process's threads. */
const threads = (): Set<number> => new Set(readdirSync('/proc/self/task').map(Number));

describe('the decoding thread of an OTLP JSON lines import', () => {
  // Thread priorities by thread id are Linux's; elsewhere the thread keeps the process's.
  it.runIf(process.platform === 'linux')('runs ten steps of nice below the importing thread, which the import waits for', async () => {
    // The built module: the thread runs dist/import-json-worker.js, as `clew import` does.
    const { JsonLinesDecoder } = (await import(new URL('../dist/import-json-lines.js', import.meta.url).href)) as typeof JsonLines;
    const base = getPriority();
    const before = threads();
    const decoder = new JsonLinesDecoder<number>();
    try {
      const line = Buffer.from('{"resourceSpans":[]}');
      const bytes = new Uint8Array(line.length);
      bytes.set(line);
      decoder.add(bytes, [{ from: 0, to: bytes.length, meta: 1 }]);
      // Answered: the thread has run its module, then this job.
      const [answer] = await decoder.take();
      expect(answer!.error).toBeUndefined();
      expect(answer!.decoded!.spans).toEqual([]);
      const started = [...threads()].filter((t) => !before.has(t));
      expect(started.map((t) => getPriority(t))).toContain(Math.min(19, base + 10));
      // This thread, the importing one, is left as it was.
      expect(getPriority()).toBe(base);
    } finally {
      await decoder.close();
    }
  });
});
