import { useCallback } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useServiceDetail } from '../api/use-health.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { formatFraction, formatMs, formatRate, formatStep } from '../format/health.js';
import { criticalPathLink } from '../critical-path/critical-path-link.js';
import { ErrorsList } from './errors-list.js';
import { HealthControls } from './health-controls.js';
import { RangeArchiveNote } from './range-archive-note.js';
import { carriedView, HEALTH_WINDOWS, liveWindow } from './health-view.js';
import { OperationsTable } from './operations-table.js';
import { RedCharts } from './red-charts.js';
import { searchErrors, searchForStep } from './search-links.js';
import { useHealthView } from './use-health-view.js';

/**
 * `/services/:service`: the service's latency, traffic and errors over time, its operations (one of which, chosen,
 * narrows the charts: `?operation=`), and its most frequent errors. A click on a chart searches that step's traces.
 */
export function ServicePage() {
  const service = useParams().service ?? '';
  const [view, setView, params, setParams] = useHealthView();
  const operation = params.get('operation') || undefined;
  const detail = useServiceDetail(service, liveWindow(view), view.spanKind, operation);
  const navigate = useNavigate();
  useDocumentTitle(operation ? `${service} / ${operation}` : service);
  const data = detail.data;
  const step = data?.step;

  const onPickStep = useCallback(
    (t: number) => navigate(searchForStep({ service, operation, spanKind: view.spanKind, startMs: t, endMs: t + (step ?? 60e3) })),
    [navigate, service, operation, view.spanKind, step],
  );
  const select = (op: string | undefined) =>
    setParams(((p) => {
      const next = new URLSearchParams(p);
      if (op === undefined) next.delete('operation');
      else next.set('operation', op);
      return next;
    })(params));

  const f = data?.figures;
  return (
    <div className="health-page service-page">
      <div className="health-head">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to={`/${carriedView(view)}`}>Services</Link> ›
        </nav>
        <h2>{service}</h2>
        {operation && (
          <span className="chip operation-chip">
            <code>{operation}</code>
            <button type="button" onClick={() => select(undefined)} aria-label="Show every operation" title="Show every operation">
              ×
            </button>
          </span>
        )}
        <div className="spacer" />
        <HealthControls view={view} onChange={setView} fetching={detail.isFetching} onRefresh={() => void detail.refetch()} />
      </div>
      <RangeArchiveNote />
      {detail.isError ? (
        <ApiErrorNotice error={detail.error} what={`${service}'s health`} />
      ) : !data || !f ? (
        <p className="muted loading" role="status">
          Loading {service}…
        </p>
      ) : (
        <div className={`service-body${detail.isFetching ? ' stale-soft' : ''}`} data-testid="service-detail">
          <div className="figures-strip" data-testid="figures">
            <Figure label="Requests" value={formatRate(f.rate)} detail={`${f.count.toLocaleString('en')} ${view.spanKind} spans`} />
            <Figure label="Error rate" value={formatFraction(f.errorRate)} detail={`${f.errors.toLocaleString('en')} errors`} tone={f.errors > 0 ? 'error' : undefined} />
            <Figure label="p50" value={formatMs(f.p50Ms)} />
            <Figure label="p95" value={formatMs(f.p95Ms)} />
            <Figure label="p99" value={formatMs(f.p99Ms)} />
            <div className="spacer" />
            <Link className="button-link" to={searchForStep({ service, operation, spanKind: view.spanKind, startMs: data.from, endMs: data.to })}>
              Slowest traces of the window
            </Link>
          </div>
          {data.overflowOperation !== null && (
            <p className="inline-note" role="note" data-testid="overflow-note">
              <strong>Some operations are counted together.</strong> This service has more operation names than Clew keeps figures for
              (<code>metrics.maxOperationsPerService</code>); the rest are counted under <code>{data.overflowOperation}</code>. Span names with ids in
              them usually cause this: name spans after their route.
            </p>
          )}
          {f.count === 0 && (
            <p className="muted">
              No {view.spanKind} spans {operation ? `of ${operation} ` : ''}in the last {view.window}. Try another span kind or a longer window.
            </p>
          )}
          <p className="muted chart-help">
            A point every {formatStep(data.step)}. Click a chart to search the traces of that {formatStep(data.step)}, slowest first.
          </p>
          <RedCharts series={data.series} onPickStep={onPickStep} subject={operation ? `${service} / ${operation}` : service} />
          <section className="health-section">
            <h3>Operations</h3>
            {data.operations.length === 0 ? (
              <p className="muted">No operations in this window.</p>
            ) : (
              <OperationsTable operations={data.operations} selected={operation} onSelect={select} overflowOperation={data.overflowOperation} criticalPathHref={(op) => criticalPathLink({ service, operation: op, from: data.from, to: data.to })} />
            )}
          </section>
          <section className="health-section">
            <h3>Top errors</h3>
            <ErrorsList errors={data.errors} searchHref={(op) => searchErrors({ service, operation: op, spanKind: view.spanKind, lengthMs: HEALTH_WINDOWS[view.window] })} />
          </section>
        </div>
      )}
    </div>
  );
}

function Figure({ label, value, detail, tone }: { label: string; value: string; detail?: string; tone?: 'error' | undefined }) {
  return (
    <div className={`figure-box${tone ? ` ${tone}` : ''}`}>
      <div className="figure-label">{label}</div>
      <div className="figure-value">{value}</div>
      {detail && <div className="figure-detail muted">{detail}</div>}
    </div>
  );
}
