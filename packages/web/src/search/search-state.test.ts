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

  it('keeps a TraceQL query in the URL and sends it instead of the form fields', () => {
    const url = 'mode=traceql&q=%7B+status+%3D+error+%7D+%3E%3E+%7B+.db.system+%3D+%22redis%22+%7D&service=cart&limit=50';
    const state = readSearchState(new URLSearchParams(url));
    expect([state.mode, state.traceql]).toEqual(['traceql', '{ status = error } >> { .db.system = "redis" }']);
    expect(writeSearchState(state).toString()).toBe(url);
    const query = toSearchQuery(state, 1_700_000_000_000);
    expect(query).toEqual({ q: '{ status = error } >> { .db.system = "redis" }', start: String(1_700_000_000_000 - 3600e3), end: '1700000000000', limit: '50', offset: '0' });
    expect(toSearchQuery(readSearchState(new URLSearchParams('q=%7B%7D&service=cart')), 0)).not.toHaveProperty('q');
  });

  it('falls back to the default window for an unknown one', () => {
    expect(readSearchState(new URLSearchParams('lookback=3weeks')).lookback).toBe('1h');
  });
});
