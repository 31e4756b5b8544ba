import { describe, expect, it } from 'vitest';
import { readSearchState, toCompareQuery, toHeatmapQuery, writeSearchState } from './search-state.js';
import { readSelection } from './selection-state.js';

describe('the comparison selection in the URL', () => {
  it.each([
    ['selection=errors', { kind: 'errors' }],
    ['selMinDuration=90500us', { kind: 'band', minDuration: '90500us' }],
    ['selStart=1000&selEnd=2000&selMaxDuration=2s', { kind: 'band', start: 1000, end: 2000, maxDuration: '2s' }],
    ['', undefined],
    ['selStart=soon', undefined],
  ])('%s', (url, selection) => {
    const p = new URLSearchParams(url);
    expect(readSelection(p)).toEqual(selection);
    expect(writeSearchState(readSearchState(p)).toString()).toBe(selection ? url : '');
  });

  it('asks the compare route for the search on spans plus the selection, and nothing without one', () => {
    const now = 1_700_000_000_000;
    const state = readSearchState(new URLSearchParams('service=catalog&attr=region%3Deu&lookback=15m&limit=50&offset=50&sort=duration&selMinDuration=500ms'));
    const window = { start: String(now - 15 * 60_000), end: String(now) };
    const filter = { service: 'catalog', operation: undefined, spanKind: undefined, attr: ['region=eu'], minDuration: undefined, maxDuration: undefined, ...window };
    expect(toCompareQuery(state, now)).toEqual({ ...filter, selMinDuration: '500ms' });
    expect(toHeatmapQuery(state, now)).toEqual({ ...filter, buckets: '60' });
    expect(toCompareQuery({ ...state, selection: undefined }, now)).toBeUndefined();
    expect(toHeatmapQuery({ ...state, mode: 'traceql' }, now)).toBeUndefined();
  });
});
