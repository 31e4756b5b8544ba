import { describe, expect, it } from 'vitest';
import { compareUrl, parseComparePair } from './compare-path.js';

describe('compare path', () => {
  it('reads back what it writes', () => {
    expect(compareUrl('abc', 'def')).toBe('/compare/abc...def');
    expect(parseComparePair('abc...def')).toEqual({ a: 'abc', b: 'def' });
  });
  it.each(['abc', 'abc...', '...def', 'a...b...c'])('refuses %s', (s) => expect(parseComparePair(s)).toBeNull());
});
