import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Compression } from './import-source.js';
import { compressionOf, openSource, readWhole } from './import-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 3 MB that do not repeat much (several of zstd's blocks, several reads). */
const CONTENT = Buffer.from(Array.from({ length: 300_000 }, (_, i) => `${i.toString(36)}:${(i * 7919) % 1000}\n`).join(''));
const zstd = (bytes: Buffer): Buffer => execFileSync('zstd', ['-q', '-c'], { input: bytes, maxBuffer: 1 << 30 });

/** Byte for byte (vitest's deep equality walks a buffer element by element). */
const same = (got: Buffer, want: Buffer): void => {
  expect(got.length).toBe(want.length);
  expect(Buffer.compare(got, want)).toBe(0);
};

async function fileOf(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('the bytes of a file compressed as a whole, read by position', () => {
  for (const [compression, compress] of [['gzip', gzipSync], ['zstd', zstd]] as const) {
    it(`${compression}: told from its first bytes; read forward, skipped ahead, and read again from before`, async () => {
      const compressed = compress(CONTENT);
      expect(compressionOf(compressed.subarray(0, 16))).toBe(compression);
      const source = await openSource(await fileOf(`c.${compression}`, compressed), compression as Compression);
      try {
        expect(await source.size()).toBe(Infinity);
        const at = async (position: number, length: number) => {
          const buf = Buffer.alloc(length);
          return buf.subarray(0, await source.read(buf, 0, length, position));
        };
        same(await at(0, 10), CONTENT.subarray(0, 10));
        // Across the decompressor's chunks, and skipping ahead.
        same(await at(10, 1_500_000), CONTENT.subarray(10, 1_500_010));
        same(await at(2_000_000, 100), CONTENT.subarray(2_000_000, 2_000_100));
        // Back before what was read last: decompressed again from the start.
        same(await at(5, 20), CONTENT.subarray(5, 25));
        // Past the end: what there is, then nothing; its size is then known.
        same(await at(CONTENT.length - 3, 100), CONTENT.subarray(CONTENT.length - 3));
        expect(await at(CONTENT.length, 100)).toHaveLength(0);
        expect(await source.size()).toBe(CONTENT.length);
        expect(source.cutShort()).toBe(false);
        expect(source.fileBytes(CONTENT.length)).toBe(compressed.length);
      } finally {
        await source.close();
      }
    });

    it(`${compression}: cut short, its bytes end where its last whole block does, and it says so`, async () => {
      const compressed = compress(CONTENT);
      const source = await openSource(await fileOf(`cut.${compression}`, compressed.subarray(0, compressed.length >> 1)), compression as Compression);
      try {
        const read = await readWhole(source);
        expect(read.length).toBeGreaterThan(0);
        expect(read.length).toBeLessThan(CONTENT.length);
        same(read, CONTENT.subarray(0, read.length));
        expect(source.cutShort()).toBe(true);
      } finally {
        await source.close();
      }
    });
  }

  it('a file whose requests are each compressed: told by the zstd frame after the length; a plain file is not compressed', () => {
    const frame = zstd(Buffer.from('{"resourceSpans":[]}'));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(frame.length);
    expect(compressionOf(Buffer.concat([length, frame]))).toBe('zstd-each');
    expect(compressionOf(Buffer.from('{"resourceSpans":[]}\n'))).toBeNull();
    expect(compressionOf(Buffer.from([0, 0, 0, 2, 0x0a, 0]))).toBeNull();
  });
});
