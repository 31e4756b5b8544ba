import type { ErrorSummary } from '@clew/api';
import { Link } from 'react-router';
import { formatAgo } from '../format/time.js';

/** The window's most frequent errors: exception type (or a status message alone), message, operation, count. */
export function ErrorsList({ errors, searchHref }: { errors: readonly ErrorSummary[]; searchHref(operation: string): string }) {
  if (errors.length === 0) return <p className="muted">No errors in this window.</p>;
  const top = Math.max(...errors.map((e) => e.count));
  return (
    <table className="health-table errors-table">
      <thead>
        <tr>
          <th>Exception type</th>
          <th>Message</th>
          <th>Operation</th>
          <th className="num">Count</th>
          <th className="num">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e, i) => (
          <tr key={`${e.operation}\u0000${e.type}\u0000${e.message}\u0000${i}`}>
            <td>{e.type ? <code>{e.type}</code> : <span className="muted">status only</span>}</td>
            <td className="error-message" title={e.message}>
              {e.message || <span className="muted">(no message)</span>}
            </td>
            <td>
              <Link to={searchHref(e.operation)} title="Search the failed traces of this operation">
                {e.operation}
              </Link>
            </td>
            <td className="num">
              <div className="count-bar-cell">
                <div className="bar-track short">
                  <div className="count-bar" style={{ width: `${(e.count / top) * 100}%` }} />
                </div>
                <span>{e.count.toLocaleString('en')}</span>
              </div>
            </td>
            <td className="num muted">{formatAgo(e.lastSeen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
