import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_WINDOW, unzstd, ZstdError, ZstdStream } from './zstd-frames.js';

/** Compressed by Debian's zstd command (with its content checksum, as it writes by default). */
const zstd = (bytes: Buffer, ...flags: string[]): Buffer => execFileSync('zstd', ['-q', '-c', ...flags], { input: bytes, maxBuffer: 1 << 28 });

/** 1.5 MB of lines that do not repeat much: several blocks. */
const CONTENT = Buffer.from(Array.from({ length: 150_000 }, (_, i) => `${i.toString(36)}:${(i * 7919) % 1000}\n`).join(''));

/** Byte for byte (vitest's deep equality walks a buffer element by element). */
const same = (got: Buffer, want: Buffer): void => {
  expect(got.length).toBe(want.length);
  expect(Buffer.compare(got, want)).toBe(0);
};

async function pushed(bytes: Buffer, pieces: number, limit?: number): Promise<{ content: Buffer; cut: boolean; beforeFirst: boolean }> {
  const parts: Uint8Array[] = [];
  const stream = await ZstdStream.create((c) => parts.push(c), limit);
  const step = Math.ceil(bytes.length / pieces);
  for (let at = 0; at < bytes.length; at += step) stream.push(bytes.subarray(at, at + step));
  return { content: Buffer.concat(parts), cut: stream.end(), beforeFirst: stream.endsBeforeFirstFrame() };
}

describe('zstd, frame by frame, with what fzstd does not check', () => {
  it('frames one after another, skippable frames, pushed in any pieces: the content as the zstd command gives it', async () => {
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const bytes = Buffer.concat([skippable, zstd(CONTENT.subarray(0, 700_000)), zstd(CONTENT.subarray(700_000), '--no-check'), skippable]);
    for (const pieces of [1, 7, 1000]) {
      const { content, cut } = await pushed(bytes, pieces);
      same(content, CONTENT);
      expect(cut).toBe(false);
    }
  });

  it("pzstd's files: cut right after the skippable frame at their start (it gives the size of the frame after it)", async () => {
    const whole = execFileSync('pzstd', ['-q', '-c', '-p', '1'], { input: CONTENT, maxBuffer: 1 << 28 });
    // pzstd's skippable frame first: magic 0x184D2A50, four bytes, the size of the frame they come before.
    expect([...whole.subarray(0, 8)]).toEqual([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0]);
    const read = await pushed(whole, 5);
    same(read.content, CONTENT);
    expect(read).toMatchObject({ cut: false, beforeFirst: false });
    expect(await pushed(whole.subarray(0, 12), 1)).toMatchObject({ content: Buffer.alloc(0), cut: false, beforeFirst: true });
    // A request held whole (with its length) is not a file being written: read as nothing.
    expect((await unzstd(whole.subarray(0, 12), Infinity)).length).toBe(0);
    // A frame first, then a skippable frame of that shape: another writer's end of file, not a promise.
    const shaped = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 0x20, 0, 0, 0]);
    expect(await pushed(Buffer.concat([zstd(Buffer.alloc(0)), shaped]), 1)).toMatchObject({ cut: false, beforeFirst: false });
    // Announcing fewer bytes than a frame can be: not pzstd's.
    expect(await pushed(Buffer.from([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 3, 0, 0, 0]), 1)).toMatchObject({ cut: false, beforeFirst: false });
    // Other skippable frames announce nothing (the seekable format's seek table ends a file with one).
    const table = Buffer.from([0x5e, 0x2a, 0x4d, 0x18, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0xb1, 0xea, 0x92, 0x8f]);
    expect(await pushed(Buffer.concat([zstd(CONTENT), table]), 3)).toMatchObject({ cut: false, beforeFirst: false });
    expect(await pushed(table, 1)).toMatchObject({ cut: false, beforeFirst: false });
  });

  it('a frame whose content does not match its checksum is damaged; one cut short ends at its last whole block', async () => {
    const whole = zstd(CONTENT);
    // The checksum itself damaged: fzstd gives the content without a word.
    const flipped = Buffer.from(whole);
    flipped[whole.length - 2]! ^= 0x10;
    await expect(unzstd(flipped, Infinity)).rejects.toThrow(/the frame ending at byte \d+ of the compressed bytes does not match its checksum: it is damaged/);
    const { content, cut } = await pushed(whole.subarray(0, whole.length >> 1), 3);
    expect(cut).toBe(true);
    same(content, CONTENT.subarray(0, content.length));
    await expect(unzstd(whole.subarray(0, whole.length >> 1), Infinity)).rejects.toThrow(/cut short/);
  });

  it('refuses, saying what to do: a dictionary, a window past MAX_WINDOW; and stops past the limit it is given', async () => {
    const magic = [0x28, 0xb5, 0x2f, 0xfd];
    // Frame header: dictionary id of one byte (flag 1), a window descriptor of 1 MiB (exponent 10).
    const dict = Buffer.from([...magic, 0x01, 10 << 3, 0x2a]);
    await expect(unzstd(dict, Infinity)).rejects.toThrow(/compressed with a zstd dictionary \(id 42\).*zstd -d -D/);
    // A window of 1 GiB (exponent 20).
    const wide = Buffer.from([...magic, 0x00, 20 << 3]);
    expect(2 ** 30).toBeGreaterThan(MAX_WINDOW);
    await expect(unzstd(wide, Infinity)).rejects.toThrow(/its zstd window is 1024 MiB.*zstd -d --long=31/);
    const refused = await unzstd(wide, Infinity).catch((e: unknown) => e);
    expect(refused instanceof ZstdError && refused.refused).toBe(true);
    // Its header says how much it holds (the zstd command writes it for input of a size it is told), or its blocks do.
    const measured = zstd(CONTENT, `--stream-size=${CONTENT.length}`);
    await expect(unzstd(measured, 1000)).rejects.toThrow(/says it holds 1\d+ bytes, past the 1000/);
    const piped = Buffer.concat([zstd(CONTENT.subarray(0, 200_000)), zstd(CONTENT.subarray(200_000))]);
    await expect(unzstd(piped, 250_000)).rejects.toThrow(/past the 250000/);
  });

  it('frames of a few bytes, with a checksum or without, between others: each gives its content', async () => {
    const bytes = Buffer.concat([zstd(Buffer.from('a')), zstd(Buffer.from('\n')), zstd(Buffer.from('b\n'), '--no-check'), zstd(Buffer.alloc(0)), zstd(Buffer.from('x'.repeat(100_000)))]);
    for (const pieces of [1, 5, bytes.length]) {
      const { content, cut } = await pushed(bytes, pieces);
      expect(content.toString()).toBe(`a\nb\n${'x'.repeat(100_000)}`);
      expect(cut).toBe(false);
    }
  });

  it('bytes that are not zstd are said so, with where', async () => {
    const bytes = Buffer.concat([zstd(CONTENT.subarray(0, 1000)), Buffer.alloc(16)]);
    await expect(unzstd(bytes, Infinity)).rejects.toThrow(/not zstd at byte \d+/);
  });
});
