import { describe, expect, it } from 'vitest';
import type { JsonPath } from './json-number-text.js';
import { forEachNumber, keepNumberTexts, memberNumberTexts } from './json-number-text.js';

const numbersOf = (text: string): Array<[JsonPath, string]> => {
  const found: Array<[JsonPath, string]> = [];
  forEachNumber(text, (path, start, end) => found.push([[...path], text.slice(start, end)]));
  return found;
};

describe('forEachNumber: every number with its path and source text, in order', () => {
  it.each<[string, string, Array<[JsonPath, string]>]>([
    ['scalars in an array', '[1, -0.5, 1E+2, "2", true, false, null]', [[[0], '1'], [[1], '-0.5'], [[2], '1E+2']]],
    ['nested, with whitespace of every kind', ' {\n\t"a" : [ {"b":{"c":9007199254740993}} , [] ],\r\n "d":{"e":[1.0,{"f":-0}]} } ',
      [[['a', 0, 'b', 'c'], '9007199254740993'], [['d', 'e', 0], '1.0'], [['d', 'e', 1, 'f'], '-0']]],
    ['numbers inside strings are text, not numbers', '{"s":"1, 2, [3]","t":"\\"4\\"","n":5}', [[['n'], '5']]],
    ['keys with escapes are decoded', '{"q\\"k":1,"\\u0074ags":2,"\\\\":3}', [[['q"k'], '1'], [['tags'], '2'], [['\\'], '3']]],
    ['a string ending in escaped backslashes', '{"a":"x\\\\","b":"y\\\\\\"z","n":7}', [[['n'], '7']]],
    ['a backslash far after plain strings', '{"a":"plain","b":[1,2],"c":"late \\" quote","d":3}', [[['b', 0], '1'], [['b', 1], '2'], [['d'], '3']]],
    ['a top-level number', '  42 ', [[[], '42']]],
    ['empty containers', '[[],{},{"a":[]}]', []],
  ])('%s', (_name, text, expected) => {
    JSON.parse(text); // the walk's input is always JSON that JSON.parse took
    expect(numbersOf(text)).toEqual(expected);
  });
});

describe('forEachNumber at any depth', () => {
  it('walks JSON nested as deep as JSON.parse takes it, without a stack to overflow', () => {
    const depth = 200_000;
    const text = '['.repeat(depth) + '1.0' + ']'.repeat(depth);
    JSON.parse(text);
    const found: Array<[number, string]> = [];
    forEachNumber(text, (path, start, end) => found.push([path.length, text.slice(start, end)]));
    expect(found).toEqual([[depth, '1.0']]);
  });
});

describe('keepNumberTexts', () => {
  const tags = (p: JsonPath) => p.length === 3 && p[1] === 'tags';
  const kept = (text: string) => {
    const doc = JSON.parse(text) as unknown;
    keepNumberTexts(doc, text, tags);
    return doc;
  };

  it('puts the source text in place of the numbers at the chosen paths, and leaves the rest alone', () => {
    expect(kept('[{"timestamp":1.0,"tags":{"a":9007199254740993,"b":"1.0","c":-0,"d":true}},{"tags":{"e":1E+2}}]'))
      .toEqual([{ timestamp: 1, tags: { a: '9007199254740993', b: '1.0', c: '-0', d: true } }, { tags: { e: '1E+2' } }]);
  });

  it.each<[string, string, unknown]>([
    ['a repeated key: the last number', '[{"tags":{"a":1.0,"a":2.50}}]', [{ tags: { a: '2.50' } }]],
    ['a repeated key whose last value is text', '[{"tags":{"a":1.0,"a":"x"}}]', [{ tags: { a: 'x' } }]],
    ['a repeated key whose last value is a number', '[{"tags":{"a":"x","a":1.0}}]', [{ tags: { a: '1.0' } }]],
    ['a repeated tags object: only the last one counts', '[{"tags":{"a":1.0,"b":2.0},"tags":{"b":3.0}}]', [{ tags: { b: '3.0' } }]],
    ['a key named __proto__', '[{"tags":{"__proto__":1.0}}]', JSON.parse('[{"tags":{"__proto__":"1.0"}}]')],
  ])('%s', (_name, text, expected) => {
    const doc = kept(text);
    expect(doc).toEqual(expected);
    expect(Object.getPrototypeOf((doc as Array<{ tags: object }>)[0]!.tags)).toBe(Object.prototype);
  });
});

describe('memberNumberTexts', () => {
  it('the source text of the numbers that are members of the top-level object; a repeated key: its last', () => {
    const texts = memberNumberTexts('{"big":9007199254740993,"one":1.0,"s":"7","in":{"x":0.10},"a":[5],"n":1,"n":2.50}');
    expect([...texts]).toEqual([['big', '9007199254740993'], ['one', '1.0'], ['n', '2.50']]);
  });
});
