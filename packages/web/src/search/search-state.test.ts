import { describe, expect, it } from 'vitest';
import { matchesBelowRoot, readSearchState, searchIdentity, toPointsQuery, toSearchQuery, writeSearchState } from './search-state.js';

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

  it('keeps the order and the paging anchor in the URL and sends them; the points leave out the page, order and anchor', () => {
    const anchor = '1700000000000000000:4bf92f3577b34da6a3ce929d0e0e4736';
    const url = `service=cart&offset=20&sort=duration&anchor=${encodeURIComponent(anchor)}`;
    const state = readSearchState(new URLSearchParams(url));
    expect([state.sort, state.anchor]).toEqual(['duration', anchor]);
    expect(writeSearchState(state).toString()).toBe(url);
    const now = 1_700_000_000_000;
    expect(toSearchQuery(state, now)).toMatchObject({ service: 'cart', sort: 'duration', anchor, offset: '20', limit: '20' });
    expect(toPointsQuery(state, now)).toEqual({ service: 'cart', attr: [], start: String(now - 3600e3), end: String(now), operation: undefined, spanKind: undefined, minDuration: undefined, maxDuration: undefined });
    expect(toPointsQuery({ ...state, mode: 'traceql', traceql: '{ }' }, now)).toBeUndefined();
  });

  it('reads an unknown order as newest first, and leaves the order out of a TraceQL URL', () => {
    expect(readSearchState(new URLSearchParams('sort=random')).sort).toBe('start');
    const traceql = readSearchState(new URLSearchParams('mode=traceql&q=%7B%7D&sort=spans'));
    expect(writeSearchState(traceql).toString()).toBe('mode=traceql&q=%7B%7D');
    expect(toSearchQuery(traceql, 0)).not.toHaveProperty('sort');
  });

  it('tells a new search from another page or order of the same one', () => {
    const first = readSearchState(new URLSearchParams('service=cart'));
    expect(searchIdentity({ ...first, offset: 40, sort: 'spans', anchor: '1:4bf92f3577b34da6a3ce929d0e0e4736' })).toBe(searchIdentity(first));
    expect(searchIdentity({ ...first, operation: 'GET /cart' })).not.toBe(searchIdentity(first));
  });

  it.each([
    ['service=cart', false],
    ['service=cart&operation=SELECT+products', true],
    ['attr=db.system%3Dduckdb', true],
    ['service=cart&minDuration=100ms', true],
    ['mode=traceql&q=%7B%7D', false],
  ])('with %s the matching span may be below the root: %s', (url, below) => expect(matchesBelowRoot(readSearchState(new URLSearchParams(url)))).toBe(below));
});
