import { useEffect, useMemo, useRef } from 'react';
import { writeSelection } from './selection-state.js';
import { writeSearchState } from './search-state.js';
import type { SearchState } from './search-state.js';

/**
 * Where a relative window ("last 1h") ends: now, taken again on every navigation (each has its own key) so that a
 * search shows what has arrived, except when only the heatmap selection changed. Brushing is not a new search: the
 * heatmap, the scatter and the results stay as they are, and the brushed cells stay the cells of the map drawn.
 */
export function useWindowEnd(state: SearchState, navigationKey: string): number {
  const search = writeSearchState({ ...state, selection: undefined }).toString();
  const selectionParams = new URLSearchParams();
  writeSelection(selectionParams, state.selection);
  const selection = selectionParams.toString();
  const last = useRef<{ search: string; selection: string; now: number } | undefined>(undefined);
  const now = useMemo(() => {
    const p = last.current;
    return p !== undefined && p.search === search && p.selection !== selection ? p.now : Date.now();
    // The navigation key is a dependency on purpose: the same search submitted again ends at a new now.
  }, [search, selection, navigationKey]);
  useEffect(() => {
    last.current = { search, selection, now };
  }, [search, selection, now]);
  return now;
}
