import { describe, expect, it } from 'vitest';
import { readSearchState } from './search-state.js';
import { searchTitle } from './search-title.js';

describe('searchTitle', () => {
  it.each([
    ['', 'Search'],
    ['service=cart', 'Search: cart'],
    ['service=cart&operation=GET+%2Fcarts%2F%3Auser', 'Search: cart / GET /carts/:user'],
    ['mode=traceql&q=%7B+status+%3D+error+%7D', 'TraceQL { status = error }'],
    [`mode=traceql&q=${encodeURIComponent(`{ span.http.route = "${'x'.repeat(80)}" }`)}`, `TraceQL { span.http.route = "${'x'.repeat(38)}…`],
  ])('%s → %s', (url, title) => expect(searchTitle(readSearchState(new URLSearchParams(url)))).toBe(title));
});
