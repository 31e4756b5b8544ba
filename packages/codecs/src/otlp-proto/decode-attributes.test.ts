import type { Span } from '@clew/model';
import { sharedAttributeId, str } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { sampleSpans } from '../testing/sample-spans.js';
import { decodeOtlpProto } from './decode.js';
import { encodeOtlpProto } from './encode.js';

describe('protobuf attributes', () => {
  it('gives spans one object, marked shared, for an attribute whose bytes repeat; other attributes are their own', () => {
    const [, base] = sampleSpans()[0]!;
    const span = (i: number): Span => ({
      ...base,
      attributes: [
        { key: 'http.route', value: str('/checkout') },
        { key: 'user.id', value: str(`user-${i}`) },
        { key: 'blob', value: { type: 'bytes', value: new Uint8Array([1, 2, 3]) } },
      ],
    });
    // Kept on their second sighting (ByteCache), so the third request on shares the object.
    const decoded = [0, 1, 2, 3].map((i) => decodeOtlpProto(encodeOtlpProto([span(i)])).spans[0]!);
    const [a, b] = [decoded[2]!, decoded[3]!];
    expect(b.attributes[0]).toBe(a.attributes[0]);
    expect(sharedAttributeId(a.attributes[0]!)).toBeGreaterThanOrEqual(0);
    expect(sharedAttributeId(b.attributes[1]!)).toBe(-1);
    // Bytes values are mutable arrays: never shared.
    expect(b.attributes[2]).not.toBe(a.attributes[2]);
    expect(sharedAttributeId(b.attributes[2]!)).toBe(-1);
    expect(b).toEqual(span(3));
  });
});
