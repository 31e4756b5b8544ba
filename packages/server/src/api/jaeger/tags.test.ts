import type { AnyValue } from '@clew/model';
import { bool, dbl, int, str } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { pcommonAsString, toJaegerTag } from './tags.js';

const arr = (...value: AnyValue[]): AnyValue => ({ type: 'array', value });
const map = (...kv: Array<[string, AnyValue]>): AnyValue => ({ type: 'kvlist', value: kv.map(([key, value]) => ({ key, value })) });

/**
 * int64 in Jaeger's v1 JSON: a tag of its own is a number up to ±(2^53−1) and a decimal string beyond, as Jaeger's
 * FromDomain writes it (internal/uimodel/converter/v1/json/from_domain.go, convertKeyValues, jsMaxSafeInteger);
 * inside an array or map tag, which the translator turns into JSON text (pcommon AsString), it is an exact number.
 */
describe('int64 tags', () => {
  it.each<[string, bigint, string | number]>([
    ['2^53−1: a number', 9007199254740991n, 9007199254740991],
    ['2^53: a string', 9007199254740992n, '9007199254740992'],
    ['−(2^53−1): a number', -9007199254740991n, -9007199254740991],
    ['−2^53: a string', -9007199254740992n, '-9007199254740992'],
    ['the int64 maximum: a string', 2n ** 63n - 1n, '9223372036854775807'],
  ])('%s', (_name, value, written) => {
    expect(toJaegerTag({ key: 'n', value: int(value) })).toEqual({ key: 'n', type: 'int64', value: written });
  });

  it('inside an array or a map, exact numbers in the JSON text', () => {
    expect(toJaegerTag({ key: 'a', value: arr(int(9007199254740993n), int(-1)) })).toEqual({ key: 'a', type: 'string', value: '[9007199254740993,-1]' });
    expect(toJaegerTag({ key: 'm', value: map(['n', int(2n ** 63n - 1n)]) })).toEqual({ key: 'm', type: 'string', value: '{"n":9223372036854775807}' });
  });
});

/** pcommon.Value.AsString for arrays and maps: Go's json.Marshal of AsRaw(). */
describe('pcommonAsString', () => {
  it.each<[string, AnyValue, string]>([
    ['map keys sorted, a repeated key keeps its last value', map(['b', int(1)], ['a', str('x')], ['b', int(2)]), '{"a":"x","b":2}'],
    ['HTML characters escaped, as json.Marshal does', arr(str('<a href="x">&</a>')), '["\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"]'],
    ['bools, doubles, bytes, empty', arr(bool(true), dbl(0.5), { type: 'bytes', value: new Uint8Array([255]) }, { type: 'empty' }), '[true,0.5,"/w==",null]'],
    ['NaN cannot be written: "" as Go gives', arr(dbl(NaN)), ''],
    ['Infinity inside a map: ""', map(['x', dbl(-Infinity)]), ''],
  ])('%s', (_name, value, text) => {
    expect(pcommonAsString(value)).toBe(text);
  });
});
