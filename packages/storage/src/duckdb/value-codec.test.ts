import { describe, expect, it } from 'vitest';
import type { Attributes, KeyValue, TraceId } from '@clew/model';
import { anyValueToString, sharedAttributeId, sharedKeyValue } from '@clew/model';
import { fullSpan } from '../conformance/full-span.js';
import { AttrBloom } from './attr-bloom.js';
import { ByteWriter } from './byte-writer.js';
import { attributeKey, attributePattern, decodeAttributes, encodeAttributes, writeAttributes } from './value-codec.js';

const odd: Attributes = [
  ...fullSpan('f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0' as TraceId).attributes,
  { key: 'unicode ü 🚀', value: { type: 'string', value: 'ä\u{1F680}\u0000x'.repeat(9) } },
  { key: 'lone', value: { type: 'string', value: 'a\ud800b' } },
  { key: 'long.ascii', value: { type: 'string', value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' } },
  { key: 'long.reserved', value: { type: 'string', value: 'x'.repeat(40) + '\x1e\x19' + 'y'.repeat(40) } },
];

describe('value codec', () => {
  it('decodes what it encodes, lone surrogates becoming U+FFFD as in any UTF-8 conversion', () => {
    const want = odd.map((kv) =>
      kv.key === 'lone' ? { key: 'lone', value: { type: 'string' as const, value: 'a\ufffdb' } } : kv,
    );
    expect(decodeAttributes(encodeAttributes(odd))).toEqual(want);
  });

  it('decodes ints on both sides of the 15 characters that are read as a Number first', () => {
    const ints = [0n, -1n, 999_999_999_999_999n, 1_000_000_000_000_000n, -99_999_999_999_999n, -999_999_999_999_999n, 9_007_199_254_740_993n];
    const attrs: Attributes = ints.map((value, i) => ({ key: `i${i}`, value: { type: 'int', value } }));
    expect(decodeAttributes(encodeAttributes(attrs))).toEqual(attrs);
  });

  it('writes each entry so that its search pattern occurs in the text and its key is in the bloom', () => {
    const w = new ByteWriter(8);
    const bloom = new AttrBloom();
    writeAttributes(w, odd, bloom);
    const text = w.toString();
    for (const kv of odd) {
      if (kv.key === 'lone') continue;
      const value = anyValueToString(kv.value);
      expect(text.includes(attributePattern(kv.key, value)), kv.key).toBe(true);
      expect(bloom.mayContain(attributeKey(kv.key, value)), kv.key).toBe(true);
    }
    expect(bloom.mayContain(attributeKey('s', 'not a value'))).toBe(false);
  });

  it('writes an attribute the decoders share the same each time, whichever attribute its slot held before', () => {
    const fresh = (kv: KeyValue): KeyValue => ({ key: kv.key, value: kv.value });
    const written = (attrs: Attributes) => {
      const w = new ByteWriter(8);
      const bloom = new AttrBloom();
      writeAttributes(w, attrs, bloom);
      return { text: w.toString(), bits: [...bloom.bits] };
    };
    const want = written(odd.map(fresh));
    const shared = odd.map((kv) => sharedKeyValue(kv.key, kv.value));
    // The first time writes and keeps each entry, the next ones copy it; without a bloom first, so that the bloom keys
    // kept are those worked out for keeping, not for a bloom.
    writeAttributes(new ByteWriter(8), shared);
    for (let round = 0; round < 2; round++) expect(written(shared)).toEqual(want);

    // An attribute shared 2^13 later takes the first one's slot (the slot's owner confirms a hit), and each is written
    // as itself whichever of them came last.
    const first = sharedKeyValue('http.route', { type: 'string', value: '/first' });
    for (let i = 1; i < 1 << 13; i++) sharedKeyValue('k', { type: 'int', value: BigInt(i) });
    const second = sharedKeyValue('http.route', { type: 'string', value: '/second' });
    expect(sharedAttributeId(second) % (1 << 13)).toBe(sharedAttributeId(first) % (1 << 13));
    for (const kv of [first, second, first, second]) expect(written([kv])).toEqual(written([fresh(kv)]));

    // Bytes are a mutable array: a bytes value marked shared all the same is written afresh each time.
    const bytes = new Uint8Array([1, 2, 3]);
    const b = sharedKeyValue('b', { type: 'bytes', value: bytes });
    written([b]);
    bytes[0] = 9;
    expect(written([b])).toEqual(written([fresh(b)]));
    expect(decodeAttributes(written([b]).text)).toEqual([{ key: 'b', value: { type: 'bytes', value: new Uint8Array([9, 2, 3]) } }]);
  });

  it('keeps a bloom across a round trip through bytes', () => {
    const bloom = new AttrBloom();
    const key = attributeKey('customer.id', 'cust-42');
    bloom.add(key);
    expect(AttrBloom.fromBytes(new Uint8Array(bloom.toBytes())).mayContain(key)).toBe(true);
  });
});
