import type { Span } from '@clew/model';
import { int, sharedAttributeId, sharedKeyValue, str } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { decodeOtlpProto } from '../otlp-proto/decode.js';
import { encodeOtlpProto } from '../otlp-proto/encode.js';
import { RESOURCE, SCOPE, sampleSpans } from '../testing/sample-spans.js';
import { decodeOtlpJson } from './decode.js';
import { encodeOtlpJson } from './encode.js';
import { encodeOtlpJsonText } from './write-text.js';

/** Every sample span, and their batches: what the text writer must spell exactly as encodeOtlpJson does. */
function cases(): [string, Span[]][] {
  const all = sampleSpans().map(([, s]) => s);
  const [, a] = sampleSpans()[0]!;
  const escapes = { ...a, name: 'quote " backslash \\ newline \n tab \t nul \u0000 \u2028 del \u007f', attributes: [{ key: 'k "\n', value: str('</script>\u001f') }, { key: 'lone surrogate \ud800', value: str('\udfff x') }] };
  return [
    ...sampleSpans().map(([name, s]): [string, Span[]] => [name, [s]]),
    ['every sample in one batch (shared Resource and Scope)', all],
    ['several resources and scopes', [a, { ...a, scope: { ...SCOPE, name: 'other' } }, { ...a, resource: { ...RESOURCE, schemaUrl: 'x' } }, { ...a, name: 'again' }]],
    ['strings JSON must escape', [escapes]],
    ['no spans', []],
  ];
}

describe('encodeOtlpJsonText', () => {
  it.each(cases())('%s: the same JSON as encodeOtlpJson, and decodes back to the same spans', (_, spans) => {
    const bytes = encodeOtlpJsonText(spans);
    const text = bytes.toString('utf8');
    expect(Buffer.compare(bytes, Buffer.from(JSON.stringify(encodeOtlpJson(spans))))).toBe(0);
    expect(encodeOtlpJsonText(spans, true).toString('utf8')).toBe(`${text}\n`);
    expect(JSON.parse(text)).toEqual(encodeOtlpJson(spans));
    expect(text).toBe(JSON.stringify(encodeOtlpJson(spans)));
    const { spans: back, rejected } = decodeOtlpJson(text);
    expect(rejected).toBe(0);
    expect(back).toEqual(decodeOtlpJson(JSON.stringify(encodeOtlpJson(spans))).spans);
  });
});

describe('encodeOtlpJsonText of attributes the decoders share (sharedAttributeId)', () => {
  it('writes each as it writes any other, the first time and from its cache after', () => {
    const [, a] = sampleSpans()[0]!;
    const attributes = [
      { key: 'http.method', value: str('GET') },
      { key: 'k "\n', value: str('</script>\u001f Grüße') },
      { key: 'long', value: str('x'.repeat(300)) },
      { key: 'n', value: int(-7) },
      { key: 'ok', value: { type: 'bool' as const, value: false } },
    ];
    // 5,000 attributes more than the cache has slots: numbers that wrap find their slot held by another attribute.
    const many = Array.from({ length: 5_000 }, (_, i) => ({ key: `k${i}`, value: str(`v${i}`) }));
    const spans: Span[] = [...sampleSpans().map(([, s]) => s), ...Array.from({ length: 4 }, (_, i) => ({ ...a, name: `s${i}`, attributes }))];
    for (let i = 0; i < many.length; i += 50) spans.push({ ...a, attributes: many.slice(i, i + 50) }, { ...a, name: 'again', attributes: many.slice(i, i + 50) });
    // Decoded from protobuf, an attribute seen before is one object for every span that holds it.
    const decoded = decodeOtlpProto(encodeOtlpProto(spans)).spans;
    expect(new Set(decoded.flatMap((s) => s.attributes).filter((kv) => sharedAttributeId(kv) >= 0)).size).toBeGreaterThan(4_096);
    const want = Buffer.from(JSON.stringify(encodeOtlpJson(decoded)));
    for (let round = 0; round < 3; round++) expect(Buffer.compare(encodeOtlpJsonText(decoded), want)).toBe(0);
    // Made shared by hand: an entry longer than a slot, and bytes (a mutable array, never kept).
    const bytes = new Uint8Array([1, 2, 3]);
    const byHand = [{ ...a, attributes: [sharedKeyValue('long', str('y'.repeat(300))), sharedKeyValue('b', { type: 'bytes', value: bytes })] }];
    expect(encodeOtlpJsonText(byHand).toString()).toBe(JSON.stringify(encodeOtlpJson(byHand)));
    bytes[0] = 9;
    expect(encodeOtlpJsonText(byHand).toString()).toBe(JSON.stringify(encodeOtlpJson(byHand)));
    // Each batch alone too: what is cached from one batch is right in another.
    for (let i = 0; i < decoded.length; i += 7) {
      const part = decoded.slice(i, i + 7);
      expect(encodeOtlpJsonText(part).toString()).toBe(JSON.stringify(encodeOtlpJson(part)));
    }
  });
});

