import { SpanKind, dbl, int, str } from '@clew/model';
import type { AnyValue, Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { decodeZipkinJson } from './decode-json.js';
import { decodeZipkinV1Json } from './decode-json-v1.js';
import { toZipkinSpan, toZipkinTrace } from './to-zipkin.js';

/** One span of Zipkin v2 JSON written as text, so that numbers go in exactly as a client writes them. */
const v2 = (fields: string) => `[{"traceId":"5af7183fb1d4cf5f","id":"6b221d5bc9e6496c","name":"get","timestamp":1700000000000001,${fields}}]`;

/**
 * Numbers on the way through Zipkin: JSON in (the number's source text) → model → Zipkin JSON out (as text).
 * zipkin-server reads a tag sent as a number as the number's text, and keeps it.
 */
describe('a tag sent as a JSON number keeps its text', () => {
  it.each([
    ['an integer beyond 2^53 (py_zipkin)', '9007199254740993'],
    ['a negative integer beyond 2^53', '-9007199254740993'],
    ['beyond int64', '123456789012345678901234567890'],
    ['1.0 (not 1)', '1.0'],
    ['-0 (not 0)', '-0'],
    ['a fraction with a trailing zero', '0.10'],
    ['an exponent, as written', '1E+2'],
    ['a small integer', '200'],
  ])('%s: %s', (_name, literal) => {
    const { spans } = decodeZipkinJson(v2(`"tags":{"a":"text","n":${literal}}`));
    expect(spans[0]!.attributes).toEqual([{ key: 'a', value: str('text') }, { key: 'n', value: str(literal) }]);
    expect(JSON.stringify(toZipkinTrace(spans)[0]!.tags)).toBe(`{"a":"text","n":"${literal}"}`);
  });

  it('in every span of the request, whichever span the first number is in', () => {
    const body = `[{"traceId":"1","id":"1","name":"a\\"b\\\\","timestamp":1,"tags":{"s":"x\\u00e9"}},{"traceId":"1","id":"2","timestamp":2,"tags":{"n":1.50,"b":true}}]`;
    const { spans } = decodeZipkinJson(body);
    expect(spans.map((s) => [s.name, s.attributes])).toEqual([
      ['a"b\\', [{ key: 's', value: str('xé') }]],
      ['', [{ key: 'n', value: str('1.50') }, { key: 'b', value: str('true') }]],
    ]);
  });

  it('a v1 binary annotation sent as a number keeps its text too', () => {
    const v1 = '[{"traceId":"1","id":"2","name":"get","timestamp":10,"binaryAnnotations":[{"key":"n","value":9007199254740993,"endpoint":{"serviceName":"a"}}]}]';
    const [span] = decodeZipkinV1Json(v1).spans;
    expect(span!.attributes[0]).toEqual({ key: 'n', value: str('9007199254740993') });
    expect(toZipkinSpan(span!).tags).toEqual({ n: '9007199254740993' });
  });

  it('a deeply nested body with a number tag is refused as malformed, not by a stack overflow', () => {
    const body = `[{"traceId":"1","id":"1","tags":{"n":1}},${'['.repeat(200_000)}${']'.repeat(200_000)}]`;
    expect(() => decodeZipkinJson(body)).toThrow('expected an object at [1]');
  });

  it('a tag value that is neither text, number nor boolean is still refused, naming the place', () => {
    expect(() => decodeZipkinJson(v2('"tags":{"n":1.0,"o":[1]}'))).toThrow('expected a string tag value, not [1] at [0].tags["o"]');
  });
});

/**
 * Annotations packed as "name|{json}|dropped" (how OpenTelemetry's exporter writes an event with attributes) are
 * unpacked into typed attributes and packed again: integers read exactly, written as numbers.
 */
describe('integers in annotation JSON', () => {
  it.each<[string, string, AnyValue, string]>([
    ['beyond 2^53', '9007199254740993', int(9007199254740993n), '9007199254740993'],
    ['the int64 minimum', '-9223372036854775808', int(-(2n ** 63n)), '-9223372036854775808'],
    ['beyond int64: a double, as the translator\'s float64', '18446744073709551616', dbl(18446744073709551616), '18446744073709552000'],
    ['1.0: an int, as the translator makes it', '1.0', int(1), '1'],
    ['1.5: a double', '1.5', dbl(1.5), '1.5'],
  ])('%s: %s', (_name, literal, value, out) => {
    const { spans } = decodeZipkinJson(v2(`"annotations":[{"timestamp":1700000000000002,"value":"retry|{\\"n\\":${literal}}|0"}]`));
    expect(spans[0]!.events[0]!.attributes).toEqual([{ key: 'n', value }]);
    expect(toZipkinTrace(spans)[0]!.annotations).toEqual([{ timestamp: 1700000000000002, value: `retry|{"n":${out}}|0` }]);
  });

  it('in a link tag', () => {
    const link = `${'ab'.repeat(16)}|${'cd'.repeat(8)}||{\\"n\\":9007199254740993}|0`;
    const { spans } = decodeZipkinJson(v2(`"tags":{"otlp.link.0":"${link}"}`));
    expect(spans[0]!.links[0]!.attributes).toEqual([{ key: 'n', value: int(9007199254740993n) }]);
    expect(toZipkinTrace(spans)[0]!.tags).toEqual({ 'otlp.link.0': link.replaceAll('\\"', '"') });
  });
});

/** Model → Zipkin: the JSON that carries arrays, maps and event attributes writes int64 as exact numbers. */
describe('int64 beyond 2^53 in Zipkin answers', () => {
  const span = (over: Partial<Span>): Span =>
    makeSpan({
      traceId: '0000000000000000a1b2c3d4e5f60718' as TraceId,
      spanId: '6b221d5bc9e6496c' as SpanId,
      kind: SpanKind.SERVER,
      resource: makeResource('backend'),
      scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' },
      ...over,
    });
  const big = int(9007199254740993n);

  it.each<[string, Partial<Span>, (z: ReturnType<typeof toZipkinSpan>) => unknown, unknown]>([
    ['an int attribute: its digits', { attributes: [{ key: 'n', value: big }] }, (z) => z.tags, { n: '9007199254740993' }],
    ['an array attribute', { attributes: [{ key: 'ids', value: { type: 'array', value: [big, int(1)] } }] }, (z) => z.tags, { ids: '[9007199254740993,1]' }],
    ['a map attribute', { attributes: [{ key: 'm', value: { type: 'kvlist', value: [{ key: 'n', value: big }] } }] }, (z) => z.tags, { m: '{"n":9007199254740993}' }],
    ['event attributes, nested maps sorted as the exporter\'s json.Marshal sorts them', {
      events: [{
        timeUnixNano: 1_700_000_000_000_000_000n as UnixNanos,
        name: 'e',
        attributes: [{ key: 'm', value: { type: 'kvlist', value: [{ key: 'z', value: big }, { key: 'a', value: str('<') }] } }, { key: 'b', value: big }],
        droppedAttributesCount: 2,
      }],
    }, (z) => z.annotations, [{ timestamp: 1_700_000_000_000_000, value: 'e|{"b":9007199254740993,"m":{"a":"\\u003c","z":9007199254740993}}|2' }]],
  ])('%s', (_name, over, pick, expected) => {
    expect(pick(toZipkinSpan(span(over)))).toEqual(expected);
  });
});
