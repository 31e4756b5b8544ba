import { describe, expect, it } from 'vitest';
import type { AnyValueJsonStyle } from './any-value-json.js';
import { anyValueJsonText, goHtmlSafe } from './any-value-json.js';
import type { AnyValue } from './attributes.js';
import { anyValueToString, bool, dbl, int, str } from './attributes.js';

const arr = (...value: AnyValue[]): AnyValue => ({ type: 'array', value });
const map = (...kv: Array<[string, AnyValue]>): AnyValue => ({ type: 'kvlist', value: kv.map(([key, value]) => ({ key, value })) });
const bytes = (...b: number[]): AnyValue => ({ type: 'bytes', value: new Uint8Array(b) });
const EMPTY: AnyValue = { type: 'empty' };
const GO: AnyValueJsonStyle = { go: true, nonFinite: 'throw' };

/** One value, its JSON text as sent order keeps it, and as Go's json.Marshal of pcommon's AsRaw() writes it. */
describe('anyValueJsonText', () => {
  it.each<[string, AnyValue, string, string]>([
    ['int64 beyond 2^53 is an exact number', arr(int(9007199254740993n)), '[9007199254740993]', '[9007199254740993]'],
    ['int64 extremes', arr(int(-(2n ** 63n)), int(2n ** 63n - 1n)), '[-9223372036854775808,9223372036854775807]', '[-9223372036854775808,9223372036854775807]'],
    ['a safe int, a double, a bool', arr(int(42), dbl(0.25), bool(true)), '[42,0.25,true]', '[42,0.25,true]'],
    ['a double with an integer value is written as JavaScript and Go write it', arr(dbl(1), dbl(1e21), dbl(1e-7)), '[1,1e+21,1e-7]', '[1,1e+21,1e-7]'],
    ['strings: Go escapes <, >, &, U+2028 and U+2029', arr(str('a<b>&c\u2028"\\')), '["a<b>&c\u2028\\"\\\\"]', '["a\\u003cb\\u003e\\u0026c\\u2028\\"\\\\"]'],
    ['bytes are base64, an empty value null', arr(bytes(1, 2, 255), EMPTY), '["AQL/",null]', '["AQL/",null]'],
    ['map keys: in order sent, or sorted as Go sorts them', map(['b', int(1)], ['a', int(2)], ['10', int(3)]), '{"b":1,"a":2,"10":3}', '{"10":3,"a":2,"b":1}'],
    ['a repeated key keeps its last value (in its first place, when not sorted)', map(['b', int(1)], ['a', int(2)], ['b', int(3)]), '{"b":3,"a":2}', '{"a":2,"b":3}'],
    ['a key with <', map(['<', str('&')]), '{"<":"&"}', '{"\\u003c":"\\u0026"}'],
    ['nested maps and arrays, int64 exact all the way down', arr(map(['z', arr(int(-9007199254740993n))], ['y', map(['x', int(9007199254740993n)])])),
      '[{"z":[-9007199254740993],"y":{"x":9007199254740993}}]', '[{"y":{"x":9007199254740993},"z":[-9007199254740993]}]'],
    ['empty array and map', arr(arr(), map()), '[[],{}]', '[[],{}]'],
  ])('%s', (_name, value, plain, go) => {
    expect(anyValueJsonText(value)).toBe(plain);
    expect(anyValueJsonText(value, GO)).toBe(go);
  });

  it('NaN and ±Infinity are null by default, and refused when asked to (as json.Marshal refuses them)', () => {
    const v = arr(dbl(NaN), dbl(Infinity), dbl(-Infinity));
    expect(anyValueJsonText(v)).toBe('[null,null,null]');
    expect(anyValueJsonText(v, { go: true })).toBe('[null,null,null]');
    expect(() => anyValueJsonText(v, GO)).toThrow(RangeError);
  });

  it('is JSON that parses back to the same structure (safe ints and strings compared)', () => {
    const v = map(['s', str('x\u0000y\ud83d\ude00')], ['n', arr(int(1), dbl(-2.5), bool(false), EMPTY)], ['m', map(['k', str('<v>')])]);
    const expected = { s: 'x\u0000y\ud83d\ude00', n: [1, -2.5, false, null], m: { k: '<v>' } };
    expect(JSON.parse(anyValueJsonText(v))).toEqual(expected);
    expect(JSON.parse(anyValueJsonText(v, GO))).toEqual(expected);
  });
});

describe('anyValueToString: arrays and maps as JSON text, int64 exact', () => {
  it.each<[string, AnyValue, string]>([
    ['an array with an int beyond 2^53', arr(int(9007199254740993n), str('x')), '[9007199254740993,"x"]'],
    ['a map in the order sent', map(['b', int(-9007199254740993n)], ['a', str('<')]), '{"b":-9007199254740993,"a":"<"}'],
    ['a top-level int beyond 2^53 as its digits', int(9007199254740993n), '9007199254740993'],
  ])('%s', (_name, value, text) => {
    expect(anyValueToString(value)).toBe(text);
  });
});

describe('goHtmlSafe', () => {
  it('escapes only the characters Go escapes', () => {
    expect(goHtmlSafe(JSON.stringify({ q: 'a<b>&\u2028\u2029é' }))).toBe('{"q":"a\\u003cb\\u003e\\u0026\\u2028\\u2029é"}');
  });
});
