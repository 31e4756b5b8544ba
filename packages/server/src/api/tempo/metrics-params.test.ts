import { describe, expect, it } from 'vitest';
import { parseInstantParams, parsePrometheusDuration, parseQueryRangeParams, timestamp } from './metrics-params.js';

const S = 1_000_000_000n;
const NOW = 1_700_000_000n * S;
const params = (s: string) => new URLSearchParams(s);

describe('timestamp (Tempo parseTimestamp)', () => {
  it.each([
    ['1700000000', 1_700_000_000n * S],
    ['1700000000000000000', 1_700_000_000n * S],
    ['1700000000.5', 1_700_000_000n * S + 500_000_000n],
    ['1700000000.1234', 1_700_000_000n * S + 123_000_000n], // to the millisecond
    ['2023-11-14T22:13:20Z', 1_700_000_000n * S],
    ['2023-11-14T23:13:20.25+01:00', 1_700_000_000n * S + 250_000_000n],
  ])('%s', (text, nanos) => {
    expect(timestamp('start', text)).toBe(nanos);
  });
});

describe('parsePrometheusDuration (since)', () => {
  it('reads units from years to milliseconds', () => {
    expect(parsePrometheusDuration('1h30m')).toBe(5400n * S);
    expect(parsePrometheusDuration('2d')).toBe(172_800n * S);
    expect(parsePrometheusDuration('0')).toBe(0n);
    expect(() => parsePrometheusDuration('1.5h')).toThrow('not a valid duration string: "1.5h"');
  });
});

describe('parseQueryRangeParams', () => {
  it('defaults to the last hour, a step of about 240 points and 100 exemplars; q wins over query', () => {
    expect(parseQueryRangeParams(params('query=a&q=b'), NOW)).toEqual({ query: 'b', start: NOW - 3600n * S, end: NOW, step: 15n * S, instant: false, exemplars: 100 });
  });

  it('reads since before the end, or before now when the end is later', () => {
    expect(parseQueryRangeParams(params(`since=10m&end=${NOW / S - 60n}`), NOW)).toMatchObject({ start: NOW - 660n * S, end: NOW - 60n * S });
    expect(parseQueryRangeParams(params(`since=10m&end=${NOW / S + 60n}`), NOW)).toMatchObject({ start: NOW - 600n * S, end: NOW + 60n * S });
  });

  it('reads the step in seconds or as a Go duration, and caps exemplars at 100 (0 meaning the default)', () => {
    expect(parseQueryRangeParams(params('step=2.5&exemplars=7'), NOW)).toMatchObject({ step: 2_500_000_000n, exemplars: 7 });
    expect(parseQueryRangeParams(params('step=1m30s&exemplars=1000'), NOW)).toMatchObject({ step: 90n * S, exemplars: 100 });
    expect(parseQueryRangeParams(params('exemplars=0'), NOW)).toMatchObject({ exemplars: 100 });
  });

  it('an instant request is one step over the whole range, without exemplars', () => {
    expect(parseInstantParams(params('q=x&since=5m'), NOW)).toEqual({ query: 'x', start: NOW - 300n * S, end: NOW, step: 300n * S, instant: true, exemplars: 0 });
  });

  it.each([
    ['step=-1', 'cannot parse "-1": step must be positive'],
    ['step=0', 'step of 0s is too small, minimum step for given range is 360ms'],
    ['end=x', `could not parse 'end' parameter: strconv.ParseInt: parsing "x": invalid syntax`],
  ])('%s is refused: %s', (q, message) => {
    expect(() => parseQueryRangeParams(params(q), NOW)).toThrow(message);
  });
});
