import type { TraceRow } from '@clew/api';
import { Link } from 'react-router';
import { formatNanos } from '../format/duration.js';
import { serviceColor } from '../format/service-colors.js';
import { formatAgo, formatTimestamp, nanosStringToMillis } from '../format/time.js';

/** Search results, one row a trace, with a duration bar scaled to the longest trace on the page. */
export function ResultsTable({ rows }: { rows: readonly TraceRow[] }) {
  const longest = Math.max(1, ...rows.map((r) => Number(r.durationNanos)));
  return (
    <table className="results">
      <thead>
        <tr>
          <th>Trace</th>
          <th>Start</th>
          <th className="num">Duration</th>
          <th className="num">Spans</th>
          <th className="num">Errors</th>
          <th>Services</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const startMs = nanosStringToMillis(r.startTimeUnixNano);
          const ns = Number(r.durationNanos);
          return (
            <tr key={r.traceId} data-trace-id={r.traceId}>
              <td>
                <Link to={`/trace/${r.traceId}`} className="trace-link">
                  <span className="swatch" style={{ background: serviceColor(r.rootService) }} />
                  <strong>{r.rootService}</strong>: {r.rootName}
                </Link>
                <div className="muted mono">{r.traceId.slice(0, 16)}</div>
              </td>
              <td title={formatTimestamp(startMs)}>
                {formatTimestamp(startMs).slice(11)}
                <div className="muted">{formatAgo(startMs)}</div>
              </td>
              <td className="num">
                {formatNanos(ns)}
                <div className="duration-bar" style={{ width: `${(100 * ns) / longest}%` }} />
              </td>
              <td className="num">{r.spanCount}</td>
              <td className="num">{r.errorCount > 0 ? <span className="badge error">{r.errorCount}</span> : <span className="muted">0</span>}</td>
              <td>
                <div className="services-cell">
                {r.services.map((s) => (
                  <span key={s.name} className="service-chip" title={`${s.spanCount} spans, ${s.errorCount} errors`}>
                    <span className="swatch" style={{ background: serviceColor(s.name) }} />
                    {s.name} <span className="muted">{s.spanCount}</span>
                  </span>
                ))}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
