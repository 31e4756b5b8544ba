import { describe, expect, it } from 'vitest';
import { ClewError } from '../errors.js';
import { Authenticator } from './authenticator.js';
import { createToken, hashToken, TOKEN_HASH } from './tokens.js';

const W = 'clew_write-token-for-tests-0000000000000000000000';
const R = 'clew_read-token-for-tests-00000000000000000000000';
const A = 'clew_admin-token-for-tests-0000000000000000000000';
const STAR = 'clew_star-admin-token-for-tests-00000000000000000';

const auth = new Authenticator([
  { hash: hashToken(W), tenant: 'a', scope: 'write' },
  { hash: hashToken(R), tenant: 'a', scope: 'read' },
  { hash: hashToken(A), tenant: 'a', scope: 'admin', tenants: ['b'] },
  { hash: hashToken(STAR), tenant: 'ops', scope: 'admin', tenants: '*' },
]);

/** The refusal `fn` throws, as code and message. */
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClewError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('tokens', () => {
  it('are 256 random bits after clew_, and hash to the config form', () => {
    const t = createToken();
    expect(t).toMatch(/^clew_[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(t);
    expect(hashToken(t)).toMatch(TOKEN_HASH);
    // The digest of the UTF-8 text, as `printf %s "$token" | sha256sum` gives it.
    expect(hashToken('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('Authenticator', () => {
  it('takes a bearer token in any case of the scheme, or a bare token, and names its tenant and scope', () => {
    expect(auth.authenticate(`Bearer ${W}`, undefined, 'write')).toMatchObject({ tenant: 'a', scope: 'write' });
    expect(auth.authenticate(`bearer   ${R} `, undefined, 'read')).toMatchObject({ tenant: 'a', scope: 'read' });
    expect(auth.authenticate(W, undefined, 'write')).toMatchObject({ tenant: 'a' });
  });

  it('answers UNAUTHENTICATED without a token, with another scheme, or with an unknown token, never repeating it', () => {
    expect(refusal(() => auth.authenticate(undefined, undefined, 'read')).code).toBe('UNAUTHENTICATED');
    expect(refusal(() => auth.authenticate('  ', undefined, 'read')).code).toBe('UNAUTHENTICATED');
    expect(refusal(() => auth.authenticate(`Basic ${W}`, undefined, 'write')).code).toBe('UNAUTHENTICATED');
    const unknown = refusal(() => auth.authenticate('Bearer clew_secret-guess', undefined, 'read'));
    expect(unknown).toEqual({ code: 'UNAUTHENTICATED', message: 'the token is not valid' });
  });

  it('answers FORBIDDEN for a scope the token lacks', () => {
    expect(refusal(() => auth.authenticate(`Bearer ${R}`, undefined, 'write'))).toEqual({ code: 'FORBIDDEN', message: 'a read token may not write spans' });
    expect(refusal(() => auth.authenticate(`Bearer ${W}`, undefined, 'read'))).toEqual({ code: 'FORBIDDEN', message: 'a write token may not read' });
    expect(auth.authenticate(`Bearer ${W}`, undefined, 'any').scope).toBe('write');
    expect(auth.authenticate(`Bearer ${A}`, undefined, 'write').scope).toBe('admin');
    expect(auth.authenticate(`Bearer ${A}`, undefined, 'read').scope).toBe('admin');
  });

  it('lets X-Scope-OrgID name the token\'s own tenant, or one an admin token lists', () => {
    expect(auth.authenticate(`Bearer ${R}`, 'a', 'read').tenant).toBe('a');
    expect(auth.authenticate(`Bearer ${A}`, 'b', 'read').tenant).toBe('b');
    expect(auth.authenticate(`Bearer ${STAR}`, 'anyone', 'read').tenant).toBe('anyone');
    expect(refusal(() => auth.authenticate(`Bearer ${R}`, 'b', 'read'))).toEqual({ code: 'FORBIDDEN', message: 'this token may not use tenant "b" (X-Scope-OrgID)' });
    expect(refusal(() => auth.authenticate(`Bearer ${A}`, 'c', 'read')).code).toBe('FORBIDDEN');
    expect(refusal(() => auth.authenticate(`Bearer ${STAR}`, '../etc', 'read')).code).toBe('BAD_PARAMETER');
  });
});
