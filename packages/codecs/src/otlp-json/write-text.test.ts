import type { Span } from '@clew/model';
import { str } from '@clew/model';
import { describe, expect, it } from 'vitest';
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
