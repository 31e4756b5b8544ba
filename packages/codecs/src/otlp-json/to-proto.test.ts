import type { AnyValue, Span } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { decodeOtlpProto } from '../otlp-proto/decode.js';
import { sampleSpans } from '../testing/sample-spans.js';
import { recordSdkSpans, sdkJson } from '../testing/sdk-payloads.js';
import { decodeOtlpJson } from './decode.js';
import { otlpJsonToProto } from './to-proto.js';
import { encodeOtlpJsonText } from './write-text.js';

const ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

/** A request with one span whose fields are `span` (plus ids). */
const one = (span: Record<string, unknown>): string => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: ID, spanId: SPAN_ID, ...span }] }] }] });
const attribute = (value: unknown): string => one({ attributes: [{ key: 'k', value }] });

/** What the fast path leaves out: base64 bytes and entity refs (decodeOtlpJson reads them). */
const fastKinds = (v: AnyValue): boolean =>
  v.type === 'bytes' ? false : v.type === 'array' ? v.value.every(fastKinds) : v.type === 'kvlist' ? v.value.every((kv) => fastKinds(kv.value)) : true;
const fastSpans = (): Span[] =>
  sampleSpans()
    .map(([, s]) => ({ ...s, resource: { ...s.resource, entityRefs: [] }, attributes: s.attributes.filter((kv) => fastKinds(kv.value)) }));

/** The fast path's answer for `doc`, checked against decodeOtlpJson: the same spans, every one accepted. */
function agrees(doc: string | Uint8Array): number {
  const bytes = typeof doc === 'string' ? Buffer.from(doc) : doc;
  const fast = otlpJsonToProto(bytes);
  expect(fast, 'the fast path gave up').toBeDefined();
  const slow = decodeOtlpJson(bytes);
  expect(slow.rejected).toBe(0);
  expect(fast!.spans).toBe(slow.spans.length);
  expect(decodeOtlpProto(fast!.proto)).toEqual(slow);
  return fast!.spans;
}

describe('otlpJsonToProto', () => {
  it('gives the spans decodeOtlpJson gives, for every field and value kind it takes', () => {
    const spans = fastSpans();
    expect(agrees(encodeOtlpJsonText(spans))).toBe(spans.length);
    // pretty-printed: whitespace between every token
    expect(agrees(JSON.stringify(JSON.parse(encodeOtlpJsonText(spans).toString()), null, 2))).toBe(spans.length);
    expect(agrees(sdkJson(recordSdkSpans()))).toBe(9);
    expect(agrees('{"resourceSpans":[]}')).toBe(0);
    expect(agrees('{"resourceSpans":[{}]}')).toBe(0);
  });

  it('takes what the protobuf JSON mapping allows besides what Clew writes', () => {
    const doc = JSON.stringify({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }], dropped_attributes_count: '2' },
          schema_url: 'r',
          scope_spans: [
            {
              scope: { name: 'lib', version: '1', dropped_attributes_count: 1 },
              schema_url: 's',
              spans: [
                {
                  trace_id: ID.toUpperCase(),
                  span_id: SPAN_ID.toUpperCase(),
                  parent_span_id: '0000000000000000',
                  trace_state: 'a=b',
                  name: 'GET',
                  kind: 'SPAN_KIND_SERVER',
                  flags: '769',
                  start_time_unix_nano: 1700000000000,
                  end_time_unix_nano: '18446744073709551615',
                  attributes: [
                    { key: 'i', value: { int_value: 42 } },
                    { key: 'n', value: { intValue: '-9223372036854775808' } },
                    { key: 'm', value: { intValue: -12 } },
                    { key: 'safe', value: { intValue: 9007199254740991 } },
                    { key: 'unsafe', value: { intValue: '-9007199254740993' } },
                    { key: 'z', value: { intValue: '-0' } },
                    { key: 'big', value: { intValue: '9223372036854775807' } },
                    { key: 'd', value: { double_value: 1.5e-7 } },
                    { key: 'e', value: { doubleValue: -0 } },
                    { key: 'nan', value: { doubleValue: 'NaN' } },
                    { key: 'inf', value: { doubleValue: '-Infinity' } },
                    { key: 'b', value: { bool_value: false } },
                    { key: 'a', value: { array_value: { values: [{ stringValue: 'x' }, {}] } } },
                    { key: 'l', value: { kvlist_value: {} } },
                    { key: 'novalue' },
                    { value: { stringValue: 'nokey' } },
                  ],
                  dropped_attributes_count: 1,
                  events: [{ time_unix_nano: '5', name: 'e', dropped_attributes_count: 2, attributes: [] }],
                  dropped_events_count: 3,
                  links: [{ trace_id: '00000000000000000000000000000000', span_id: '0000000000000000', trace_state: 't', flags: 1, dropped_attributes_count: 4 }],
                  dropped_links_count: '5',
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(agrees(doc)).toBe(1);
    expect(agrees(one({ kind: '3', status: { code: 1 } }))).toBe(1);
    expect(agrees(`\r\n\t {"resourceSpans" : [ ] } \n`)).toBe(0);
  });

  it('finds every field wherever a writer puts it: objects of one document in other orders and spellings', () => {
    const a = { traceId: ID, spanId: SPAN_ID, name: 'a', kind: 2, attributes: [{ key: 'k', value: { stringValue: 'v' } }] };
    const b = { attributes: [{ value: { intValue: '1' }, key: 'k' }], kind: 3, flags: 1, name: 'b', span_id: SPAN_ID, trace_id: ID };
    const c = { ...a, parentSpanId: 'fee19b7ec3c1b174', status: { message: 'm', code: 2 }, attributes: [{ key: 'd', value: { doubleValue: 1.5 } }] };
    const doc = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [a, b, a, c, b, c, a] }] }] });
    expect(agrees(doc)).toBe(7);
  });

  it('keeps every byte as its output outgrows the buffer sized from the JSON', () => {
    // Empty values take more bytes as protobuf than as JSON ({} against a KeyValue holding an empty AnyValue): the
    // buffer grows while strings are copied, and a message's length must not be written by growing it again.
    for (let n = 0; n < 300; n++) {
      for (const name of ['a', 'é', '\\n']) expect(agrees(one({ attributes: Array(n).fill({}), name: 'NAME' }).replace('NAME', name))).toBe(1);
    }
  });

  it('reads escapes and UTF-8 as JSON.parse does', () => {
    const escaped = String.raw`a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\u20AC\ud834\udd1e`;
    expect(agrees(one({ name: 'NAME' }).replace('NAME', escaped))).toBe(1);
    expect(decodeOtlpJson(one({ name: 'NAME' }).replace('NAME', escaped)).spans[0]!.name).toBe('a"b\\c/d\b\f\n\r\t\0é€𝄞');
    expect(agrees(one({ name: 'héllo wörld ✓ 𝄞 日本語', traceState: 'x'.repeat(300), attributes: [{ key: 'ключ', value: { stringValue: '\u2028\u0001"' } }] }))).toBe(1);
    // a string of 127 and 128 bytes: a length of one and of two bytes
    expect(agrees(one({ name: 'n'.repeat(127), traceState: 's'.repeat(128) }))).toBe(1);
  });

  it.each([
    ['an unknown field', one({ extra: 1 })],
    ['an unknown field at the top', '{"resourceSpans":[],"x":1}'],
    ['a field twice', one({ name: 'a' }).replace('"name":"a"', '"name":"a","name":"b"')],
    ['a field under both spellings', one({ name: 'a', trace_id: ID })],
    ['a null', one({ name: null })],
    ['base64 bytes', attribute({ bytesValue: 'AAE=' })],
    ['entity refs', '{"resourceSpans":[{"resource":{"entityRefs":[{"type":"host"}]}}]}'],
    ['an id not hex', one({ traceId: 'z'.repeat(32) })],
    ['an id of another length', one({ spanId: 'abcd' })],
    ['an all-zero trace id', one({ traceId: '0'.repeat(32) })],
    ['a missing span id', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: ID }] }] }] })],
    ['a parent of another length', one({ parentSpanId: 'ab' })],
    ['a link without ids', one({ links: [{}] })],
    ['a kind beyond the enum', one({ kind: 9 })],
    ['an unknown enum name', one({ kind: 'SPAN_KIND_ODD' })],
    ['a count beyond 32 bits', one({ droppedAttributesCount: 4294967296 })],
    ['a time beyond 64 bits', one({ startTimeUnixNano: '18446744073709551616' })],
    ['a number JSON.parse rounds', one({ startTimeUnixNano: 0 }).replace('"startTimeUnixNano":0', '"startTimeUnixNano":1700000000000000001')],
    ['an int JSON.parse rounds', attribute({ intValue: 0 }).replace('"intValue":0', '"intValue":9007199254740993')],
    ['a negative int JSON.parse rounds', attribute({ intValue: 0 }).replace('"intValue":0', '"intValue":-9007199254740993')],
    ['an integer with a fraction', one({ flags: 1.0 }).replace('"flags":1', '"flags":1.0')],
    ['an int beyond int64', attribute({ intValue: '9223372036854775808' })],
    ['a double as another string', attribute({ doubleValue: '1.5' })],
    ['two members in a value', attribute({ stringValue: 'a', intValue: 1 })],
    ['a lone surrogate', one({ name: '\\ud800' }).replace('\\\\', '\\')],
    ['invalid UTF-8', Buffer.concat([Buffer.from(one({ name: 'a' }).slice(0, -8)), Buffer.from([0xc3, 0x28]), Buffer.from(one({ name: 'a' }).slice(-7))])],
    ['a byte order mark', `\ufeff${one({})}`],
    ['a raw control character', one({ name: 'a\nb' }).replace('\\n', '\n')],
    ['an unknown escape', one({ name: 'a' }).replace('"a"', '"\\x"')],
    ['a trailing comma', one({}).replace(/}]}]}]}$/, ',}]}]}]}')],
    ['text after the document', `${one({})} x`],
    ['no resourceSpans', '{}'],
    ['an array at the top', '[]'],
    ['a truncated document', one({}).slice(0, -3)],
  ])('leaves to decodeOtlpJson: %s', (_, doc) => {
    expect(otlpJsonToProto(typeof doc === 'string' ? Buffer.from(doc) : doc)).toBeUndefined();
  });

  it('reads a KeyValue written compactly (matched byte by byte) as it reads one written with spaces (field by field)', () => {
    /**
     * The answer for a document as written and with a space after each `{`, `[`, `,` and `:` (none is in its strings):
     * the same protobuf, or both left to decodeOtlpJson.
     */
    const alike = (doc: string): Uint8Array | undefined => {
      const compact = otlpJsonToProto(Buffer.from(doc));
      const spaced = otlpJsonToProto(Buffer.from(doc.replace(/([{[,:])/g, '$1 ')));
      expect(compact === undefined, doc).toBe(spaced === undefined);
      if (compact !== undefined) expect(Buffer.from(compact.proto).equals(Buffer.from(spaced!.proto)), doc).toBe(true);
      return compact?.proto;
    };
    const kv = (...members: string[]): string => one({}).replace('"spanId"', `"attributes":[${members.join(',')}],"spanId"`);
    for (const value of [
      '{"stringValue":"a"}',
      '{"stringValue":""}',
      '{"stringValue":"tab\\t é \\u00e9"}',
      '{"intValue":"42"}',
      '{"intValue":42}',
      '{"intValue":"-7"}',
      '{"intValue":"9223372036854775807"}',
      '{"boolValue":true}',
      '{"boolValue":false}',
      '{"doubleValue":1.5e-3}',
      '{"doubleValue":"NaN"}',
      '{"doubleValue":-0}',
      '{"arrayValue":{"values":[{"intValue":"1"}]}}',
      '{"kvlistValue":{"values":[{"key":"in","value":{"boolValue":true}}]}}',
      '{}',
    ]) {
      expect(alike(kv(`{"key":"k","value":${value}}`)), value).toBeDefined();
      expect(alike(kv(`{"key":"","value":${value}}`)), value).toBeDefined();
    }
    expect(alike(kv('{"key":"k"}', '{"key":"k\\"q","value":{"stringValue":"v"}}', '{"value":{"stringValue":"v"},"key":"k"}'))).toBeDefined();
    // What the field-by-field reading leaves to decodeOtlpJson, the compact one does too.
    for (const member of [
      '{"key":"k","value":{"stringValue":"a","intValue":"1"}}',
      '{"key":"k","value":{"stringValue":"a"},"key":"x"}',
      '{"key":"k","value":{"intValue":"1.5"}}',
      '{"key":"k","value":{"intValue":null}}',
      '{"key":"k","value":{"boolValue":"true"}}',
      '{"key":"k","value":{"doubleValue":"1.5"}}',
      '{"key":"k","value":{"stringValue":null}}',
    ]) {
      expect(alike(kv(member)), member).toBeUndefined();
    }
    // Nested key-value lists, a scalar at the bottom: read alike on either side of the depth given up at.
    for (let depth = 28; depth <= 36; depth++) {
      let value = '{"stringValue":"leaf"}';
      for (let i = 0; i < depth; i++) value = `{"kvlistValue":{"values":[{"key":"k${i}","value":${value}}]}}`;
      alike(kv(`{"key":"k","value":${value}}`));
    }
  });

  it('deep values are left to decodeOtlpJson', () => {
    let v: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) v = { arrayValue: { values: [v] } };
    expect(otlpJsonToProto(Buffer.from(attribute(v)))).toBeUndefined();
  });

  it('never answers where decodeOtlpJson would refuse or differ: every truncation and 4,000 mutations', () => {
    const seed = encodeOtlpJsonText(fastSpans().slice(0, 6));
    let answered = 0;
    const check = (bytes: Uint8Array): void => {
      const fast = otlpJsonToProto(bytes);
      if (fast === undefined) return;
      answered++;
      const slow = decodeOtlpJson(bytes); // throws, failing the test, where the fast path answered wrongly
      expect(slow.rejected).toBe(0);
      expect(decodeOtlpProto(fast.proto).spans).toEqual(slow.spans);
    };
    for (let len = 0; len < seed.length; len++) check(seed.subarray(0, len));
    // xorshift32 with a fixed seed: every run tries the same mutations
    let x = 0xc1e3;
    const rand = (n: number): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const tokens = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'null', '0', '-', '1e3', '.5', '\\u00e9', '\u00e9', '\\ud800', 'é'];
    for (let i = 0; i < 4000; i++) {
      const b = [...seed];
      const at = rand(b.length);
      if (i % 3 === 0) b.splice(at, 1 + rand(4));
      else if (i % 3 === 1) b.splice(at, rand(2), ...Buffer.from(tokens[rand(tokens.length)]!));
      else b[at] = rand(256);
      check(new Uint8Array(b));
    }
    // The unchanged prefix never closes the document; some mutations only change a value, and are answered.
    expect(answered).toBeGreaterThan(200);
  });
});
