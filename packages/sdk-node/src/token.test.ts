import { describe, expect, it } from 'vitest';
import { bearer, tokenOf } from './token.js';

describe('tokenOf: the option, else CLEW_TOKEN', () => {
  it.each([
    ['the option alone', 'clew_a', {}, 'clew_a'],
    ['the option over the environment', 'clew_a', { CLEW_TOKEN: 'clew_b' }, 'clew_a'],
    ['the environment alone, trimmed', undefined, { CLEW_TOKEN: ' clew_b\n' }, 'clew_b'],
    ['an empty option, then the environment', '', { CLEW_TOKEN: 'clew_b' }, 'clew_b'],
    ['neither', undefined, { CLEW_TOKEN: '  ' }, undefined],
  ] as const)('%s', (_case, option, env, expected) => {
    expect(tokenOf(option, env)).toBe(expected);
  });
});

describe('bearer', () => {
  it('makes the authorization header of a token, and no header without one', () => {
    expect(bearer('clew_a')).toEqual({ authorization: 'Bearer clew_a' });
    expect(bearer(undefined)).toEqual({});
  });
});
