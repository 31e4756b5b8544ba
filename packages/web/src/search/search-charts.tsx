import type { SearchFilter, SpanKindName } from '@clew/api';
import type { ReactNode } from 'react';
import { useMemo } from 'react';
import { useAttributeComparison } from '../api/use-attribute-comparison.js';
import { useHeatmap } from '../api/use-heatmap.js';
import { AttributeComparisonPanel } from './attribute-comparison-panel.js';
import { LatencyHeatmap } from './latency-heatmap.js';
import { toCompareQuery, toHeatmapQuery } from './search-state.js';
import './heatmap-compare.css';
import type { SearchState } from './search-state.js';

interface Props {
  state: SearchState;
  now: number;
  go(next: SearchState): void;
  /** The trace scatter, drawn beside the heatmap (alone in TraceQL mode, which the span routes do not take). */
  scatter: ReactNode;
}

/**
 * The span heatmap beside the trace scatter and, once a region (or the errors) is picked, what is different about
 * it. The selection lives in the URL like the rest of the search, so a link reproduces the comparison; a value's
 * click goes through the same state as the form, so the results, the heatmap and the URL follow.
 */
export function SearchCharts({ state, now, go, scatter }: Props) {
  const heatmapQuery = useMemo(() => toHeatmapQuery(state, now), [state, now]);
  const compareQuery = useMemo(() => toCompareQuery(state, now), [state, now]);
  const heatmap = useHeatmap(heatmapQuery);
  const comparison = useAttributeComparison(compareQuery);
  const select = (selection: SearchState['selection']) => go({ ...state, selection });
  const addFilter = (f: NonNullable<SearchFilter>) => {
    const next: SearchState = { ...state, offset: 0, anchor: undefined };
    if (f.param === 'attr') next.attrs = state.attrs.includes(f.value) ? state.attrs : [...state.attrs, f.value];
    else if (f.param === 'spanKind') next.spanKind = f.value as SpanKindName;
    else if (f.param === 'service') next.service = f.value;
    else next.operation = f.value;
    go(next);
  };

  if (!heatmapQuery) return <>{scatter}</>;
  return (
    <>
      <div className="search-charts">
        <div className="search-chart">
          {heatmap.data ? (
            <LatencyHeatmap map={heatmap.data} selection={state.selection} onSelect={select} />
          ) : heatmap.isError ? (
            <p className="muted">The heatmap could not be loaded: {heatmap.error.message}</p>
          ) : (
            <p className="muted loading">Loading the heatmap…</p>
          )}
          {heatmap.data && (
            <div className="heatmap-actions">
              <button
                type="button"
                data-testid="compare-errors"
                aria-pressed={state.selection?.kind === 'errors'}
                disabled={heatmap.data.errors === 0}
                title={heatmap.data.errors === 0 ? 'No span of this search has an error' : 'Compare the spans with errors with the rest'}
                onClick={() => select({ kind: 'errors' })}
              >
                Compare the errors
              </button>
            </div>
          )}
        </div>
        <div className="search-chart">{scatter}</div>
      </div>
      {state.selection && (
        <AttributeComparisonPanel
          selection={state.selection}
          answer={comparison.data}
          fetching={comparison.isFetching}
          error={comparison.error}
          onFilter={addFilter}
          onClear={() => select(undefined)}
          descendants={state.descendants}
          onDescendants={(descendants) => go({ ...state, descendants })}
        />
      )}
    </>
  );
}
