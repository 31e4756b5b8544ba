import { describe, expect, it } from 'vitest';
import { readSearchState, toSearchQuery, writeSearchState } from './search-state.js';

describe('search state in the URL', () => {
  it('round-trips every field and leaves defaults out', () => {
    const url = 'service=cart&operation=GET+%2Fcart&spanKind=server&attr=http.route%3D%2Fcart&attr=a%3Db%3Dc&minDuration=100ms&maxDuration=2s&lookback=6h&limit=50&offset=100';
    const state = readSearchState(new URLSearchParams(url));
    expect(state.attrs).toEqual(['http.route=/cart', 'a=b=c']);
    expect(writeSearchState(state).toString()).toBe(url);
    expect(writeSearchState(readSearchState(new URLSearchParams())).toString()).toBe('');
  });

  it('anchors a relative window at the given time and keeps an absolute one', () => {
    const now = 1_700_000_000_000;
    const relative = toSearchQuery(readSearchState(new URLSearchParams('lookback=15m')), now);
    expect([relative.start, relative.end]).toEqual([String(now - 15 * 60_000), String(now)]);
    const absolute = toSearchQuery(readSearchState(new URLSearchParams('lookback=custom&start=1000&end=2000')), now);
    expect([absolute.start, absolute.end]).toEqual(['1000', '2000']);
  });

  it('falls back to the default window for an unknown one', () => {
    expect(readSearchState(new URLSearchParams('lookback=3weeks')).lookback).toBe('1h');
  });
});
