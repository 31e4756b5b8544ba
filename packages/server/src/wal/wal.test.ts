import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WalRecord } from './record.js';
import { encodeRecord, HEADER_BYTES, PayloadFormat } from './record.js';
import type { WalOptions } from './wal.js';
import { WriteAheadLog } from './wal.js';

const { OTLP_PROTO, OTLP_JSON, ZIPKIN_JSON, JAEGER_AGENT_COMPACT } = PayloadFormat;

/** A record to append: its format and its payload as text. */
type Entry = readonly [PayloadFormat, string];

/** The bytes one record takes in a segment, built from the record layout (record.test.ts draws it). */
const recordBytes = (seq: number, format: number, payload: string): Buffer =>
  Buffer.concat(encodeRecord(BigInt(seq), format as PayloadFormat, Buffer.from(payload)));

/** A segment file's name: the sequence number of its first record, 20 digits. */
const segment = (firstSeq: number) => `${String(firstSeq).padStart(20, '0')}.wal`;

/** Replayed records as [seq, format, payload text]. */
const seen = (records: readonly WalRecord[]) => records.map((r) => [Number(r.seq), r.format, Buffer.from(r.payload).toString()]);

let dir: string;
const opened: WriteAheadLog[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-wal-'));
});

afterEach(async () => {
  for (const wal of opened.splice(0)) await wal.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens the log in the test's directory; closed after the test. */
async function open(after = 0, opts: Partial<WalOptions> = {}) {
  const result = await WriteAheadLog.open({ dir, ...opts }, BigInt(after));
  opened.push(result.wal);
  return result;
}

/** Appends the entries one after another (each durable before the next) and returns their sequence numbers. */
async function appendAll(wal: WriteAheadLog, entries: readonly Entry[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const [format, payload] of entries) seqs.push(Number(await wal.append(format, Buffer.from(payload))));
  return seqs;
}

/** Writes a log with these entries and closes it. */
async function writeLog(entries: readonly Entry[], opts: Partial<WalOptions> = {}): Promise<void> {
  const { wal } = await WriteAheadLog.open({ dir, ...opts }, 0n);
  await appendAll(wal, entries);
  await wal.close();
}

const files = async () => (await readdir(dir)).sort();
const bytesOf = (name: string) => readFile(join(dir, name));

// Records of five payload bytes: 22 bytes each, so a segment of 44 bytes holds two.
const FIVE: readonly Entry[] = [
  [OTLP_PROTO, 'one..'],
  [OTLP_JSON, 'two..'],
  [ZIPKIN_JSON, 'three'],
  [JAEGER_AGENT_COMPACT, 'four.'],
  [OTLP_PROTO, 'five.'],
];
const RECORD = HEADER_BYTES + 5;
const TWO_PER_SEGMENT = { segmentBytes: 2 * RECORD };

describe('append and reopen', () => {
  it('starts empty, numbering from 1', async () => {
    const { wal, replay } = await open();
    expect(replay).toEqual([]);
    expect(await appendAll(wal, [[OTLP_PROTO, 'a']])).toEqual([1]);
  });

  it('gives back every record in order, with its sequence number and format', async () => {
    await writeLog(FIVE);
    const { replay } = await open();
    expect(seen(replay)).toEqual(FIVE.map(([format, payload], i) => [i + 1, format, payload]));
  });

  it('gives back each record with the tenant it was appended for', async () => {
    const { wal } = await open();
    await wal.append(OTLP_PROTO, Buffer.from('a'), 'team-a');
    await wal.append(OTLP_JSON, Buffer.from('b'));
    await wal.append(ZIPKIN_JSON, Buffer.from('c'), 'team-b');
    await wal.close();
    expect((await open()).replay.map((r) => [Number(r.seq), r.tenant, Buffer.from(r.payload).toString()])).toEqual([
      [1, 'team-a', 'a'],
      [2, 'default', 'b'],
      [3, 'team-b', 'c'],
    ]);
  });

  it('writes the records one after another in a segment named by the first sequence number', async () => {
    await writeLog(FIVE.slice(0, 3));
    expect(await files()).toEqual([segment(1)]);
    expect(await bytesOf(segment(1))).toEqual(Buffer.concat(FIVE.slice(0, 3).map(([f, p], i) => recordBytes(i + 1, f, p))));
  });

  it('numbers concurrent appends in call order', async () => {
    const { wal } = await open();
    const seqs = await Promise.all(FIVE.map(([format, payload]) => wal.append(format, Buffer.from(payload))));
    expect(seqs).toEqual([1n, 2n, 3n, 4n, 5n]);
    await wal.close();
    expect(seen((await open()).replay)).toEqual(FIVE.map(([format, payload], i) => [i + 1, format, payload]));
  });

  it('goes on numbering after the last record, in a new segment', async () => {
    await writeLog(FIVE.slice(0, 2));
    const { wal } = await open();
    expect(await appendAll(wal, [[OTLP_JSON, 'six..']])).toEqual([3]);
    await wal.close();
    expect(await files()).toEqual([segment(1), segment(3)]);
    expect(await bytesOf(segment(3))).toEqual(recordBytes(3, OTLP_JSON, 'six..'));
    expect(seen((await open()).replay).map(([seq]) => seq)).toEqual([1, 2, 3]);
  });

  it('waits on close for appends in flight, and refuses appends after it', async () => {
    const { wal } = await open();
    const pending = wal.append(OTLP_PROTO, Buffer.from('last'));
    await wal.close();
    expect(await pending).toBe(1n);
    await expect(wal.append(OTLP_PROTO, Buffer.from('late'))).rejects.toThrow('write-ahead log is closed');
    expect(seen((await open()).replay)).toEqual([[1, OTLP_PROTO, 'last']]);
  });
});

describe('a torn tail', () => {
  // one..  two..  three: the third record loses its end in a crash, at every byte inside it.
  const whole = Buffer.concat(FIVE.slice(0, 3).map(([f, p], i) => recordBytes(i + 1, f, p)));
  const validPrefix = 2 * RECORD;
  const cuts = Array.from({ length: RECORD - 1 }, (_, i) => validPrefix + 1 + i);

  it.each(cuts)('cut at byte %i: the torn record is cut off, the others replay, the next append follows them', async (cut) => {
    await writeFile(join(dir, segment(1)), whole.subarray(0, cut));

    const { wal, replay } = await open();
    expect(seen(replay)).toEqual([
      [1, OTLP_PROTO, 'one..'],
      [2, OTLP_JSON, 'two..'],
    ]);
    expect(await bytesOf(segment(1))).toEqual(whole.subarray(0, validPrefix));

    // The torn record was never acknowledged, so its number goes to the next record, in the next segment.
    expect(await appendAll(wal, [[OTLP_JSON, 'again']])).toEqual([3]);
    await wal.close();
    expect(await files()).toEqual([segment(1), segment(3)]);
    expect(await bytesOf(segment(1))).toEqual(whole.subarray(0, validPrefix));
    expect(await bytesOf(segment(3))).toEqual(recordBytes(3, OTLP_JSON, 'again'));
    expect(seen((await open()).replay).map(([seq, , p]) => `${seq} ${p}`)).toEqual(['1 one..', '2 two..', '3 again']);
  });

  it.each(Array.from({ length: RECORD - 1 }, (_, i) => i + 1))(
    'a segment whose only record is torn after %i bytes is emptied, and the next append starts it again',
    async (cut) => {
      await writeFile(join(dir, segment(1)), recordBytes(1, OTLP_PROTO, 'one..').subarray(0, cut));

      const { wal, replay } = await open();
      expect(replay).toEqual([]);
      expect(await bytesOf(segment(1))).toEqual(Buffer.alloc(0));

      expect(await appendAll(wal, [[OTLP_JSON, 'again']])).toEqual([1]);
      await wal.close();
      expect(await files()).toEqual([segment(1)]);
      expect(await bytesOf(segment(1))).toEqual(recordBytes(1, OTLP_JSON, 'again'));
    },
  );
});

describe('a corrupt record before the tail', () => {
  // one..  two..  three  four.   (one segment); a byte of the second record goes bad.
  const start = RECORD;
  it.each([
    ['its payload', start + HEADER_BYTES + 2],
    ['its length', start],
    ['its checksum', start + 4],
    ['its sequence number', start + 8],
    ['its format byte', start + 16],
  ])(
    'a flipped byte in %s: open skips that record, says where, replays the intact ones after it, and never reuses their numbers',
    async (_where, at) => {
      await writeLog(FIVE.slice(0, 4));
      const bytes = await bytesOf(segment(1));
      bytes[at] ^= 0xff;
      await writeFile(join(dir, segment(1)), bytes);

      const { wal, replay, damaged } = await open();
      expect(seen(replay)).toEqual([
        [1, OTLP_PROTO, 'one..'],
        [3, ZIPKIN_JSON, 'three'],
        [4, JAEGER_AGENT_COMPACT, 'four.'],
      ]);
      expect(damaged).toEqual([{ segment: segment(1), offset: RECORD, bytes: RECORD }]);
      // The file is left as it was: nothing intact is cut off.
      expect(await bytesOf(segment(1))).toEqual(bytes);
      expect(await appendAll(wal, [[OTLP_JSON, 'next.']])).toEqual([5]);
    },
  );

  it.each([0, 9, 255])('a record with format byte %i (checksum right) is skipped the same way', async (format) => {
    const first = recordBytes(1, OTLP_PROTO, 'one..');
    await writeFile(join(dir, segment(1)), Buffer.concat([first, recordBytes(2, format, 'two..'), recordBytes(3, OTLP_PROTO, 'three')]));

    const { replay, damaged } = await open();
    expect(seen(replay)).toEqual([
      [1, OTLP_PROTO, 'one..'],
      [3, OTLP_PROTO, 'three'],
    ]);
    expect(damaged).toEqual([{ segment: segment(1), offset: RECORD, bytes: RECORD }]);
  });

  it('in an earlier segment: only the damaged record is lost, and every later one replays', async () => {
    // [one.. two..] [three four.] [five.]: the third record goes bad.
    await writeLog(FIVE, TWO_PER_SEGMENT);
    const bytes = await bytesOf(segment(3));
    bytes[HEADER_BYTES] ^= 0xff;
    await writeFile(join(dir, segment(3)), bytes);

    const { wal, replay } = await open(0, TWO_PER_SEGMENT);
    expect(seen(replay).map(([seq]) => seq)).toEqual([1, 2, 4, 5]);
    expect(await bytesOf(segment(3))).toEqual(bytes);
    expect(await appendAll(wal, [[OTLP_JSON, 'six..']])).toEqual([6]);
  });

  it('damage followed by a torn tail: the good records between them replay, and only the tail is cut', async () => {
    await writeLog(FIVE.slice(0, 3));
    const bytes = await bytesOf(segment(1));
    bytes[HEADER_BYTES] ^= 0xff; // the first record's payload
    const torn = Buffer.concat([bytes, recordBytes(4, OTLP_PROTO, 'four.').subarray(0, 10)]);
    await writeFile(join(dir, segment(1)), torn);

    const { replay } = await open();
    expect(seen(replay).map(([seq]) => seq)).toEqual([2, 3]);
    expect(await bytesOf(segment(1))).toEqual(bytes);
  });
});

describe('segments', () => {
  it('a new segment starts once the current one has reached segmentBytes', async () => {
    await writeLog(FIVE, TWO_PER_SEGMENT);
    expect(await files()).toEqual([segment(1), segment(3), segment(5)]);
    const all = FIVE.map(([f, p], i) => recordBytes(i + 1, f, p));
    expect(await bytesOf(segment(1))).toEqual(Buffer.concat(all.slice(0, 2)));
    expect(await bytesOf(segment(3))).toEqual(Buffer.concat(all.slice(2, 4)));
    expect(await bytesOf(segment(5))).toEqual(all[4]);
  });

  it('a record larger than segmentBytes is written whole, in a segment of its own', async () => {
    await writeLog([[OTLP_PROTO, 'a'.repeat(30)], [OTLP_PROTO, 'b'.repeat(30)]], { segmentBytes: 10 });
    expect(await files()).toEqual([segment(1), segment(2)]);
    expect(await bytesOf(segment(2))).toEqual(recordBytes(2, OTLP_PROTO, 'b'.repeat(30)));
  });

  // Segments [1 2] [3 4] [5]: releaseThrough(n) deletes a segment once every record in it is ≤ n, and never the
  // segment being written.
  it.each([
    [0, [1, 3, 5]],
    [1, [1, 3, 5]],
    [2, [3, 5]],
    [3, [3, 5]],
    [4, [5]],
    [5, [5]],
    [100, [5]],
  ])('releaseThrough(%i) leaves the segments starting at %j', async (through, left) => {
    const { wal } = await open(0, TWO_PER_SEGMENT);
    await appendAll(wal, FIVE);
    await wal.releaseThrough(BigInt(through));
    expect(await files()).toEqual(left.map(segment));
    expect(await wal.diskBytes()).toBe((left.length * 2 - 1) * RECORD);
  });

  it('releaseThrough works on the segments found on reopening', async () => {
    await writeLog(FIVE, TWO_PER_SEGMENT);
    const { wal } = await open(4, TWO_PER_SEGMENT);
    await appendAll(wal, [[OTLP_JSON, 'six..']]);
    await wal.releaseThrough(4n);
    expect(await files()).toEqual([segment(5), segment(6)]);
  });

  it('read gives back the durable records of a range from the segments holding them, with their tenants', async () => {
    const { wal } = await open(0, TWO_PER_SEGMENT);
    await appendAll(wal, FIVE.slice(0, 4));
    // Appended while the range is read: a record still being written is not in the answer.
    const fifth = wal.append(OTLP_PROTO, Buffer.from('five.'), 'team-a');
    const [two, tail, none] = await Promise.all([wal.read(2n, 3n), wal.read(4n, 9n), wal.read(7n, 9n)]);
    expect(seen(two)).toEqual([
      [2, OTLP_JSON, 'two..'],
      [3, ZIPKIN_JSON, 'three'],
    ]);
    expect(seen(tail).slice(0, 1)).toEqual([[4, JAEGER_AGENT_COMPACT, 'four.']]);
    expect(none).toEqual([]);
    await fifth;
    expect((await wal.read(5n, 5n)).map((r) => [seen([r])[0], r.tenant])).toEqual([[[5, OTLP_PROTO, 'five.'], 'team-a']]);
    // Released segments are gone: what is left of the range is given.
    await wal.releaseThrough(2n);
    expect(seen(await wal.read(1n, 3n))).toEqual([[3, ZIPKIN_JSON, 'three']]);
  });

  it('diskBytes counts every segment on disk', async () => {
    const { wal } = await open(0, TWO_PER_SEGMENT);
    expect(await wal.diskBytes()).toBe(0);
    await appendAll(wal, FIVE.slice(0, 3));
    expect(await wal.diskBytes()).toBe(3 * RECORD);
    await wal.close();

    // Reopened with the fourth record torn after 10 bytes: those bytes are cut off and not counted.
    await writeFile(join(dir, segment(3)), Buffer.concat([recordBytes(3, ZIPKIN_JSON, 'three'), recordBytes(4, OTLP_PROTO, 'four.').subarray(0, 10)]));
    const again = await open(0, TWO_PER_SEGMENT);
    expect(await again.wal.diskBytes()).toBe(3 * RECORD);
    await appendAll(again.wal, [[OTLP_PROTO, 'four.']]);
    expect(await again.wal.diskBytes()).toBe(4 * RECORD);
  });
});

describe('the store position', () => {
  // Records 1..5 in segments [1 2] [3 4] [5]; the store already holds those up to `after`.
  it.each([
    [0, [1, 2, 3, 4, 5], 6],
    [2, [3, 4, 5], 6],
    [3, [4, 5], 6],
    [5, [], 6],
    [9, [], 10],
  ])('after %i: replays %j, and the next record is %i', async (after, replayed, next) => {
    await writeLog(FIVE, TWO_PER_SEGMENT);
    const { wal, replay } = await open(after, TWO_PER_SEGMENT);
    expect(seen(replay).map(([seq]) => seq)).toEqual(replayed);
    expect(seen(replay)).toEqual(replayed.map((seq) => [seq, ...FIVE[seq - 1]!]));
    expect(await appendAll(wal, [[OTLP_PROTO, 'next.']])).toEqual([next]);
  });
});
