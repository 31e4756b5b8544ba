import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useDeleteSlo, useSlo } from '../api/use-slos.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { Notice } from '../components/notice.js';
import { formatStep } from '../format/health.js';
import { formatAgo, formatTimestampWithZone } from '../format/time.js';
import { searchErrors } from '../health/search-links.js';
import { AlertBadge } from './alert-badge.js';
import { BudgetBar } from './budget-bar.js';
import { SloCharts } from './slo-charts.js';
import { SloForm } from './slo-form.js';
import { describeObjective, formatBurn, formatSli, formatTarget } from './slo-text.js';

/** The service page, with the SLO's span kind and operation. */
function serviceLink(d: { service: string; spanKind: string; operation?: string | undefined }): string {
  const p = new URLSearchParams();
  if (d.spanKind !== 'server') p.set('spanKind', d.spanKind);
  if (d.operation) p.set('operation', d.operation);
  return `/services/${encodeURIComponent(d.service)}${p.size > 0 ? `?${p}` : ''}`;
}

const WINDOW_MS = { '7d': 7 * 86400e3, '28d': 28 * 86400e3, '30d': 30 * 86400e3 } as const;

/** `/slos/:id`: where an SLO stands, its burn rates and alerts, its SLI and budget over the window; edit, delete. */
export function SloPage() {
  const id = useParams().id ?? '';
  const detail = useSlo(id, 60_000);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteSlo();
  const navigate = useNavigate();
  useDocumentTitle(detail.data?.slo.definition.name ?? id);

  if (detail.isError) {
    return detail.error && 'notFound' in detail.error && detail.error.notFound ? (
      <Notice title="No such SLO">
        <p>
          No SLO has the id <code>{id}</code>. See <Link to="/slos">every SLO</Link>.
        </p>
      </Notice>
    ) : (
      <ApiErrorNotice error={detail.error} what="the SLO" />
    );
  }
  if (!detail.data) {
    return (
      <p className="muted loading" role="status">
        Loading the SLO…
      </p>
    );
  }
  const v = detail.data.slo;
  const d = v.definition;
  const readOnly = v.source === 'config';
  return (
    <div className="health-page slo-page">
      <div className="health-head">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/slos">SLOs</Link> ›
        </nav>
        <h2>{d.name}</h2>
        <AlertBadge state={v.alertState} />
        <div className="spacer" />
        {readOnly ? (
          <span className="muted read-only" data-testid="read-only">
            Defined in the config file (<code>slos:</code>): change it there.
          </span>
        ) : (
          !editing && (
            <>
              <button type="button" onClick={() => setEditing(true)}>
                Edit
              </button>
              {confirming ? (
                <>
                  <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(id, { onSuccess: () => navigate('/slos') })}>
                    Delete for good
                  </button>
                  <button type="button" onClick={() => setConfirming(false)}>
                    Keep it
                  </button>
                </>
              ) : (
                <button type="button" onClick={() => setConfirming(true)}>
                  Delete
                </button>
              )}
            </>
          )
        )}
      </div>
      {remove.isError && (
        <p className="error-text" role="alert">
          {remove.error.message}
        </p>
      )}
      {editing && <SloForm existing={d} onSaved={() => setEditing(false)} onCancel={() => setEditing(false)} />}
      <p className="slo-objective">
        {describeObjective(d)} ·{' '}
        <Link to={serviceLink(d)}>
          {d.service}'s health
        </Link>{' '}
        · <Link to={searchErrors({ service: d.service, operation: d.operation, spanKind: d.spanKind, lengthMs: WINDOW_MS[d.window] })}>its failed traces</Link>
      </p>
      {d.description && <p className="muted">{d.description}</p>}
      <div className="figures-strip slo-figures" data-testid="slo-figures">
        <div className="figure-box">
          <div className="figure-label">SLI ({d.window})</div>
          <div className={`figure-value${v.sli !== null && v.sli < d.target ? ' error-text' : ''}`}>{formatSli(v.sli)}</div>
          <div className="figure-detail muted">target {formatTarget(d.target)}</div>
        </div>
        <div className="figure-box wide">
          <div className="figure-label">Error budget left</div>
          <BudgetBar remaining={v.budgetRemaining} />
          <div className="figure-detail muted">
            {v.bad.toLocaleString('en')} bad of {v.total.toLocaleString('en')} · evaluated {formatAgo(v.evaluatedAt)}
          </div>
        </div>
        {v.burnRates.map((b) => (
          <div key={b.window} className={`figure-box${b.burnRate >= 1 ? ' hot' : ''}`} title={`${b.bad} bad of ${b.total}`}>
            <div className="figure-label">burn {b.window}</div>
            <div className="figure-value">{formatBurn(b.burnRate)}</div>
          </div>
        ))}
      </div>
      <SloCharts detail={detail.data} />
      <p className="muted chart-help">A point every {formatStep(detail.data.step)}; the budget line is what was left at the end of each step.</p>
      <section className="health-section">
        <h3>Alerts</h3>
        <table className="health-table alerts-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Severity</th>
              <th>Fires when the burn rate over</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {v.alerts.map((a) => (
              <tr key={a.rule}>
                <td>
                  <code>{a.rule}</code>
                </td>
                <td>{a.severity}</td>
                <td>
                  both {a.longWindow} and {a.shortWindow} is over {formatBurn(a.factor)}
                </td>
                <td>{a.firing ? <span className={`alert-badge firing ${a.severity}`} title={a.since !== null ? formatTimestampWithZone(a.since) : undefined}>firing{a.since !== null && `, started ${formatAgo(a.since)}`}</span> : <span className="muted">quiet</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
