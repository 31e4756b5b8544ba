import type { SearchState } from './search-state.js';

/**
 * The browser tab's name for a search: what it looks for, so that several open searches can be told apart.
 * @example searchTitle({ ...state, service: 'cart', operation: 'GET /cart' }) // 'Search: cart / GET /cart'
 */
export function searchTitle(s: SearchState): string {
  if (s.mode === 'traceql') {
    const q = s.traceql.trim().replace(/\s+/g, ' ');
    return q ? `TraceQL ${q.length > 60 ? `${q.slice(0, 59)}…` : q}` : 'Search';
  }
  const what = [s.service, s.operation].filter(Boolean).join(' / ');
  return what ? `Search: ${what}` : 'Search';
}
