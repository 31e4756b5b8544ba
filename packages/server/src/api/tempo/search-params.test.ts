import { describe, expect, it } from 'vitest';
import { parseTempoSearch, windowNanos } from './search-params.js';

const parse = (qs: string) => parseTempoSearch(new URLSearchParams(qs));

describe('parseTempoSearch (Tempo ParseSearchRequest)', () => {
  it('has Tempo defaults: limit 20, 3 spans per spanset, no window', () => {
    expect(parse('')).toEqual({ tags: [], limit: 20, spss: 3 });
  });

  it.each([
    ['q=%7B%20status%3Derror%20%7D&tags=a%3Db', { q: '{ status=error }', tags: [], limit: 20, spss: 3 }],
    ['tags=service.name%3Dcart%20http.url%3D%22%2Fa%20b%22', { tags: [['service.name', 'cart'], ['http.url', '/a b']], limit: 20, spss: 3 }],
    ['minDuration=100ms&maxDuration=1.5s', { tags: [], minDuration: 100_000_000n, maxDuration: 1_500_000_000n, limit: 20, spss: 3 }],
    ['minDuration=1500us', { tags: [], minDuration: 1_000_000n, limit: 20, spss: 3 }],
    ['limit=5&spss=10&start=1700000000&end=1700000600', { tags: [], limit: 5, spss: 10, start: 1_700_000_000, end: 1_700_000_600 }],
    ['limit=100000', { tags: [], limit: 1000, spss: 3 }],
    ['limit=&q=', { tags: [], limit: 20, spss: 3 }],
    ['start=0&end=0', { tags: [], limit: 20, spss: 3 }],
  ])('%s', (qs, expected) => {
    expect(parse(qs)).toEqual(expected);
  });

  it.each([
    ['limit=abc', 'invalid limit: strconv.Atoi: parsing "abc": invalid syntax'],
    ['limit=0', 'invalid limit: must be a positive number'],
    ['spss=-1', 'invalid spss: must be a positive number'],
    ['minDuration=fast', 'invalid minDuration: time: invalid duration "fast"'],
    ['maxDuration=10', 'invalid maxDuration: time: missing unit in duration "10"'],
    ['minDuration=2s&maxDuration=1s', 'invalid maxDuration: must be greater than minDuration'],
    ['start=20&end=10', 'http parameter start must be before end. received start=20 end=10'],
    ['start=yesterday', 'invalid start: strconv.ParseInt: parsing "yesterday": invalid syntax'],
    ['tags=a%3D1%20a%3D2', 'invalid tags: tag a has been set twice'],
    ['tags=a%3D%22x', 'invalid tags: unterminated quoted value at pos 5'],
  ])('%s → 400 %s', (qs, message) => {
    expect(() => parse(qs)).toThrow(message);
  });
});

describe('windowNanos', () => {
  it('turns unix seconds into nanoseconds, the end second included whole', () => {
    expect(windowNanos({ start: 10, end: 20 })).toEqual({ start: 10_000_000_000n, end: 20_999_999_999n });
    expect(windowNanos({})).toEqual({});
  });
});
