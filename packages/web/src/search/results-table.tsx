import type { TraceRow } from '@clew/api';
import { useState } from 'react';
import { Link } from 'react-router';
import { compareUrl } from '../compare/compare-path.js';
import { displayTraceId } from '../app/trace-id.js';
import { formatNanos } from '../format/duration.js';
import { serviceColor } from '../format/service-colors.js';
import { formatAgo, formatTimestamp, formatTimestampWithZone, nanosStringToMillis, zoneName } from '../format/time.js';

/**
 * Search results, one row a trace, with a duration bar scaled to the longest trace on the page. With `showMatched`
 * (the search asked for an operation, kind, attribute or duration), a row whose matching span is not the root shows
 * that span's own duration too. Services with errors say how many; archived traces say so.
 */
export function ResultsTable({ rows, showMatched }: { rows: readonly TraceRow[]; showMatched: boolean }) {
  const longest = Math.max(1, ...rows.map((r) => Number(r.durationNanos)));
  // Two traces picked for comparison, in the order picked (the first is A); a third pick replaces the older one.
  const [picked, setPicked] = useState<readonly string[]>([]);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  return (
    <>
    <div className="compare-bar" data-testid="compare-bar">
      {picked.length === 2 ? (
        <Link className="button-link" to={compareUrl(picked[0]!, picked[1]!)} data-testid="compare-link">
          Compare the two selected traces
        </Link>
      ) : (
        <span className="muted">Select two traces to compare them{picked.length === 1 ? ' (one selected)' : ''}.</span>
      )}
    </div>
    <table className="results">
      <thead>
        <tr>
          <th className="pick" aria-label="Select to compare" />
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
          const matched = showMatched && r.matchedSpan && !(r.matchedSpan.service === r.rootService && r.matchedSpan.name === r.rootName) ? r.matchedSpan : undefined;
          return (
            <tr key={r.traceId} data-trace-id={r.traceId}>
              <td className="pick">
                <input type="checkbox" aria-label={`Select ${r.traceId} to compare`} checked={picked.includes(r.traceId)} onChange={() => toggle(r.traceId)} />
              </td>
              <td>
                <Link to={`/trace/${r.traceId}`} className="trace-link">
                  <span className="swatch" style={{ background: serviceColor(r.rootService) }} />
                  <strong>{r.rootService}</strong>: {r.rootName}
                </Link>
                <div className="muted mono trace-id">{displayTraceId(r.traceId)}</div>
                {r.archived && (
                  <span className="badge archived" data-testid="row-archived" title="Kept in the trace archive, outside retention">
                    Archived
                  </span>
                )}
                {r.rangeArchived && (
                  <span className="badge range-archived" data-testid="row-range-archived" title="Spans of this trace are in a range archive attached read-only (clew serve --archive-dir)">
                    In a range archive
                  </span>
                )}
              </td>
              <td title={formatTimestampWithZone(startMs)} className="start">
                {formatTimestamp(startMs).slice(11)} <span className="muted zone">{zoneName(startMs)}</span>
                <div className="muted">{formatAgo(startMs)}</div>
              </td>
              <td className="num">
                {formatNanos(ns)}
                <div className="duration-bar" style={{ width: `${(100 * ns) / longest}%` }} />
                {matched && (
                  <div className="matched-span" data-testid="matched-span" title={`The matching span, ${matched.service}: ${matched.name}, took ${formatNanos(Number(matched.durationNanos))} of the trace's ${formatNanos(ns)}`}>
                    <span className="matched-name">{matched.name}</span> {formatNanos(Number(matched.durationNanos))}
                  </div>
                )}
              </td>
              <td className="num">{r.spanCount}</td>
              <td className="num">{r.errorCount > 0 ? <span className="badge error">{r.errorCount}</span> : <span className="muted">0</span>}</td>
              <td>
                <div className="services-cell">
                  {r.services.map((s) => (
                    <span key={s.name} className={`service-chip${s.errorCount > 0 ? ' has-errors' : ''}`} title={`${s.spanCount} spans, ${s.errorCount} errors`}>
                      <span className="swatch" style={{ background: serviceColor(s.name) }} />
                      {s.name} <span className="muted">{s.spanCount}</span>
                      {s.errorCount > 0 && <span className="service-errors"> {s.errorCount} {s.errorCount === 1 ? 'error' : 'errors'}</span>}
                    </span>
                  ))}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
    </>
  );
}
