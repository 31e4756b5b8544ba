import { useMemo, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { isApiError } from '../api/api-error.js';
import { useSearch, useSearchPoints } from '../api/use-search.js';
import { useServices } from '../api/use-services.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { NoDataNotice } from '../components/no-data-notice.js';
import { Notice } from '../components/notice.js';
import { DurationScatter } from './duration-scatter.js';
import { Pagination } from './pagination.js';
import { ResultsTable } from './results-table.js';
import { SearchCharts } from './search-charts.js';
import { SearchForm } from './search-form.js';
import { matchesBelowRoot, readSearchState, searchWindow, toPointsQuery, toSearchQuery, writeSearchState } from './search-state.js';
import type { SearchState } from './search-state.js';
import { SearchStatus } from './search-status.js';
import { searchTitle } from './search-title.js';
import { SortSelect } from './sort-select.js';
import { useWindowEnd } from './use-window-end.js';

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const state = useMemo(() => readSearchState(params), [params]);
  // "Last 1h" ends when the user searches (each navigation has its own key), not on every render, nor on a brush.
  const now = useWindowEnd(state, location.key);
  const query = useMemo(() => toSearchQuery(state, now), [state, now]);
  const pointsQuery = useMemo(() => toPointsQuery(state, now), [state, now]);
  const services = useServices();
  const search = useSearch(query);
  const points = useSearchPoints(pointsQuery);
  const [formChanged, setFormChanged] = useState(false);
  useDocumentTitle(searchTitle(state));
  const go = (next: SearchState) => setParams(writeSearchState(next));
  // A TraceQL parse error belongs under the query box, not in a notice that replaces the results.
  const queryProblem = search.isError && isApiError(search.error) && search.error.detail.parameter === 'q' ? { message: search.error.message, position: search.error.detail.position } : undefined;

  if (services.data?.length === 0) return <NoDataNotice />;
  if (services.isError && isApiError(services.error) && services.error.kind === 'unreachable') {
    return <ApiErrorNotice error={services.error} what="services" />;
  }

  const data = search.data;
  // Later pages carry the first page's anchor, so rows do not shift onto them as new traces arrive.
  const toOffset = (offset: number) => go({ ...state, offset, anchor: state.anchor ?? (search.isPlaceholderData ? undefined : data?.anchor) });
  const stale = search.isFetching || formChanged;
  return (
    <div className="search-page">
      <SearchForm key={location.key} initial={state} onSubmit={go} onChanged={setFormChanged} queryProblem={queryProblem} />
      {queryProblem ? null : search.isError ? (
        <ApiErrorNotice error={search.error} what="search results" />
      ) : data ? (
        <section className={`results-section${stale ? ' stale' : ''}`} aria-busy={search.isFetching} data-testid="results">
          <SearchStatus
            fetching={search.isFetching}
            formChanged={formChanged}
            newSince={search.isPlaceholderData ? 0 : (data.newSinceAnchor ?? 0)}
            newestHref={`?${writeSearchState({ ...state, offset: 0, anchor: undefined })}`}
          />
          <SearchCharts
            state={state}
            now={now}
            go={go}
            scatter={
              pointsQuery && points.data ? (
                <DurationScatter points={points.data.points} timeWindow={searchWindow(state, now)} of={{ kind: 'matches', total: points.data.total, sampled: points.data.sampled }} />
              ) : (
                <DurationScatter points={data.traces} timeWindow={searchWindow(state, now)} of={{ kind: 'page' }} />
              )
            }
          />
          <Pagination offset={state.offset} limit={state.limit} total={data.total} totalIsLowerBound={data.totalIsLowerBound} shown={data.traces.length} onOffset={toOffset}>
            {state.mode === 'form' && <SortSelect value={state.sort} onChange={(sort) => go({ ...state, sort, offset: 0, anchor: undefined })} />}
          </Pagination>
          {data.traces.length === 0 ? (
            <Notice title="No traces match">
              <p>Widen the time range, remove a filter, or check the service name.</p>
            </Notice>
          ) : (
            <ResultsTable rows={data.traces} showMatched={matchesBelowRoot(state)} />
          )}
        </section>
      ) : (
        <p className="muted loading" role="status">Searching…</p>
      )}
    </div>
  );
}
