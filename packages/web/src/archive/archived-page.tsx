import { Link } from 'react-router';
import { useArchivedTraces } from '../api/use-archive.js';
import { displayTraceId } from '../app/trace-id.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { Notice } from '../components/notice.js';
import { formatNanos } from '../format/duration.js';
import { formatTimestampWithZone, nanosStringToMillis } from '../format/time.js';
import { describeNoteEdit } from './archive-action.js';
import { UnarchiveButton } from './unarchive-button.js';
import './archive.css';

/** `/archived`: the traces kept outside retention, most recently archived first, with who kept each, when and why. */
export function ArchivedPage() {
  const traces = useArchivedTraces();
  useDocumentTitle('Archived traces');

  return (
    <div className="health-page archived-page">
      <div className="health-head">
        <h2>Archived traces</h2>
      </div>
      {traces.isError ? (
        <ApiErrorNotice error={traces.error} what="archived traces" />
      ) : !traces.data ? (
        <p className="muted loading" role="status">
          Loading archived traces…
        </p>
      ) : traces.data.length === 0 ? (
        <Notice title="No archived traces">
          <p>
            Retention drops each day's spans when it ends. To keep a trace (the one attached to an incident), open it and choose <em>Archive…</em> on its page;
            it is then listed here and read by every API, whatever retention does.
          </p>
        </Notice>
      ) : (
        <table className="health-table archived-table" data-testid="archived-traces">
          <thead>
            <tr>
              <th>Trace</th>
              <th>Started</th>
              <th className="num">Duration</th>
              <th className="num">Spans</th>
              <th>Archived</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {traces.data.map((t) => (
              <tr key={t.traceId} data-trace-id={t.traceId}>
                <td>
                  <Link to={`/trace/${t.traceId}`}>{t.trace ? `${t.trace.rootService}: ${t.trace.rootName}` : displayTraceId(t.traceId)}</Link>
                  <div className="muted small">
                    <code>{displayTraceId(t.traceId)}</code>
                  </div>
                </td>
                <td>{t.trace ? formatTimestampWithZone(nanosStringToMillis(t.trace.startTimeUnixNano)) : '–'}</td>
                <td className="num">{t.trace ? formatNanos(Number(t.trace.durationNanos)) : '–'}</td>
                <td className="num">
                  {t.trace ? t.trace.spanCount : '–'}
                  {t.trace && t.trace.errorCount > 0 && (
                    <>
                      {' '}
                      <span className="badge error">
                        {t.trace.errorCount} {t.trace.errorCount === 1 ? 'error' : 'errors'}
                      </span>
                    </>
                  )}
                </td>
                <td>
                  {t.archived.archivedBy}
                  <div className="muted small">{formatTimestampWithZone(t.archived.archivedAt)}</div>
                </td>
                <td>
                  {t.archived.note === '' ? (
                    <span className="muted">–</span>
                  ) : (
                    <span className="archive-note" title={t.archived.note}>
                      {t.archived.note}
                    </span>
                  )}
                  {t.archived.noteEditedBy !== undefined && <div className="muted small">{describeNoteEdit(t.archived)}</div>}
                </td>
                <td>
                  <UnarchiveButton traceId={t.traceId} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
