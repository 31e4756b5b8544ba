import type { SearchQueryInput, SearchSort, SpanKindName } from '@clew/api';
import { SEARCH_DEFAULT_LIMIT, SEARCH_SORTS } from '@clew/api';
import { readSelection, selectionParams, writeSelection } from './selection-state.js';
import type { Selection } from './selection-state.js';

/** Relative windows offered in the time picker, and their length in milliseconds. */
export const LOOKBACKS = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '2d': 2 * 86400e3, '7d': 7 * 86400e3 } as const;
export type Lookback = keyof typeof LOOKBACKS;
export const DEFAULT_LOOKBACK: Lookback = '1h';

/**
 * Everything the search page shows, as it lives in the URL (so a search can be shared and the back button works).
 * A relative window (`lookback`) stays relative in the URL; `start`/`end` (epoch ms) are used when it is 'custom'.
 */
export interface SearchState {
  /** Search with the form's fields, or with a TraceQL query (`q`) that replaces them. */
  mode: 'form' | 'traceql';
  traceql: string;
  service: string;
  operation: string;
  spanKind: SpanKindName | '';
  /** "key=value" filters */
  attrs: string[];
  minDuration: string;
  maxDuration: string;
  lookback: Lookback | 'custom';
  start: number | undefined;
  end: number | undefined;
  limit: number;
  offset: number;
  /** Newest first ('start', the default), longest first, or most spans first. */
  sort: SearchSort;
  /**
   * The first page's paging anchor (as the server gave it), sent with every later page so that traces arriving
   * meanwhile do not push rows already seen onto the next page. Undefined on a fresh search.
   */
  anchor: string | undefined;
  /** The heatmap region (or the errors) compared with the rest of the window; undefined when none is picked. */
  selection: Selection | undefined;
  /** The comparison counts each span with the attributes of the spans below it (what it called). */
  descendants: boolean;
}

export function readSearchState(p: URLSearchParams): SearchState {
  const lookback = p.get('lookback') ?? DEFAULT_LOOKBACK;
  const num = (k: string) => (p.get(k) && Number.isFinite(Number(p.get(k))) ? Number(p.get(k)) : undefined);
  return {
    mode: p.get('mode') === 'traceql' ? 'traceql' : 'form',
    traceql: p.get('q') ?? '',
    service: p.get('service') ?? '',
    operation: p.get('operation') ?? '',
    spanKind: (p.get('spanKind') ?? '') as SpanKindName | '',
    attrs: p.getAll('attr'),
    minDuration: p.get('minDuration') ?? '',
    maxDuration: p.get('maxDuration') ?? '',
    lookback: lookback === 'custom' || lookback in LOOKBACKS ? (lookback as Lookback | 'custom') : DEFAULT_LOOKBACK,
    start: num('start'),
    end: num('end'),
    limit: num('limit') ?? SEARCH_DEFAULT_LIMIT,
    offset: num('offset') ?? 0,
    sort: SEARCH_SORTS.find((k) => k === p.get('sort')) ?? 'start',
    anchor: p.get('anchor') || undefined,
    selection: readSelection(p),
    descendants: p.get('descendants') === 'true',
  };
}

/** The URL form of a state, leaving out what is at its default so URLs stay short. */
export function writeSearchState(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  const set = (k: string, v: string | number | undefined, dflt?: string | number) => {
    if (v !== undefined && v !== '' && v !== dflt) p.set(k, String(v));
  };
  set('mode', s.mode, 'form');
  if (s.mode === 'traceql') set('q', s.traceql);
  set('service', s.service);
  set('operation', s.operation);
  set('spanKind', s.spanKind);
  for (const a of s.attrs) p.append('attr', a);
  set('minDuration', s.minDuration);
  set('maxDuration', s.maxDuration);
  set('lookback', s.lookback, DEFAULT_LOOKBACK);
  if (s.lookback === 'custom') {
    set('start', s.start);
    set('end', s.end);
  }
  set('limit', s.limit, SEARCH_DEFAULT_LIMIT);
  set('offset', s.offset, 0);
  if (s.mode === 'form') set('sort', s.sort, 'start');
  set('anchor', s.anchor);
  writeSelection(p, s.selection);
  if (s.descendants) p.set('descendants', 'true');
  return p;
}

/** The search's window in epoch ms: a relative one ends at `now`; a custom one may leave either end open. */
export function searchWindow(s: SearchState, now: number): [number | undefined, number | undefined] {
  return s.lookback === 'custom' ? [s.start, s.end] : [now - LOOKBACKS[s.lookback], now];
}

/**
 * The API query for a state; a relative window ends at `now` (epoch ms). In TraceQL mode the query replaces
 * the form's conditions (the server refuses both at once); the window and the page still apply.
 */
export function toSearchQuery(s: SearchState, now: number): SearchQueryInput {
  const [start, end] = searchWindow(s, now);
  const window = { start: start === undefined ? undefined : String(Math.floor(start)), end: end === undefined ? undefined : String(Math.ceil(end)) };
  const page = { ...window, limit: String(s.limit), offset: String(s.offset) };
  // TraceQL pages by offset, newest first: no sort, no anchor.
  if (s.mode === 'traceql') return { q: s.traceql.trim() || undefined, ...page };
  return {
    ...(s.sort !== 'start' && { sort: s.sort }),
    ...(s.anchor !== undefined && { anchor: s.anchor }),
    service: s.service || undefined,
    operation: s.operation || undefined,
    spanKind: s.spanKind || undefined,
    attr: s.attrs,
    minDuration: s.minDuration || undefined,
    maxDuration: s.maxDuration || undefined,
    ...page,
  };
}

/**
 * The query for the scatter of every match in the window (`GET …/search/points`): the search's conditions and
 * window without the page, order or anchor, so moving between pages or re-sorting does not ask again. Undefined in
 * TraceQL mode, whose scatter shows its page.
 */
export function toPointsQuery(s: SearchState, now: number): SearchQueryInput | undefined {
  if (s.mode === 'traceql') return undefined;
  const { limit: _limit, offset: _offset, sort: _sort, anchor: _anchor, ...rest } = toSearchQuery(s, now);
  return rest;
}

/** Heatmap time buckets across the window: cells stay about 10 px wide on a half-width chart. */
export const HEATMAP_BUCKETS = 60;

/**
 * The span filter of the heatmap and the comparison: the search's conditions and window, on spans. Undefined in
 * TraceQL mode, which the span routes do not take.
 */
export function toSpanFilterQuery(s: SearchState, now: number): Record<string, string | string[] | undefined> | undefined {
  if (s.mode === 'traceql') return undefined;
  const q = toSearchQuery(s, now);
  return { service: q.service, operation: q.operation, spanKind: q.spanKind, attr: s.attrs, minDuration: q.minDuration, maxDuration: q.maxDuration, start: q.start, end: q.end };
}

/** The heatmap's query (`GET …/search/heatmap`) for a state, or undefined in TraceQL mode. */
export function toHeatmapQuery(s: SearchState, now: number): Record<string, string | string[] | undefined> | undefined {
  const filter = toSpanFilterQuery(s, now);
  return filter && { ...filter, buckets: String(HEATMAP_BUCKETS) };
}

/** The comparison's query (`GET …/search/compare`), or undefined without a selection or in TraceQL mode. */
export function toCompareQuery(s: SearchState, now: number): Record<string, string | string[] | undefined> | undefined {
  const filter = toSpanFilterQuery(s, now);
  return filter && s.selection ? { ...filter, ...selectionParams(s.selection), ...(s.descendants && { descendants: 'true' }) } : undefined;
}

/** True when the search asks more of a span than its service, so the matching span may well not be the root. */
export const matchesBelowRoot = (s: SearchState): boolean =>
  s.mode === 'form' && (s.operation !== '' || s.spanKind !== '' || s.attrs.length > 0 || s.minDuration !== '' || s.maxDuration !== '');

/** The search a state describes, apart from its page, order and anchor: what the form edits. */
export function searchIdentity(s: SearchState): string {
  return writeSearchState({ ...s, offset: 0, sort: 'start', anchor: undefined }).toString();
}
