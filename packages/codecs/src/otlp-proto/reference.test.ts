import type { DecodeResult } from '../decode-result.js';
import { describe, expect, it } from 'vitest';
import { encodeCurrent, reference052, referenceCurrent, referenceDecode } from '../testing/reference.js';
import { handBuiltRequest } from '../testing/hand-built.js';
import { sampleSpans } from '../testing/sample-spans.js';
import { recordSdkSpans, sdkProto } from '../testing/sdk-payloads.js';
import { decodeOtlpProto } from './decode.js';
import { encodeOtlpProto } from './encode.js';

/** The 0.52 schema has no Span.flags, Link.flags or Resource.entity_refs: compare without them. */
function withoutNewFields(r: DecodeResult): DecodeResult {
  return {
    ...r,
    spans: r.spans.map((s) => ({
      ...s,
      flags: 0,
      links: s.links.map((l) => ({ ...l, flags: 0 })),
      resource: { ...s.resource, entityRefs: [] },
    })),
  };
}

function expectAgreement(buf: Uint8Array): DecodeResult {
  const mine = decodeOtlpProto(buf);
  expect(mine).toEqual(referenceDecode(referenceCurrent, buf));
  expect(withoutNewFields(mine)).toEqual(referenceDecode(reference052, buf));
  return mine;
}

describe('decodeOtlpProto agrees with the protobufjs reference decoders', () => {
  it('on the OpenTelemetry JS SDK proto serializer output', () => {
    const buf = sdkProto(recordSdkSpans());
    const { spans, rejected } = expectAgreement(buf);
    expect(rejected).toBe(0);
    expect(spans).toHaveLength(9);
    expect(spans.map((s) => s.flags)).toContain(257); // sampled, parent known not remote
    const root = spans.find((s) => s.name === 'GET /api/cart')!;
    expect(root.attributes.find((a) => a.key === 'big.int')!.value).toEqual({ type: 'int', value: 2n ** 52n + 1n });
    expect(root.attributes.find((a) => a.key === 'negative')!.value).toEqual({ type: 'int', value: -42n });
    // One Resource object for the batch, one Scope object per tracer.
    expect(new Set(spans.map((s) => s.resource)).size).toBe(1);
    expect(new Set(spans.map((s) => s.scope)).size).toBe(2);
  });

  it.each(sampleSpans())('on encodeOtlpProto output: %s', (_, span) => {
    expectAgreement(encodeOtlpProto([span]));
  });

  it('on a hand-built message using every field, with unknown fields of every wire type at every level', () => {
    const buf = handBuiltRequest();
    const { spans } = expectAgreement(buf);
    expect(spans).toHaveLength(1);
    const s = spans[0]!;
    expect(s.resource.entityRefs).toEqual([
      { schemaUrl: 'https://schema', type: 'service', idKeys: ['service.name', 'service.instance.id'], descriptionKeys: ['service.version'] },
    ]);
    expect(s.resource.schemaUrl).toBe('resource-schema');
    expect(s.scope.schemaUrl).toBe('scope-schema');
    expect(s.flags).toBe(0x101);
    expect(s.links[0]!.flags).toBe(0x301);
    expect(s.attributes.map((a) => a.value.type)).toEqual([
      'string', 'bool', 'int', 'int', 'int', 'int', 'double', 'bytes', 'array', 'kvlist', 'empty', 'empty', 'empty',
    ]);
    expect(s.attributes[3]!.value).toEqual({ type: 'int', value: -1n });
    expect(s.attributes[5]!.value).toEqual({ type: 'int', value: -(2n ** 63n) });
    expect(s.endTimeUnixNano).toBe(2n ** 64n - 1n);
  });

  it('on a message built by the current-schema protobufjs encoder', () => {
    const id = (n: number, len: number) => Buffer.alloc(len, n);
    const buf = encodeCurrent({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }], entityRefs: [{ type: 'host', idKeys: ['host.id'] }] },
          scopeSpans: [
            {
              scope: { name: 's' },
              spans: [
                { traceId: id(1, 16), spanId: id(2, 8), name: 'x', flags: 1, startTimeUnixNano: '1700000000000000000', status: { code: 1 } },
                { traceId: id(1, 16), spanId: id(3, 8), parentSpanId: id(2, 8), kind: 2, attributes: [{ key: 'n', value: { intValue: '-9007199254740993' } }] },
              ],
            },
          ],
        },
        { scopeSpans: [{ spans: [{ traceId: id(4, 16), spanId: id(5, 8) }] }] },
      ],
    });
    const { spans } = expectAgreement(buf);
    expect(spans.map((s) => s.parentSpanId)).toEqual([null, '0202020202020202', null]);
    expect(spans[1]!.attributes[0]!.value).toEqual({ type: 'int', value: -9007199254740993n });
  });
});
