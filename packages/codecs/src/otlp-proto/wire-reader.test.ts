import { describe, expect, it } from 'vitest';
import { DecodeError } from '../decode-error.js';
import { bytes, fixed32, group, ld, str, tag, varint, vint } from '../testing/raw-proto.js';
import { decodeOtlpProto } from './decode.js';

const ID16 = Array(16).fill(1);
const ID8 = Array(8).fill(2);
/** A request holding one span whose body is `spanFields` (ids added unless `bare`). */
const request = (spanFields: number[][], bare = false): Uint8Array =>
  bytes(ld(1, ld(2, ld(2, ...(bare ? [] : [ld(1, ID16), ld(2, ID8)]), ...spanFields))));

describe('decodeOtlpProto refuses malformed protobuf with a message that says what and where', () => {
  it.each<[string, Uint8Array, RegExp]>([
    ['truncated tag varint', bytes([0x80]), /truncated varint at byte 1 in ExportTraceServiceRequest/],
    ['length past the end', bytes(tag(1, 2), varint(10), [0, 0]), /length 10 past the end of the message at byte 1 in ExportTraceServiceRequest/],
    ['nested length past its parent', bytes(ld(1, tag(2, 2), varint(5)), [1, 2, 3, 4, 5]), /length 5 past the end of the message .* in ResourceSpans/],
    ['invalid wire type 7', bytes(ld(1, tag(9, 7))), /invalid wire type 7 at byte \d+ in ResourceSpans/],
    ['invalid wire type 6', bytes(tag(1000, 6)), /invalid wire type 6/],
    ['stray end-group', bytes(tag(5, 4)), /unexpected end-group for field 5/],
    ['unterminated group', bytes(tag(5, 3), vint(1, 1)), /unterminated group for field 5/],
    ['mismatched end-group', bytes(tag(5, 3), tag(6, 4)), /end-group for field 6 closes group 5/],
    ['field number 0', bytes([0x00, 0x00]), /invalid field number 0/],
    ['overlong varint (11 bytes)', bytes(tag(1000, 0), Array(10).fill(0xff), [0x01]), /overlong varint/],
    ['10th varint byte above 1', bytes(tag(1000, 0), Array(9).fill(0xff), [0x02]), /overlong varint/],
    ['tag longer than 5 bytes', bytes([0x88, 0x80, 0x80, 0x80, 0x80, 0x00]), /invalid tag/],
    ['truncated fixed64', request([[...tag(7, 1), 1, 2, 3]]), /truncated fixed64 at byte \d+ in Span/],
    ['truncated fixed32', request([[...tag(16, 5), 1]]), /truncated fixed32 .* in Span/],
    ['wrong wire type for a known field', request([vint(1, 5)], true), /wrong wire type 0 for field 1 \(expected 2\) .* in Span/],
    ['string as varint', request([vint(5, 1)]), /wrong wire type 0 for field 5/],
    ['fixed64 time as varint', request([vint(7, 1)]), /wrong wire type 0 for field 7 \(expected 1\)/],
    ['flags as varint', request([vint(16, 1)]), /wrong wire type 0 for field 16 \(expected 5\)/],
    ['bad attribute wire type', request([ld(9, str(1, 'k'), ld(2, fixed32(3, 1)))]), /wrong wire type 5 for field 3 \(expected 0\) .* in AnyValue/],
    ['truncated double in AnyValue', request([ld(9, ld(2, tag(4, 1), [0, 0, 0]))]), /truncated double .* in AnyValue/],
    ['AnyValue nested too deep', request([ld(9, ld(2, Array.from({ length: 70 }).reduce<number[]>((inner) => ld(5, ld(1, inner)), [])))]), /nested deeper than 64/],
  ])('%s', (_, buf, message) => {
    expect(() => decodeOtlpProto(buf)).toThrow(DecodeError);
    expect(() => decodeOtlpProto(buf)).toThrow(message);
  });
});

describe('decodeOtlpProto accepts what protobuf allows', () => {
  it('an empty body (no spans)', () => {
    expect(decodeOtlpProto(new Uint8Array(0))).toEqual({ spans: [], rejected: 0, rejectMessage: '' });
  });

  it('a Uint8Array view at an offset into a larger buffer, Buffer or not', () => {
    const body = request([str(5, 'name'), ld(9, str(1, 'b'), ld(2, ld(7, [1, 2, 3])))]);
    const padded = new Uint8Array(body.length + 20).fill(0xff);
    padded.set(body, 7);
    const view = padded.subarray(7, 7 + body.length);
    for (const input of [view, Buffer.from(view.buffer, view.byteOffset, view.byteLength)]) {
      const { spans } = decodeOtlpProto(input);
      expect(spans[0]!.name).toBe('name');
      expect(spans[0]!.attributes[0]!.value).toEqual({ type: 'bytes', value: new Uint8Array([1, 2, 3]) });
    }
  });

  it('unknown fields and groups anywhere, as long as they are well formed', () => {
    const unknown = [...vint(99, 1), ...group(98, vint(1, 1), group(2)), ...str(97, 'x'), ...fixed32(96, 1)];
    const { spans } = decodeOtlpProto(request([unknown]));
    expect(spans).toHaveLength(1);
  });

  it('uint32 fields sent as 64-bit varints keep their low 32 bits; kinds outside the enum become UNSPECIFIED', () => {
    const { spans } = decodeOtlpProto(request([vint(10, 2n ** 32n + 7n), vint(6, 9), vint(12, -1n)]));
    expect(spans[0]!.droppedAttributesCount).toBe(7);
    expect(spans[0]!.droppedEventsCount).toBe(0xffffffff);
    expect(spans[0]!.kind).toBe(0);
  });

  it('a bool with only high bits set is true (protobufjs 7 says false)', () => {
    const { spans } = decodeOtlpProto(request([ld(9, str(1, 'b'), ld(2, vint(2, 2n ** 40n)))]));
    expect(spans[0]!.attributes[0]!.value).toEqual({ type: 'bool', value: true });
  });

  it('invalid UTF-8 becomes U+FFFD rather than refusing the batch', () => {
    const { spans } = decodeOtlpProto(request([ld(5, [0x61, 0xff, 0x62])]));
    expect(spans[0]!.name).toBe('a\uFFFDb');
  });

  it('repeated singular fields: the last one wins', () => {
    const { spans } = decodeOtlpProto(request([str(5, 'first'), str(5, 'second'), ld(9, str(1, 'k'), ld(2, str(1, 'a'), vint(3, 1)))]));
    expect(spans[0]!.name).toBe('second');
    expect(spans[0]!.attributes[0]!.value).toEqual({ type: 'int', value: 1n });
  });

  it('a 64-byte string and longer ones decode like short ones (cached or not)', () => {
    const long = 'é'.repeat(40) + 'x'.repeat(100);
    const { spans } = decodeOtlpProto(request([str(5, long), str(3, 'k'.repeat(48))]));
    expect(spans[0]!.name).toBe(long);
    expect(spans[0]!.traceState).toBe('k'.repeat(48));
  });
});
