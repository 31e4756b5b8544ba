import type { SearchQueryInput, SpanKindName } from '@clew/api';
import { SEARCH_DEFAULT_LIMIT } from '@clew/api';

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
  return p;
}

/**
 * The API query for a state; a relative window is anchored at `now` (epoch ms). In TraceQL mode the query replaces
 * the form's conditions (the server refuses both at once); the window and the page still apply.
 */
export function toSearchQuery(s: SearchState, now: number): SearchQueryInput {
  const [start, end] = s.lookback === 'custom' ? [s.start, s.end] : [now - LOOKBACKS[s.lookback], now];
  const page = {
    start: start === undefined ? undefined : String(Math.floor(start)),
    end: end === undefined ? undefined : String(Math.ceil(end)),
    limit: String(s.limit),
    offset: String(s.offset),
  };
  if (s.mode === 'traceql') return { q: s.traceql.trim() || undefined, ...page };
  return {
    service: s.service || undefined,
    operation: s.operation || undefined,
    spanKind: s.spanKind || undefined,
    attr: s.attrs,
    minDuration: s.minDuration || undefined,
    maxDuration: s.maxDuration || undefined,
    ...page,
  };
}
