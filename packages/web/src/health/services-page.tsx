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
  const rows = useMemo(() => (health.data ? sortServices(health.data.services, sort.column, sort.dir) : []), [health.data, sort]);

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
      ) : data.services.length === 0 ? (
        <Notice title={`No ${view.spanKind} spans in the last ${view.window}`}>
          <p>Choose another span kind or a longer window, or <Link to="/search">search the traces</Link> Clew holds.</p>
        </Notice>
      ) : (
        <section className={health.isFetching ? 'stale-soft' : undefined} aria-busy={health.isFetching} data-testid="services">
          <ServicesTable rows={rows} sort={sort} onSort={onSort} carry={carriedView(view)} />
          <p className="muted footnote">
            {data.services.length} services · {formatTimestamp(data.from).slice(0, 16)} to {formatTimestamp(data.to).slice(0, 16)} {zoneName(data.to)} · a point
            every {formatStep(data.step)} · changes are against the {view.window} before; red is worse
          </p>
        </section>
      )}
    </div>
  );
}
