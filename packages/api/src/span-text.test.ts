import { describe, expect, it } from 'vitest';
import type { ApiKeyValue } from './any-value.js';
import { matchesWords, searchWords, spanSearchText } from './span-text.js';

const finds = (query: string, haystack: string) => matchesWords(haystack, searchWords(query));

describe('spanSearchText', () => {
  const attrs: ApiKeyValue[] = [
    { key: 'payment.card.network', type: 'string', value: 'visa' },
    { key: 'payment.amount_cents', type: 'int', value: '4999' },
    { key: 'tags', type: 'array', value: [{ type: 'string', value: 'hidden' }] },
  ];

  it('holds service, name, span id and scalar attributes, lowercased', () => {
    expect(spanSearchText('Payment', 'Charge Card', '00f067aa0ba902b7', attrs)).toBe('payment charge card 00f067aa0ba902b7 payment.card.network=visa payment.amount_cents=4999 tags=');
  });

  it.each([
    ['error', true],
    ['status=error', true],
    ['card declined', true],
    ['CardDeclinedError', true],
    ['insufficient funds', true],
    ['exception', true],
    ['at Object.charge', false], // the stack trace is left out
    ['status=ok', false],
  ])('finds %s in an error span with an exception event: %s', (query, found) => {
    const haystack = spanSearchText('payment', 'charge card', '00f067aa0ba902b7', [], {
      statusCode: 2,
      statusMessage: 'card declined',
      events: [
        {
          name: 'exception',
          attributes: [
            { key: 'exception.type', type: 'string', value: 'CardDeclinedError' },
            { key: 'exception.message', type: 'string', value: 'insufficient funds' },
            { key: 'exception.stacktrace', type: 'string', value: 'CardDeclinedError\n    at Object.charge (pay.js:10)' },
          ],
        },
      ],
    });
    expect(finds(query, haystack)).toBe(found);
  });

  it('says status=ok for an OK span and nothing for an unset one', () => {
    expect(spanSearchText('s', 'n', '1', [], { statusCode: 1 })).toBe('s n 1 status=ok');
    expect(spanSearchText('s', 'n', '1', [], { statusCode: 0, events: [{ name: 'retry' }] })).toBe('s n 1 retry');
  });
});
