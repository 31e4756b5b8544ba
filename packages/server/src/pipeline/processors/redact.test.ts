import type { AnyValue, Span } from '@clew/model';
import { int, str, StatusCode } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { REDACT_PRESETS, redactProcessor } from './redact.js';

const kv = (key: string, value: AnyValue) => ({ key, value });

describe('redactProcessor', () => {
  it.each<[string, string, string, string]>([
    ['e-mail', 'email', 'signup by ada@example.co.uk done', 'signup by [email] done'],
    ['two e-mails', 'email', 'a@b.io,c.d@e-f.org', '[email],[email]'],
    ['card, grouped', 'card', 'paid with 4111 1111 1111 1111 ok', 'paid with [card] ok'],
    ['card, plain', 'card', '5500005555555559', '[card]'],
    ['bearer token (scheme kept)', 'bearer', 'Bearer eyJhbGciOi.eyJzdWIi.abc-_=', 'Bearer [bearer]'],
    ['short numbers are no card', 'card', 'order 12345 of 2024', 'order 12345 of 2024'],
    ['no address', 'email', 'user@localhost', 'user@localhost'],
  ])('masks %s with the %s preset', (_, preset, input, want) => {
    const p = redactProcessor({ mask: [{ pattern: REDACT_PRESETS[preset as keyof typeof REDACT_PRESETS], replacement: `[${preset}]` }] });
    const [out] = p.process([makeSpan({ attributes: [kv('text', str(input))] })]).spans;
    expect(out!.attributes).toEqual([kv('text', str(want))]);
  });

  it('reaches every attribute a span carries, nested values and the status message included', () => {
    const secret = 'mallory@example.com';
    const span = makeSpan({
      attributes: [kv('user', str(secret)), kv('list', { type: 'array', value: [str(secret), int(1)] })],
      resource: makeResource('shop', [kv('owner', str(secret))]),
      events: [{ timeUnixNano: 1n as Span['startTimeUnixNano'], name: 'login', attributes: [kv('who', { type: 'kvlist', value: [kv('mail', str(secret))] })], droppedAttributesCount: 0 }],
      status: { code: StatusCode.ERROR, message: `no account for ${secret}` },
    });
    const out = redactProcessor({ mask: [{ pattern: REDACT_PRESETS.email, replacement: 'X' }] }).process([span]);
    expect(out.modified).toBe(1);
    expect(JSON.stringify(out.spans[0], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain('mallory');
    expect(out.spans[0]!.status.message).toBe('no account for X');
  });

  it('drops keys, hashes others with a key, and limits a mask to its keys', () => {
    const p = redactProcessor({
      dropKeys: ['password'],
      hashKeys: ['user.id'],
      hashSecret: 'a secret of sixteen+',
      mask: [{ pattern: '\\d', replacement: '#', keys: ['card.last4'] }],
    });
    const [a, b] = p.process([
      makeSpan({ attributes: [kv('password', str('hunter2')), kv('user.id', str('u-1')), kv('card.last4', str('4242')), kv('n', str('42'))] }),
      makeSpan({ attributes: [kv('user.id', str('u-1'))] }),
    ]).spans;
    expect(a!.attributes.map((x) => x.key)).toEqual(['user.id', 'card.last4', 'n']);
    const hashed = a!.attributes[0]!.value as { value: string };
    expect(hashed.value).toMatch(/^[0-9a-f]{32}$/);
    expect(hashed.value).not.toContain('u-1');
    expect(b!.attributes[0]!.value).toEqual(hashed); // equal values stay equal: still joinable
    expect(a!.attributes.slice(1)).toEqual([kv('card.last4', str('####')), kv('n', str('42'))]);
  });

  it('gives back the same batch, and the same resource objects, when there is nothing to redact', () => {
    const resource = makeResource('shop');
    const spans = [makeSpan({ resource }), makeSpan({ resource })];
    const out = redactProcessor({ dropKeys: ['password'], mask: [{ pattern: REDACT_PRESETS.email, replacement: 'X' }] }).process(spans);
    expect(out.spans).toBe(spans);
    expect(out.modified).toBe(0);
  });

  it('redacts a shared resource once and shares the result', () => {
    const resource = makeResource('shop', [kv('owner', str('ops@example.com'))]);
    const out = redactProcessor({ mask: [{ pattern: REDACT_PRESETS.email, replacement: 'X' }] }).process([makeSpan({ resource }), makeSpan({ resource })]);
    expect(out.spans[0]!.resource).toBe(out.spans[1]!.resource);
    expect(out.spans[0]!.resource.attributes[1]).toEqual(kv('owner', str('X')));
  });
});
