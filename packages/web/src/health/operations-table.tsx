import type { OperationHealth } from '@clew/api';
import { Link } from 'react-router';
import { formatFraction, formatMs, formatRate } from '../format/health.js';

interface Props {
  operations: readonly OperationHealth[];
  selected: string | undefined;
  /** Picks an operation for the charts, or undefined for the whole service again. */
  onSelect(operation: string | undefined): void;
  overflowOperation: string | null;
  /** Where an operation's aggregate critical path is, when the page offers it. */
  criticalPathHref?: (operation: string) => string;
}

/**
 * A service's operations with their figures and impact (share of the service's time), most impact first. A row
 * selects its operation; the selected row's button lets go of it.
 */
export function OperationsTable({ operations, selected, onSelect, overflowOperation, criticalPathHref }: Props) {
  const rows = [...operations].sort((a, b) => b.impact - a.impact || a.operation.localeCompare(b.operation));
  return (
    <table className="health-table operations-table">
      <thead>
        <tr>
          <th>Operation</th>
          <th className="num">Requests</th>
          <th className="num">Errors</th>
          <th className="num">p50</th>
          <th className="num">p95</th>
          <th className="num">p99</th>
          <th className="impact-col" title="Share of the time spent in this service's spans that this operation took">
            Impact
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((o) => {
          const isSelected = o.operation === selected;
          const f = o.figures;
          return (
            <tr key={o.operation} data-operation={o.operation} className={isSelected ? 'selected' : undefined} aria-selected={isSelected} onClick={() => onSelect(isSelected ? undefined : o.operation)}>
              <td className="operation-name">
                <button type="button" className="link-button" aria-pressed={isSelected} title={isSelected ? 'Show the whole service again' : 'Show this operation in the charts'}>
                  {o.operation}
                </button>
                {o.operation === overflowOperation && <span className="badge" title="Operations past the service's limit are counted here">overflow</span>}
                {criticalPathHref && o.operation !== overflowOperation && (
                  <Link className="critical-path-link" to={criticalPathHref(o.operation)} onClick={(e) => e.stopPropagation()} title="Where this operation's time goes, merged over its traces in the window">
                    critical path
                  </Link>
                )}
              </td>
              <td className="num">{formatRate(f.rate)}</td>
              <td className={`num${f.errors > 0 ? ' error-text' : ''}`}>{formatFraction(f.errorRate)}</td>
              <td className="num">{formatMs(f.p50Ms)}</td>
              <td className="num">{formatMs(f.p95Ms)}</td>
              <td className="num">{formatMs(f.p99Ms)}</td>
              <td className="impact-col">
                <div className="impact" title={`${formatFraction(o.impact)} of the service's time`}>
                  <div className="bar-track">
                    <div className="impact-bar" style={{ width: `${Math.max(0, Math.min(1, o.impact)) * 100}%` }} />
                  </div>
                  <span>{formatFraction(o.impact)}</span>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
