import { Link, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../api/api-error.js';
import { useSlos } from '../api/use-slos.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { Notice } from '../components/notice.js';
import { AlertBadge } from './alert-badge.js';
import { BudgetBar } from './budget-bar.js';
import { SloForm } from './slo-form.js';
import { describeObjective, formatBurn, formatSli, formatTarget } from './slo-text.js';

/** `/slos`: every SLO with its SLI, budget left, burn rates and alert state; `?new` opens the form to add one. */
export function SlosPage() {
  const [params, setParams] = useSearchParams();
  const creating = params.has('new');
  const slos = useSlos(60_000);
  const navigate = useNavigate();
  useDocumentTitle('SLOs');
  const preset = creating && params.get('service') ? { service: params.get('service')! } : undefined;

  return (
    <div className="health-page slos-page">
      <div className="health-head">
        <h2>Service level objectives</h2>
        <div className="spacer" />
        {!creating && (
          <button type="button" className="primary" onClick={() => setParams({ new: '' })}>
            New SLO
          </button>
        )}
      </div>
      {creating && <SloForm preset={preset} onSaved={(id) => navigate(`/slos/${encodeURIComponent(id)}`)} onCancel={() => setParams({})} />}
      {slos.isError ? (
        isApiError(slos.error) && slos.error.status === 404 ? (
          <Notice title="SLOs are not available">
            <p>This Clew does not serve SLOs.</p>
          </Notice>
        ) : (
          <ApiErrorNotice error={slos.error} what="SLOs" />
        )
      ) : !slos.data ? (
        <p className="muted loading" role="status">
          Loading SLOs…
        </p>
      ) : slos.data.length === 0 ? (
        !creating && (
          <Notice title="No SLOs yet">
            <p>
              An SLO says how good a service must be (“99.9% of payment's requests succeed over 28 days”) and alerts when its error budget burns too fast. Add one with{' '}
              <em>New SLO</em>, or in the config file's <code>slos:</code> section.
            </p>
          </Notice>
        )
      ) : (
        <table className="health-table slos-table" data-testid="slos">
          <thead>
            <tr>
              <th>SLO</th>
              <th className="num">Target</th>
              <th className="num">SLI</th>
              <th>Error budget left</th>
              <th>Burn rates</th>
              <th>Alert</th>
            </tr>
          </thead>
          <tbody>
            {slos.data.map((v) => {
              const d = v.definition;
              return (
                <tr key={d.id} data-slo={d.id}>
                  <td>
                    <Link to={`/slos/${encodeURIComponent(d.id)}`} className="slo-name">
                      {d.name}
                    </Link>
                    {v.source === 'config' && (
                      <span className="badge" title="Defined in the config file: change it there">
                        config
                      </span>
                    )}
                    <div className="muted small">{describeObjective(d)}</div>
                  </td>
                  <td className="num">{formatTarget(d.target)}</td>
                  <td className={`num${v.sli !== null && v.sli < d.target ? ' error-text' : ''}`}>{formatSli(v.sli)}</td>
                  <td>
                    <BudgetBar remaining={v.budgetRemaining} />
                  </td>
                  <td>
                    <div className="burns">
                      {v.burnRates.map((b) => (
                        <span key={b.window} className={`burn${b.burnRate >= 1 ? ' hot' : ''}`} title={`${b.bad} bad of ${b.total} in the last ${b.window}`}>
                          {b.window} <strong>{formatBurn(b.burnRate)}</strong>
                        </span>
                      ))}
                    </div>
                  </td>
                  <td>
                    <AlertBadge state={v.alertState} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
