import { describe, expect, it } from 'vitest';
import { DecodeError } from '../decode-error.js';
import { decodeOtlpProto } from '../otlp-proto/decode.js';
import { recordSdkSpans, sdkJson, sdkProto } from '../testing/sdk-payloads.js';
import { decodeOtlpJson } from './decode.js';

const ID = '5B8EFFF798038103D269B633813FC60C';
const SPAN_ID = 'EEE19B7EC3C1B174';

/** A request with one span whose fields are `span` (plus ids), under a resource and scope. */
const one = (span: Record<string, unknown>, wrap: (s: unknown) => unknown = (s) => s): string =>
  JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [wrap({ traceId: ID, spanId: SPAN_ID, ...span })] }] }] });

describe('decodeOtlpJson', () => {
  it('decodes the OpenTelemetry JS SDK JSON serializer output to the same spans as its protobuf output', () => {
    const recorded = recordSdkSpans();
    const fromJson = decodeOtlpJson(sdkJson(recorded));
    expect(fromJson.spans).toHaveLength(9);
    expect(fromJson).toEqual(decodeOtlpProto(sdkProto(recorded)));
    // as a string too, and with a byte order mark
    expect(decodeOtlpJson(new TextDecoder().decode(sdkJson(recorded)))).toEqual(fromJson);
    expect(decodeOtlpJson(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sdkJson(recorded)]))).toEqual(fromJson);
  });

  it('accepts snake_case keys, enum names, ids in any case, 64-bit integers as numbers or strings', () => {
    const body = JSON.stringify({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }], dropped_attributes_count: '2', entity_refs: [{ type: 'host', id_keys: ['host.id'] }] },
          schema_url: 'r',
          scope_spans: [
            {
              scope: { name: 'lib', dropped_attributes_count: 1 },
              schema_url: 's',
              spans: [
                {
                  trace_id: ID,
                  span_id: SPAN_ID,
                  parent_span_id: '0000000000000000',
                  trace_state: 'a=b',
                  kind: 'SPAN_KIND_CLIENT',
                  start_time_unix_nano: 1700000000000000000,
                  end_time_unix_nano: '1700000000000000001',
                  attributes: [
                    { key: 'i', value: { int_value: '-9223372036854775808' } },
                    { key: 'n', value: { intValue: 42 } },
                    { key: 'd', value: { double_value: 'NaN' } },
                    { key: 'd2', value: { doubleValue: '-Infinity' } },
                    { key: 'd3', value: { doubleValue: '1.5' } },
                    { key: 'b', value: { bytes_value: '-_8' } },
                    { key: 'a', value: { array_value: { values: [{ bool_value: false }, {}] } } },
                    { key: 'kv', value: { kvlist_value: { values: [{ key: 'x' }] } } },
                    { key: 'null', value: null },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                  links: [{ trace_id: ID.toLowerCase(), span_id: SPAN_ID, flags: 256 }],
                  flags: '769',
                  unknownField: { anything: [1, 2] },
                },
              ],
            },
          ],
        },
      ],
    });
    const { spans, rejected } = decodeOtlpJson(body);
    expect(rejected).toBe(0);
    const s = spans[0]!;
    expect(s.traceId).toBe(ID.toLowerCase());
    expect(s.parentSpanId).toBeNull();
    expect(s.kind).toBe(3);
    expect(s.startTimeUnixNano).toBe(1700000000000000000n);
    expect(s.endTimeUnixNano).toBe(1700000000000000001n);
    expect(s.status).toEqual({ code: 2, message: 'boom' });
    expect(s.flags).toBe(769);
    expect(s.links[0]!.flags).toBe(256);
    expect(s.resource).toEqual({
      attributes: [{ key: 'service.name', value: { type: 'string', value: 'svc' } }],
      droppedAttributesCount: 2,
      entityRefs: [{ schemaUrl: '', type: 'host', idKeys: ['host.id'], descriptionKeys: [] }],
      schemaUrl: 'r',
    });
    expect(s.scope).toEqual({ name: 'lib', version: '', attributes: [], droppedAttributesCount: 1, schemaUrl: 's' });
    expect(s.attributes.map((a) => a.value)).toEqual([
      { type: 'int', value: -(2n ** 63n) },
      { type: 'int', value: 42n },
      { type: 'double', value: NaN },
      { type: 'double', value: -Infinity },
      { type: 'double', value: 1.5 },
      { type: 'bytes', value: new Uint8Array([0xfb, 0xff]) },
      { type: 'array', value: [{ type: 'bool', value: false }, { type: 'empty' }] },
      { type: 'kvlist', value: [{ key: 'x', value: { type: 'empty' } }] },
      { type: 'empty' },
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a non-hex trace id', { traceId: 'zz'.repeat(16) }, 'an invalid trace_id (not a hex string)'],
    ['a base64 trace id', { traceId: 'W47/95gDgQPSabYzgT/GDA==' }, 'an invalid trace_id (not a hex string)'],
    ['a trace id that is a number', { traceId: 5 }, 'an invalid trace_id (not a hex string)'],
    ['a non-hex span id', { spanId: 'z'.repeat(16) }, 'an invalid span_id (not a hex string)'],
    ['an odd-length span id', { spanId: 'abc' }, 'an invalid span_id (not a hex string)'],
    ['a non-hex parent span id', { parentSpanId: 'parent!!' }, 'an invalid parent_span_id (not a hex string)'],
    ['a link with a non-hex trace id', { links: [{ traceId: 'zz'.repeat(16), spanId: SPAN_ID }] }, 'a link with an invalid trace_id (not a hex string)'],
    ['a link with a span id that is an object', { links: [{ traceId: ID, spanId: {} }] }, 'a link with an invalid span_id (not a hex string)'],
  ])('refuses a span with %s alone (partial success); the other spans of the request are kept', (_, bad, problem) => {
    const span = (i: number, over: Record<string, unknown> = {}) => ({ traceId: ID, spanId: `${SPAN_ID.slice(0, 12)}${String(i).padStart(4, '0')}`, name: `s${i}`, ...over });
    const spans = Array.from({ length: 123 }, (_, i) => (i === 61 ? span(i, { ...bad, name: 'POST' }) : span(i)));
    const result = decodeOtlpJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
    expect(result.spans.map((s) => s.name)).toEqual(spans.filter((_, i) => i !== 61).map((s) => s.name));
    expect(result.rejected).toBe(1);
    expect(result.rejectMessage).toBe(`1 span rejected: span 'POST' has ${problem}`);
  });

  it.each<[string, string | Uint8Array, RegExp]>([
    ['not JSON', '{"resourceSpans": [', /invalid JSON/],
    ['not JSON (bytes)', new Uint8Array([0x7b, 0xff]), /invalid JSON/],
    ['a top-level array', '[]', /expected an object at the top level/],
    ['resourceSpans not an array', '{"resourceSpans": {}}', /expected an array at resourceSpans/],
    ['a span that is not an object', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [1] }] }] }), /expected an object at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]/],
    ['a fractional time', one({ startTimeUnixNano: 1.5 }), /expected an integer .* at .*startTimeUnixNano/],
    ['a negative time', one({ endTimeUnixNano: '-1' }), /out of range at .*endTimeUnixNano/],
    ['int64 out of range', one({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }), /out of range at .*attributes\[0\]\.value\.intValue/],
    ['a bool as a string', one({ attributes: [{ key: 'k', value: { boolValue: 'true' } }] }), /expected true or false/],
    ['bad base64', one({ attributes: [{ key: 'k', value: { bytesValue: 'a*b' } }] }), /expected base64/],
    ['two AnyValue members', one({ attributes: [{ key: 'k', value: { stringValue: 'a', intValue: '1' } }] }), /AnyValue has both stringValue and intValue/],
    ['an unknown enum name', one({ kind: 'SPAN_KIND_BOGUS' }), /unknown enum value "SPAN_KIND_BOGUS" at .*\.kind/],
    ['a string as a count', one({ droppedEventsCount: 'many' }), /expected an integer/],
    ['a negative count', one({ droppedLinksCount: -1 }), /out of range/],
    ['a number as a name', one({ name: 5 }), /expected a string at .*\.name/],
    ['an attribute key that is not a string', one({ attributes: [{ key: 1 }] }), /expected a string at .*attributes\[0\]\.key/],
    ['an array value without an object', one({ attributes: [{ key: 'k', value: { arrayValue: [] } }] }), /expected an object/],
    ['values nested too deep', one({ attributes: [{ key: 'k', value: Array.from({ length: 70 }).reduce((v) => ({ arrayValue: { values: [v] } }), {}) }] }), /nested deeper than 64/],
    ['an event time that is not a number', one({ events: [{ timeUnixNano: 'soon' }] }), /at .*events\[0\]\.timeUnixNano/],
  ])('refuses %s with a DecodeError naming the place', (_, body, message) => {
    expect(() => decodeOtlpJson(body)).toThrow(DecodeError);
    expect(() => decodeOtlpJson(body)).toThrow(message);
  });
});
