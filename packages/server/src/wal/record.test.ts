import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeRecord, PayloadFormat } from './record.js';

/** One record's bytes as the log writes them: header, then payload. */
const record = (seq: bigint, format: number, payload: string, tenant?: string): Buffer =>
  Buffer.concat(encodeRecord(seq, format as PayloadFormat, Buffer.from(payload), tenant));

/** Hex with the spaces and comments of a hand-drawn fixture taken out. */
const hex = (drawn: string): string => drawn.replace(/#.*$/gm, '').replace(/\s+/g, '');

const read = (buf: Buffer) => {
  const { records, validBytes, damaged } = decodeSegment(buf);
  return { records: records.map((r) => [r.seq, r.format, Buffer.from(r.payload).toString(), r.tenant]), validBytes, damaged };
};

describe('encodeRecord', () => {
  it('lays a record out as documented: length, crc32 of (seq, format, payload), seq, format, little-endian', () => {
    expect(record(1n, PayloadFormat.OTLP_PROTO, 'abc').toString('hex')).toBe(
      hex(`
        03000000            # payload length 3
        b575a992            # crc32 0x92a975b5 of the 12 bytes 01000000 00000000 01 616263
        0100000000000000    # seq 1
        01                  # format OTLP_PROTO
        616263              # "abc"
      `),
    );
  });

  it('writes all 64 bits of the sequence number', () => {
    expect(encodeRecord(0x0102030405060708n, PayloadFormat.OTLP_JSON, Buffer.alloc(0))[0]!.subarray(8, 16).toString('hex')).toBe('0807060504030201');
  });

  it("puts a tenant other than the default before the payload, flagged in the format byte and under the checksum", () => {
    expect(record(1n, PayloadFormat.OTLP_PROTO, 'abc', 'ab').toString('hex')).toBe(
      hex(`
        06000000            # body length 6
        ${record(1n, PayloadFormat.OTLP_PROTO, 'abc', 'ab').subarray(4, 8).toString('hex')} # crc32, checked by reading back below
        0100000000000000    # seq 1
        81                  # format OTLP_PROTO with the tenant flag
        02 6162             # tenant "ab"
        616263              # "abc"
      `),
    );
    expect(read(record(1n, PayloadFormat.OTLP_PROTO, 'abc', 'ab')).records).toEqual([[1n, PayloadFormat.OTLP_PROTO, 'abc', 'ab']]);
  });

  it('writes the default tenant as no tenant at all, as records were before tenants', () => {
    expect(record(1n, PayloadFormat.OTLP_PROTO, 'abc', 'default')).toEqual(record(1n, PayloadFormat.OTLP_PROTO, 'abc'));
  });

  it('flags a record a peer forwarded in the format byte, under the checksum, with or without a tenant', () => {
    const plain = Buffer.concat(encodeRecord(1n, PayloadFormat.OTLP_PROTO, Buffer.from('abc'), 'default', true));
    expect(plain.subarray(16).toString('hex')).toBe(hex(`41 616263  # OTLP_PROTO with the forwarded flag, "abc"`));
    const tenant = Buffer.concat(encodeRecord(1n, PayloadFormat.OTLP_JSON, Buffer.from('abc'), 'ab', true));
    expect(tenant.subarray(16).toString('hex')).toBe(hex(`c2 02 6162 616263  # OTLP_JSON with both flags, tenant "ab", "abc"`));
    const flags = (buf: Buffer) => decodeSegment(buf).records.map((r) => [r.format, r.tenant, r.forwarded]);
    expect(flags(plain)).toEqual([[PayloadFormat.OTLP_PROTO, 'default', true]]);
    expect(flags(tenant)).toEqual([[PayloadFormat.OTLP_JSON, 'ab', true]]);
    expect(flags(record(1n, PayloadFormat.OTLP_PROTO, 'abc', 'ab'))).toEqual([[PayloadFormat.OTLP_PROTO, 'ab', false]]);
    // Flipping the flag breaks the checksum: a damaged byte cannot turn a record into a forwarded one.
    plain[16] = PayloadFormat.OTLP_PROTO;
    expect(decodeSegment(plain).records).toEqual([]);
  });
});

describe('decodeSegment', () => {
  it.each(Object.entries(PayloadFormat))('reads back a record of format %s (%i)', (_name, format) => {
    const buf = Buffer.concat([record(7n, format, 'payload'), record(8n, format, '')]);
    expect(read(buf)).toEqual({ records: [[7n, format, 'payload', 'default'], [8n, format, '', 'default']], validBytes: buf.length, damaged: [] });
  });

  it('reads an empty segment as no records', () => {
    expect(read(Buffer.alloc(0))).toEqual({ records: [], validBytes: 0, damaged: [] });
  });

  it.each([0, 9, 128, 255])('skips a record whose format byte is %i, though its checksum is right, and reads on', (format) => {
    const first = record(1n, PayloadFormat.OTLP_PROTO, 'one');
    const bad = record(2n, format, 'two');
    const buf = Buffer.concat([first, bad, record(3n, PayloadFormat.OTLP_PROTO, 'three')]);
    expect(read(buf)).toEqual({
      records: [[1n, PayloadFormat.OTLP_PROTO, 'one', 'default'], [3n, PayloadFormat.OTLP_PROTO, 'three', 'default']],
      validBytes: buf.length,
      damaged: [{ offset: first.length, bytes: bad.length }],
    });
  });

  const first = record(1n, PayloadFormat.OTLP_PROTO, 'one');
  const second = record(2n, PayloadFormat.ZIPKIN_JSON, 'second');
  const third = record(3n, PayloadFormat.OTLP_JSON, 'three');

  it.each(Array.from({ length: second.length }, (_, i) => i))(
    'skips the second record when its byte %i is flipped, and keeps the first and the third',
    (at) => {
      const damaged = Buffer.from(second);
      damaged[at] ^= 0xff;
      const buf = Buffer.concat([first, damaged, third]);
      expect(read(buf)).toEqual({
        records: [[1n, PayloadFormat.OTLP_PROTO, 'one', 'default'], [3n, PayloadFormat.OTLP_JSON, 'three', 'default']],
        validBytes: buf.length,
        damaged: [{ offset: first.length, bytes: second.length }],
      });
    },
  );

  it('does not take an older record found after damage for the next one (sequence numbers only grow)', () => {
    const damaged = Buffer.from(second);
    damaged[0] ^= 0xff;
    const buf = Buffer.concat([first, damaged, record(1n, PayloadFormat.OTLP_PROTO, 'one'), third]);
    expect(read(buf).records.map(([seq]) => seq)).toEqual([1n, 3n]);
  });

  it.each(Array.from({ length: second.length - 1 }, (_, i) => i + 1))(
    'stops at the last record when only %i of its bytes were written',
    (written) => {
      expect(read(Buffer.concat([first, second.subarray(0, written)]))).toEqual({
        records: [[1n, PayloadFormat.OTLP_PROTO, 'one', 'default']],
        validBytes: first.length,
        damaged: [],
      });
    },
  );
});
