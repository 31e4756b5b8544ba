import type { Span } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from './otlp-json/decode.js';
import { encodeOtlpJson } from './otlp-json/encode.js';
import { decodeOtlpProto } from './otlp-proto/decode.js';
import { encodeOtlpProto } from './otlp-proto/encode.js';
import { RESOURCE, SCOPE, sampleSpans } from './testing/sample-spans.js';

const viaProto = (spans: readonly Span[]) => decodeOtlpProto(encodeOtlpProto(spans));
const viaJson = (spans: readonly Span[]) => decodeOtlpJson(JSON.stringify(encodeOtlpJson(spans)));

describe.each([
  ['protobuf', viaProto],
  ['JSON', viaJson],
])('%s round trip', (_, roundTrip) => {
  it.each(sampleSpans())('%s', (_, span) => {
    const { spans, rejected, rejectMessage } = roundTrip([span]);
    expect(rejected).toBe(0);
    expect(rejectMessage).toBe('');
    expect(spans).toEqual([span]);
  });

  it('keeps every sample in one batch, sharing Resource and Scope objects', () => {
    const all = sampleSpans().map(([, s]) => s);
    const { spans } = roundTrip(all);
    expect(spans).toEqual(all);
    const shared = spans.filter((s) => s.resource.schemaUrl === RESOURCE.schemaUrl);
    expect(shared.length).toBeGreaterThan(1);
    for (const s of shared) {
      expect(s.resource).toBe(shared[0]!.resource);
      expect(s.scope).toBe(shared[0]!.scope);
    }
  });

  it('groups by Resource and Scope identity, keeping first-seen order', () => {
    const [, a] = sampleSpans()[0]!;
    const otherScope = { ...SCOPE, name: 'other' };
    const otherResource = { ...RESOURCE, schemaUrl: 'x' };
    const input = [a, { ...a, scope: otherScope }, { ...a, resource: otherResource }, { ...a, name: 'again' }];
    const { spans } = roundTrip(input);
    // Grouping reorders: spans of the first resource and scope come first.
    expect(spans.map((s) => [s.name, s.scope.name, s.resource.schemaUrl])).toEqual([
      [a.name, SCOPE.name, RESOURCE.schemaUrl],
      ['again', SCOPE.name, RESOURCE.schemaUrl],
      [a.name, 'other', RESOURCE.schemaUrl],
      [a.name, SCOPE.name, 'x'],
    ]);
    expect(spans[0]!.scope).toBe(spans[1]!.scope);
    expect(spans[0]!.resource).toBe(spans[2]!.resource);
    expect(spans[0]!.resource).not.toBe(spans[3]!.resource);
  });
});
