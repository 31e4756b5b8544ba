import { useMemo } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { isApiError } from '../api/api-error.js';
import { useSearch } from '../api/use-search.js';
import { useServices } from '../api/use-services.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { NoDataNotice } from '../components/no-data-notice.js';
import { Notice } from '../components/notice.js';
import { DurationScatter } from './duration-scatter.js';
import { Pagination } from './pagination.js';
import { ResultsTable } from './results-table.js';
import { SearchForm } from './search-form.js';
import { readSearchState, toSearchQuery, writeSearchState } from './search-state.js';
import type { SearchState } from './search-state.js';

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const state = useMemo(() => readSearchState(params), [params]);
  // "Last 1h" is anchored when the user searches (each navigation has its own key), not on every render.
  const query = useMemo(() => toSearchQuery(state, Date.now()), [state, location.key]);
  const services = useServices();
  const search = useSearch(query);
  const go = (next: SearchState) => setParams(writeSearchState(next));
  // A TraceQL parse error belongs under the query box, not in a notice that replaces the results.
  const queryProblem = search.isError && isApiError(search.error) && search.error.detail.parameter === 'q' ? { message: search.error.message, position: search.error.detail.position } : undefined;

  if (services.data?.length === 0) return <NoDataNotice />;
  if (services.isError && isApiError(services.error) && services.error.kind === 'unreachable') {
    return <ApiErrorNotice error={services.error} what="services" />;
  }

  return (
    <div className="search-page">
      <SearchForm key={location.key} initial={state} onSubmit={go} queryProblem={queryProblem} />
      {queryProblem ? null : search.isError ? (
        <ApiErrorNotice error={search.error} what="search results" />
      ) : search.data ? (
        <section className="results-section" aria-busy={search.isFetching}>
          <DurationScatter rows={search.data.traces} />
          <Pagination offset={state.offset} limit={state.limit} total={search.data.total} totalIsLowerBound={search.data.totalIsLowerBound} shown={search.data.traces.length} onOffset={(offset) => go({ ...state, offset })} />
          {search.data.traces.length === 0 ? (
            <Notice title="No traces match">
              <p>Widen the time range, remove a filter, or check the service name.</p>
            </Notice>
          ) : (
            <ResultsTable rows={search.data.traces} />
          )}
        </section>
      ) : (
        <p className="muted loading">Searching…</p>
      )}
    </div>
  );
}
