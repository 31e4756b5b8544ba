import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOtlpProto } from '@clew/codecs';
import { encodeExportRequests } from '@clew/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Checkpoint } from './import-checkpoint.js';
import { checkpointPath } from './import-checkpoint.js';
import { importFile } from './import.js';
import { clewTarget } from './import-targets.js';
import { daySpans } from './testing/export-spans.js';

describe('clew import through a Clew that refuses a request as too large (413)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-import-413-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves the batch in doubt when its first half went in and the second found no Clew (it went away between them)', async () => {
    // A Clew gone away mid-batch cannot be had on cue: a plain HTTP server plays one that takes requests up to 20 KB,
    // keeps the first that fits, and stops listening before answering it.
    const received: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        const body = Buffer.concat(chunks);
        if (body.length > 20_000) return void res.writeHead(413).end('request body is larger than the limit');
        received.push(...decodeOtlpProto(body).spans.map((s) => s.spanId));
        server.close();
        res.writeHead(200, { 'content-type': 'application/x-protobuf', connection: 'close' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const file = join(dir, 'one-request.pb');
    await writeFile(file, encodeExportRequests(daySpans(3, 300).slice(0, 1000), 'protobuf')[0]!);
    const target = clewTarget({ query: base, otlp: `${base}/v1/traces` });
    await expect(importFile(file, target, { batchSpans: 5000, out: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream })).rejects.toThrow(/cannot reach/);
    expect(received.length).toBeGreaterThan(0);
    // Not "nothing written": a run after it checks the Clew for the batch's spans before sending any again.
    const c = JSON.parse(await readFile(checkpointPath(file), 'utf8')) as Checkpoint;
    expect(c.done.offset).toBe(0);
    expect(c.inDoubt?.from.offset).toBe(0);
  });
});
