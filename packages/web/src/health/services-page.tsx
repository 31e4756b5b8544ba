import type { ServiceHealth } from '@clew/api';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { isApiError } from '../api/api-error.js';
import { useServicesHealth } from '../api/use-health.js';
import { useServices } from '../api/use-services.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { NoDataNotice } from '../components/no-data-notice.js';
import { Notice } from '../components/notice.js';
import { formatStep } from '../format/health.js';
import { formatTimestamp, zoneName } from '../format/time.js';
import { HealthControls } from './health-controls.js';
import { carriedView, liveWindow } from './health-view.js';
import { RangeArchiveNote } from './range-archive-note.js';
import { readSort, sortServices } from './services-sort.js';
import type { ServiceColumn } from './services-sort.js';
import { ServicesTable } from './services-table.js';
import { useHealthView } from './use-health-view.js';

/** The home page: every service's request rate, error rate and latency over the window, against the one before. */
export function ServicesPage() {
  const [view, setView, params, setParams] = useHealthView();
  const sort = useMemo(() => readSort(params), [params]);
  const health = useServicesHealth(liveWindow(view), view.spanKind);
  const services = useServices();
  useDocumentTitle('Services');
  // A service with no spans of this kind now or in the window before is listed apart (a queue worker has no server
  // spans); one whose traffic stopped stays in the table, where its drop shows.
  const [active, idle] = useMemo(() => {
    const all = health.data?.services ?? [];
    const seen = (s: ServiceHealth) => s.figures.count > 0 || (s.previous?.count ?? 0) > 0;
    return [sortServices(all.filter(seen), sort.column, sort.dir), all.filter((s) => !seen(s)).map((s) => s.service)];
  }, [health.data, sort]);

  const onSort = (column: ServiceColumn) =>
    setParams(
      ((p) => {
        const next = new URLSearchParams(p);
        const dir = sort.column === column ? (sort.dir === 'asc' ? 'desc' : 'asc') : column === 'service' ? 'asc' : 'desc';
        next.set('sort', column);
        next.set('dir', dir);
        return next;
      })(params),
    );

  if (services.data?.length === 0) return <NoDataNotice />;
  const data = health.data;
  return (
    <div className="health-page services-page">
      <div className="health-head">
        <h2>Services</h2>
        <span className="muted">
          {view.spanKind} spans · last {view.window}
          {data && ` · compared with the ${view.window} before`}
        </span>
        <div className="spacer" />
        <HealthControls view={view} onChange={setView} fetching={health.isFetching} onRefresh={() => void health.refetch()} />
      </div>
      <RangeArchiveNote />
      {health.isError ? (
        isApiError(health.error) && health.error.status === 404 ? (
          <Notice title="Service health is not available">
            <p>This Clew does not serve service metrics. The <Link to="/search">search page</Link> still finds traces.</p>
          </Notice>
        ) : (
          <ApiErrorNotice error={health.error} what="service health" />
        )
      ) : !data ? (
        <p className="muted loading" role="status">
          Loading services…
        </p>
      ) : active.length === 0 ? (
        <Notice title={`No ${view.spanKind} spans in the last ${view.window}`}>
          <p>Choose another span kind or a longer window, or <Link to="/search">search the traces</Link> Clew holds.</p>
        </Notice>
      ) : (
        <section className={health.isFetching ? 'stale-soft' : undefined} aria-busy={health.isFetching} data-testid="services">
          <ServicesTable rows={active} sort={sort} onSort={onSort} carry={carriedView(view)} />
          <p className="muted footnote">
            {active.length} services · {formatTimestamp(data.from).slice(0, 16)} to {formatTimestamp(data.to).slice(0, 16)} {zoneName(data.to)} · a point
            every {formatStep(data.step)} · changes are against the {view.window} before; red is worse
          </p>
          {idle.length > 0 && (
            <p className="muted footnote" data-testid="idle-services">
              No {view.spanKind} spans from {idle.join(', ')} in this window or the one before: choose another span kind to see {idle.length === 1 ? 'it' : 'them'}.
            </p>
          )}
        </section>
      )}
    </div>
  );
}
