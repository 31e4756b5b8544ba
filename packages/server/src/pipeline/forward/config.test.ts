import { describe, expect, it } from 'vitest';
import { parseTailSamplingConfig } from '../tail/config.js';

const A = 'http://10.0.0.1:4318';
const B = 'http://10.0.0.2:4318';
const policies = [{ type: 'error' }];

/** The message a tailSampling section with these peers is refused with, or 'ok'. */
function check(peers: unknown, withPolicies = true): string {
  try {
    parseTailSamplingConfig({ ...(withPolicies && { policies }), peers });
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('tailSampling.peers configuration', () => {
  it('is absent by default (one collector), and has defaults for its timings when given', () => {
    expect(parseTailSamplingConfig({ policies }).peers).toBeUndefined();
    expect(parseTailSamplingConfig({ policies, peers: { self: `${A}/`, members: [`${A}/`, B], token: 'secret' } }).peers).toEqual({
      self: A,
      members: [A, B],
      token: 'secret',
      timeout: '5s',
      retryFor: '2s',
      probeInterval: '10s',
    });
  });

  it.each<[string, unknown, string]>([
    ['two members', { self: A, members: [A, B] }, 'ok'],
    ['one member (itself)', { self: A, members: [A] }, 'ok'],
    ['self not a member', { self: 'http://10.0.0.9:4318', members: [A, B] }, 'invalid configuration at "tailSampling.peers.self": must be one of members'],
    ['a member twice', { self: A, members: [A, B, `${B}/`] }, 'invalid configuration at "tailSampling.peers.members.2": http://10.0.0.2:4318 is listed twice'],
    ['no members', { self: A, members: [] }, 'invalid configuration at "tailSampling.peers.members"'],
    ['not a URL', { self: A, members: [A, '10.0.0.2:4318'] }, `invalid configuration at "tailSampling.peers.members.1": expected a collector's OTLP/HTTP base address`],
    ['a bad duration', { self: A, members: [A], retryFor: 'a while' }, 'invalid configuration at "tailSampling.peers.retryFor": expected a duration'],
    ['an unknown key', { self: A, members: [A], tokn: 'x' }, 'invalid configuration at "tailSampling.peers"'],
  ])('%s', (_, peers, want) => {
    const got = check(peers);
    if (want === 'ok') expect(got).toBe('ok');
    else expect(got).toContain(want);
  });

  it('is refused without policies: there would be no sampling to share', () => {
    expect(check({ self: A, members: [A, B] }, false)).toContain('invalid configuration at "tailSampling.peers": peers route whole traces to one sampler');
  });
});
