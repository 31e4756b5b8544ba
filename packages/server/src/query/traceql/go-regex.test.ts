import { describe, expect, it } from 'vitest';
import { goRegex } from './go-regex.js';

/** Each Go RE2 pattern, a text, and whether TraceQL's fully anchored match holds. */
const CASES: Array<[pattern: string, text: string, matches: boolean]> = [
  ['GET', 'GET', true],
  ['GET', 'GET /cart', false],
  ['GET.*', 'GET /cart', true],
  ['.*cart', 'GET /cart', true],
  ['a|b', 'a', true],
  ['a|b', 'ab', false],
  ['(?i)get /CART', 'GET /cart', true],
  ['(?is)a.b', 'A\nB', true],
  ['a.b', 'a\nb', false],
  ['(?P<verb>GET) .*', 'GET /', true],
  ['\\Aabc\\z', 'abc', true],
  ['\\Qa.b\\E', 'a.b', true],
  ['\\Qa.b\\E', 'axb', false],
  ['\\Q(x)', '(x)', true],
  ['[[:alpha:]]+', 'Cart', true],
  ['[[:digit:]]{3}', '503', true],
  ['[[:digit:]]{3}', '50x', false],
  ['[^[:space:]]+', 'a b', false],
  ['5\\d\\d', '503', true],
];

describe('goRegex', () => {
  it.each(CASES)('%j on %j', (pattern, text, matches) => {
    expect(goRegex(pattern).test(text)).toBe(matches);
  });

  it.each([['(?U)a+'], ['[[:^alpha:]]'], ['(']])('refuses %j', (pattern) => {
    expect(() => goRegex(pattern)).toThrow(SyntaxError);
  });
});
