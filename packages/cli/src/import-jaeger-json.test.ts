import { describe, expect, it } from 'vitest';
import type { AnyValue, Span } from '@clew/model';
import { decodeJaegerJsonTrace, parseJaegerJson } from './import-jaeger-json.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A Jaeger UI JSON document as text (numbers past 2^53 cannot come from JSON.stringify), one span in one trace. */
function jaegerText({ spanFields = '', tags = '[]', fields = '[]', processTags = '[]' } = {}): string {
  return `{"data": [{"traceID": "${TRACE}", "spans": [{"traceID": "${TRACE}", "spanID": "00f067aa0ba902b7", "operationName": "GET /",
    "references": [], "startTime": 1796000000000000, "duration": 1000, ${spanFields}
    "tags": ${tags}, "logs": [{"timestamp": 1796000000000500, "fields": ${fields}}], "processID": "p1"}],
    "processes": {"p1": {"serviceName": "frontend", "tags": ${processTags}}}}]}`;
}

/** The one span of the first trace of a document's text, read as `clew import` reads it. */
function importOne(text: string): Span {
  const { data } = parseJaegerJson(text) as { data: unknown[] };
  const result = decodeJaegerJsonTrace(data[0]);
  expect(result.rejected).toBe(0);
  return result.spans[0]!;
}

const valueOf = (attrs: readonly { key: string; value: AnyValue }[], key: string) => attrs.find((kv) => kv.key === key)?.value;

describe('decodeJaegerJsonTrace with parseJaegerJson: int64 values', () => {
  // Jaeger before v1.40 wrote int64 values as JSON numbers; JSON.parse would make these 2^63 and -2^53.
  it.each([
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['-9007199254740993', -9007199254740993n],
    ['1234567890123456', 1234567890123456n],
    ['42', 42n],
    ['"9223372036854775807"', 9223372036854775807n], // as Jaeger writes them now
  ])('%s in a span tag, a log field and a process tag comes back exactly', (literal, want) => {
    const tag = `[{"key": "n", "type": "int64", "value": ${literal}}]`;
    const span = importOne(jaegerText({ tags: tag, fields: tag, processTags: `[{"key":"n","type":"int64","value":${literal}}]` }));
    expect(valueOf(span.attributes, 'n')).toEqual({ type: 'int', value: want });
    expect(valueOf(span.events[0]!.attributes, 'n')).toEqual({ type: 'int', value: want });
    expect(valueOf(span.resource.attributes, 'n')).toEqual({ type: 'int', value: want });
  });

  it.each([
    ['9223372036854775808', 'spans[0].tags[0] (n): int64 value 9223372036854775808 is out of range'],
    ['-9223372036854775809', 'spans[0].tags[0] (n): int64 value -9223372036854775809 is out of range'],
    ['99999999999999999999', 'spans[0].tags[0] (n): int64 value 99999999999999999999 is out of range'],
    ['"18446744073709551615"', 'spans[0].tags[0] (n): int64 value 18446744073709551615 is out of range'],
    ['1.5', 'spans[0].tags[0] (n): int64 value 1.5 is not a whole number'],
    ['"12abc"', 'spans[0].tags[0] (n): int64 value "12abc" is not a whole number'],
  ])('%s is refused, not wrapped: the message names the tag', (literal, message) => {
    const { data } = parseJaegerJson(jaegerText({ tags: `[{"key": "n", "type": "int64", "value": ${literal}}]` })) as { data: unknown[] };
    expect(() => decodeJaegerJsonTrace(data[0])).toThrow(message);
  });

  it('refuses a number past 2^53 that JSON.parse alone read, which may have been rounded', () => {
    const { data } = JSON.parse(jaegerText({ tags: '[{"key": "n", "type": "int64", "value": 9223372036854775807}]' })) as { data: unknown[] };
    expect(() => decodeJaegerJsonTrace(data[0])).toThrow(/^spans\[0\]\.tags\[0\] \(n\): int64 value 9223372036854776000 is past 2\^53 as a JSON number/);
  });
});

describe('parseJaegerJson', () => {
  it('quotes long integers that are the value of a "value" member, in any spacing', () => {
    expect(parseJaegerJson('{"a":{"value":-9007199254740993},"b":[{"key":"k", "value"\n:\t12345678901234567890\n}]}')).toEqual({
      a: { value: '-9007199254740993' },
      b: [{ key: 'k', value: '12345678901234567890' }],
    });
  });

  // Each text reads as JSON.parse reads it: the pattern inside a string, under another name, or not a whole integer.
  it.each([
    ['a tag value string holding the pattern', '{"key":"s","type":"string","value":"{\\"value\\": 12345678901234567890, \\"x\\":1}"}'],
    ['a string ending in it', '{"key":"s","value":"x,\\"value\\":12345678901234567890}"}'],
    ['a member named x"value', '{"x\\"value": 12345678901234567890}'],
    ['a member named "values"', '{"values": 12345678901234567890}'],
    ['a decimal and an exponent', '[{"value": 1234567890123456.5}, {"value": 12345678901234567e3}]'],
    ['15 digits', '{"value": 123456789012345}'],
  ])('leaves %s alone', (_name, text) => {
    expect(parseJaegerJson(text)).toEqual(JSON.parse(text));
  });

  it('keeps a tag value string holding the pattern as it is through the import', () => {
    const s = '{"value": 9223372036854775807, "type": "int64"}';
    const span = importOne(jaegerText({ tags: JSON.stringify([{ key: 's', type: 'string', value: s }]) }));
    expect(valueOf(span.attributes, 's')).toEqual({ type: 'string', value: s });
  });

  it('leaves text that is not JSON not JSON', () => {
    expect(() => parseJaegerJson('{"value": 01234567890123456789}')).toThrow(SyntaxError);
    expect(() => parseJaegerJson('{"data": [{"value": 12345678901234567890,]}')).toThrow(SyntaxError);
  });
});

describe('decodeJaegerJsonTrace: flags', () => {
  // Jaeger writes flags with omitempty (internal/uimodel/model.go): none means 0.
  it.each([
    ['no flags', 0, ''],
    ['flags 0', 0, '"flags": 0,'],
    ['flags 1', 1, '"flags": 1,'],
  ])('a span with %s imports with flags %i', (_name, want, spanFields) => {
    expect(importOne(jaegerText({ spanFields })).flags).toBe(want);
  });
});
