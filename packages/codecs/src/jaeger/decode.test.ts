import { describe, expect, it } from 'vitest';
import { DecodeError } from '../decode-error.js';
import { FULL_BATCH, jaegerSpan } from '@clew/testing/jaeger-batches';
import { encodeEmitBatch, encodeJaegerBatch, jaegerTag, ThriftWriter, writeBatch } from '@clew/testing/jaeger-thrift-writer';
import { thriftrwBatch, thriftrwEmitBatch } from '../testing/jaeger-thriftrw.js';
import { decodeJaegerAgentMessage, decodeJaegerThriftBatch, readJaegerAgentHeader, readJaegerAgentMessage, readJaegerThriftBatch } from './decode.js';
import type { ThriftProtocol } from './decode.js';
import type { JaegerBatch } from './jaeger-batch.js';
import { MessageType, TType } from './thrift-reader.js';

const PROTOCOLS: ThriftProtocol[] = ['binary', 'compact'];
const SMALL: JaegerBatch = { process: { serviceName: 's', tags: undefined }, spans: [jaegerSpan({ tags: [jaegerTag('k', 'v')] })] };

describe('reading what jaeger-client writes (thriftrw)', () => {
  it('reads an HTTPSender body back as the batch it encoded', () => {
    expect(readJaegerThriftBatch(thriftrwBatch(FULL_BATCH))).toEqual(FULL_BATCH);
  });

  it('reads a UDPSender datagram: a strict binary emitBatch message', () => {
    const { header, batch } = readJaegerAgentMessage(thriftrwEmitBatch(FULL_BATCH), 'binary');
    expect(header.name).toBe('emitBatch');
    expect([MessageType.CALL, MessageType.ONEWAY]).toContain(header.type);
    expect(batch).toEqual(FULL_BATCH);
  });

  it('the test writer writes the binary protocol byte for byte as thriftrw does', () => {
    expect(encodeJaegerBatch(FULL_BATCH, 'binary').equals(thriftrwBatch(FULL_BATCH))).toBe(true);
  });
});

describe('compact and binary encodings of the same batch give the same spans', () => {
  it.each([
    ['the full batch', FULL_BATCH],
    ['a one-span batch', SMALL],
    ['a batch with field-id gaps over 15 and 20 tags (long list headers)', { ...SMALL, spans: [jaegerSpan({ tags: Array.from({ length: 20 }, (_, i) => jaegerTag(`k${i}`, i % 2 === 0)) })] }],
  ] as Array<[string, JaegerBatch]>)('%s', (_, batch) => {
    const viaBinary = decodeJaegerAgentMessage(encodeEmitBatch(batch, 'binary'), 'binary');
    const viaCompact = decodeJaegerAgentMessage(encodeEmitBatch(batch, 'compact'), 'compact');
    expect(viaCompact).toEqual(viaBinary);
    expect(viaBinary).toEqual(decodeJaegerThriftBatch(thriftrwBatch(batch)));
    expect(readJaegerAgentMessage(encodeEmitBatch(batch, 'compact'), 'compact').batch).toEqual(batch);
  });

  it('reads hand-written compact bytes (independent of the test writer)', () => {
    const datagram = Buffer.from([
      0x82, 0x81, 0x07, 0x09, ...Buffer.from('emitBatch'), // protocol id, ONEWAY<<5|version 1, seqid 7, name
      0x1c, //                     args field 1: struct (delta 1, type 12)
      0x1c, //                       Batch.process (delta 1, struct)
      0x18, 0x01, 0x73, //             serviceName "s"
      0x00, //                         stop
      0x19, 0x1c, //                 Batch.spans (delta 1, list) of 1 struct
      0x16, 0x02, //                   traceIdLow = 1 (zigzag 2)
      0x16, 0x00, //                   traceIdHigh = 0
      0x16, 0x04, //                   spanId = 2
      0x16, 0x01, //                   parentSpanId = -1
      0x18, 0x02, 0x6f, 0x70, //       operationName "op"
      0x25, 0x02, //                   flags (id 7, delta 2, i32) = 1
      0x16, 0xd0, 0x0f, //             startTime = 1000 (zigzag 2000)
      0x16, 0x14, //                   duration = 10
      0x19, 0x1c, //                   tags (id 10): list of 1 struct
      0x18, 0x01, 0x62, //               key "b"
      0x15, 0x04, //                     vType = BOOL (2)
      0x31, //                           vBool (id 5, delta 3) = true, in the header
      0x00, //                         stop (Tag)
      0x00, 0x00, 0x00, //           stop Span, Batch, args
    ]);
    const { header, batch } = readJaegerAgentMessage(datagram, 'compact');
    expect(header).toEqual({ name: 'emitBatch', type: MessageType.ONEWAY, seqid: 7 });
    expect(batch.spans[0]).toMatchObject({ traceIdLow: 1n, spanId: 2n, parentSpanId: -1n, operationName: 'op', flags: 1, startTime: 1000n, duration: 10n });
    expect(batch.spans[0]!.tags[0]).toMatchObject({ key: 'b', vType: 2, vBool: true });
  });
});

describe('unknown fields are skipped by type', () => {
  /** The full batch with one unknown field of each Thrift type (nested ones too) appended to the Batch struct. */
  function withUnknowns(protocol: ThriftProtocol): Buffer {
    const base = encodeJaegerBatch(FULL_BATCH, protocol);
    // Re-encode by hand: the same batch, with unknown fields before each struct's STOP.
    const w = new ThriftWriter(protocol);
    writeBatch(w, FULL_BATCH);
    expect(w.finish().equals(base)).toBe(true);
    const u = new ThriftWriter(protocol).structBegin();
    u.field(TType.BOOL, 90, true).boolValue(true);
    u.field(TType.BYTE, 91).raw(0x7f);
    u.field(TType.I16, 92).i16(-3);
    u.field(TType.I32, 93).i32(70000);
    u.field(TType.I64, 94).i64(-5n);
    u.field(TType.DOUBLE, 95).double(1.5);
    u.field(TType.STRING, 96).string('x');
    u.field(TType.LIST, 97).list(TType.STRING, 2).string('a').string('b');
    u.field(TType.SET, 98).list(TType.I32, 1).i32(1);
    if (protocol === 'binary') u.field(TType.MAP, 99).raw(TType.STRING, TType.I32, 0, 0, 0, 1).string('k').i32(1);
    else u.field(TType.MAP, 99).raw(0x01, 0x85).string('k').i32(1);
    u.field(TType.STRUCT, 100).structBegin().field(TType.LIST, 1).list(TType.STRUCT, 1).structBegin().structEnd().structEnd();
    // Compact field ids are deltas from the previous field; 90 is too far for one, so it is written long-form and
    // the unknowns can follow any field.
    return Buffer.concat([base.subarray(0, base.length - 1), u.finish(), Buffer.from([0])]);
  }

  it.each(PROTOCOLS)('%s', (protocol) => {
    const reader = protocol === 'binary' ? readJaegerThriftBatch : (b: Buffer) => readJaegerAgentMessage(Buffer.concat([emitHeader(), b, Buffer.from([0])]), 'compact').batch;
    expect(reader(withUnknowns(protocol))).toEqual(FULL_BATCH);
  });

  it('a known field sent with another type is skipped, then missing', () => {
    const w = new ThriftWriter('binary').structBegin();
    w.field(TType.STRUCT, 1).structBegin().field(TType.I32, 1).i32(5).structEnd(); // serviceName as an i32
    w.field(TType.LIST, 2).list(TType.STRUCT, 0).structEnd();
    expect(() => readJaegerThriftBatch(w.finish())).toThrow('required field serviceName is not set at byte 3 in Process');
  });
});

/** A compact emitBatch envelope and the args struct's field 1 header, for appending a compact Batch. */
function emitHeader(): Buffer {
  return new ThriftWriter('compact').message('emitBatch', MessageType.ONEWAY, 0).structBegin().field(TType.STRUCT, 1).finish();
}

describe('truncated input is refused with the byte offset', () => {
  it.each(PROTOCOLS)('every prefix of a %s datagram is a DecodeError', (protocol) => {
    const whole = encodeEmitBatch(FULL_BATCH, protocol);
    for (let n = 0; n < whole.length; n++) {
      let err: unknown;
      try {
        readJaegerAgentMessage(whole.subarray(0, n), protocol);
      } catch (e) {
        err = e;
      }
      expect(err, `prefix of ${n} bytes`).toBeInstanceOf(DecodeError);
      expect((err as Error).message).toMatch(/ at byte \d+/);
    }
  });

  it.each([
    [3, 'truncated i64: needs 8 bytes, 0 left at byte 3 in Span'],
    [10, 'truncated i64: needs 8 bytes, 7 left at byte 3 in Span'],
    [11, 'truncated field header: needs 1 byte, 0 left at byte 11 in Span'],
    [13, 'truncated i16: needs 2 bytes, 1 left at byte 12 in Span'],
  ])('a span cut after %i bytes', (n, message) => {
    const span = encodeJaegerBatch(SMALL, 'binary');
    // The Span struct starts after the Process (3 + 4+1 + 1 bytes) and the spans field and list headers (3 + 5).
    const spanAt = 20;
    expect(span.subarray(spanAt, spanAt + 3)).toEqual(Buffer.from([TType.I64, 0, 1]));
    const cut = span.subarray(0, spanAt + n);
    expect(() => readJaegerThriftBatch(cut)).toThrow(message.replace(/at byte (\d+)/, (_, at) => `at byte ${spanAt + Number(at)}`));
  });
});

describe('hostile input is refused before it allocates', () => {
  const binary = (build: (w: ThriftWriter) => void) => {
    const w = new ThriftWriter('binary');
    build(w);
    return w.finish();
  };
  it.each([
    ['a list longer than the input', binary((w) => w.structBegin().field(TType.STRUCT, 1).structBegin().field(TType.STRING, 1).string('s').structEnd().field(TType.LIST, 2).list(TType.STRUCT, 0x7fffffff)),
      'list size 2147483647 is larger than the 0 bytes left at byte 15 in Batch'],
    ['a negative string length', binary((w) => w.structBegin().field(TType.STRUCT, 1).structBegin().field(TType.STRING, 1).i32(-2)),
      'negative string size -2 at byte 6 in Process'],
    ['a string longer than the input', binary((w) => w.structBegin().field(TType.STRUCT, 1).structBegin().field(TType.STRING, 1).i32(1 << 30)),
      'string size 1073741824 is larger than the 0 bytes left at byte 6 in Process'],
    ['an unknown field type', binary((w) => w.structBegin().raw(7, 0, 9)), 'unknown Thrift type 7 at byte 3 in Batch'],
    ['a list of strings where spans belong', binary((w) => w.structBegin().field(TType.STRUCT, 1).structBegin().field(TType.STRING, 1).string('s').structEnd().field(TType.LIST, 2).list(TType.STRING, 0)),
      'expected a list of structs, not of Thrift type 11 at byte 15 in Batch'],
    ['unknown structs nested 100 deep', binary((w) => {
      w.structBegin();
      for (let i = 0; i < 100; i++) w.field(TType.STRUCT, 9).structBegin();
    }), 'values nested deeper than 64 at byte 198 in Batch'], // 3-byte field headers: the 66th level starts at 198
    ['an empty body', Buffer.alloc(0), 'truncated field header: needs 1 byte, 0 left at byte 0 in Batch'],
  ])('%s', (_, body, message) => {
    expect(() => readJaegerThriftBatch(body)).toThrow(new DecodeError(message));
  });

  it.each([
    ['binary', Buffer.from([0x80, 0x02, 0, 4, 0, 0, 0, 0]), 'bad message version 0x80020004 (expected 0x8001xxxx) at byte 0'],
    ['binary', new ThriftWriter('binary').message('emitBatch', MessageType.REPLY, 0).finish(), 'message type 2 is not a call (expected ONEWAY 4 or CALL 1) at byte 0'],
    ['compact', Buffer.from([0x80, 0x21]), 'bad protocol id 0x80 (expected 0x82, Thrift compact) at byte 0'],
    ['compact', Buffer.from([0x82, 0x22]), 'bad compact protocol version 2 (expected 1) at byte 1'],
    ['compact', Buffer.from([0x82, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'varint longer than 5 bytes at byte 2'],
    ['compact', Buffer.concat([emitHeader(), Buffer.from([0x1d])]), 'unknown compact type 13 at byte 14 in Batch'],
  ] as Array<[ThriftProtocol, Buffer, string]>)('a bad %s envelope (%#)', (protocol, datagram, message) => {
    expect(() => readJaegerAgentMessage(datagram, protocol)).toThrow(new DecodeError(message));
  });

  it('reads the old (non-strict) binary envelope: name length first, then type and seqid', () => {
    const args = encodeEmitBatch(SMALL, 'binary').subarray(new ThriftWriter('binary').message('emitBatch', MessageType.ONEWAY, 0).finish().length);
    const old = Buffer.concat([new ThriftWriter('binary').string('emitBatch').raw(MessageType.CALL).i32(9).finish(), args]);
    const { header, batch } = readJaegerAgentMessage(old, 'binary');
    expect([header, batch]).toEqual([{ name: 'emitBatch', type: MessageType.CALL, seqid: 9 }, SMALL]);
  });

  it('refuses a method other than emitBatch, and the header alone says which', () => {
    const zipkin = new ThriftWriter('compact').message('emitZipkinBatch', MessageType.ONEWAY, 3).structBegin().structEnd().finish();
    expect(readJaegerAgentHeader(zipkin, 'compact')).toEqual({ name: 'emitZipkinBatch', type: MessageType.ONEWAY, seqid: 3 });
    expect(() => decodeJaegerAgentMessage(zipkin, 'compact')).toThrow('unsupported Agent method "emitZipkinBatch" (only emitBatch is accepted)');
  });

  it('names a missing required field of a span', () => {
    const w = new ThriftWriter('binary').structBegin();
    w.field(TType.STRUCT, 1).structBegin().field(TType.STRING, 1).string('s').structEnd();
    w.field(TType.LIST, 2).list(TType.STRUCT, 1).structBegin().field(TType.I64, 1).i64(1n).structEnd().structEnd();
    expect(() => readJaegerThriftBatch(w.finish())).toThrow('required field traceIdHigh is not set at byte 20 in Span');
  });
});
