import { describe, expect, it } from 'vitest';
import { parseLogfmt } from './logfmt.js';

describe('parseLogfmt (go-logfmt decoding of Tempo tags=)', () => {
  it.each([
    ['service.name=cart', [['service.name', 'cart']]],
    ['a=1 b=2', [['a', '1'], ['b', '2']]],
    ['  a=1\tb=x  ', [['a', '1'], ['b', 'x']]],
    ['http.url="/a b"', [['http.url', '/a b']]],
    ['msg="say \\"hi\\"\\n" k=v', [['msg', 'say "hi"\n'], ['k', 'v']]],
    ['e="\\u00e9"', [['e', 'é']]],
    ['flag', [['flag', '']]],
    ['empty= next=1', [['empty', ''], ['next', '1']]],
    ['a=1\nb=2', [['a', '1'], ['b', '2']]],
    ['', []],
  ])('%j', (text, pairs) => {
    expect(parseLogfmt(text)).toEqual(pairs);
  });

  it.each([
    ['=x', "unexpected '=' at pos 1"],
    ['a=b=c', "unexpected '=' at pos 4"],
    ['a="open', 'unterminated quoted value at pos 8'],
    ['a="bad\\q"', 'invalid quoted value at pos 7'],
    ['a="x"y', "unexpected 'y' at pos 6"],
    ['a"b', `unexpected '"' at pos 2`],
  ])('%j fails: %s', (text, message) => {
    expect(() => parseLogfmt(text)).toThrow(message);
  });
});
