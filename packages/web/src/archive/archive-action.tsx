import { ARCHIVE_NOTE_MAX } from '@clew/api';
import type { ArchiveMark } from '@clew/api';
import { useState } from 'react';
import { Link } from 'react-router';
import { useArchiveMark, useArchiveTrace, useRangeArchived } from '../api/use-archive.js';
import { useSession } from '../api/use-session.js';
import { formatTimestampWithZone } from '../format/time.js';
import { UnarchiveButton } from './unarchive-button.js';
import './archive.css';

/** "Archived by ana on 2026-12-03 16:20:11.000 UTC", what a mark says in a line. */
export const describeMark = (m: ArchiveMark): string => `Archived by ${m.archivedBy} on ${formatTimestampWithZone(m.archivedAt)}`;

/**
 * The trace page's archive action: "Archive…" opens a note field; once archived, the mark (who, when, why) and
 * "Un-archive". An archived trace is kept when retention drops its day.
 */
export function ArchiveAction({ traceId }: { traceId: string }) {
  // One row of a fixed height whatever it holds, so that the page does not move when the mark arrives (a span
  // scrolled into view stays in view).
  return (
    <div className="archive-row">
      <RangeArchiveBadge traceId={traceId} />
      <ArchiveRow traceId={traceId} />
    </div>
  );
}

/** A badge for a trace read from a range archive attached read-only: kept outside retention, nothing to un-archive. */
function RangeArchiveBadge({ traceId }: { traceId: string }) {
  const ranged = useRangeArchived(traceId);
  if (!ranged.data) return null;
  return (
    <span className="badge range-archived" data-testid="range-archived" title="Spans of this trace are in a range archive attached read-only (clew serve --archive-dir)">
      In a range archive
    </span>
  );
}

/** Where the name a user archives under (auth off) is remembered between visits. */
const USER_KEY = 'clew.archive.user';

function ArchiveRow({ traceId }: { traceId: string }) {
  const mark = useArchiveMark(traceId);
  const archive = useArchiveTrace();
  // With auth on, the token says who archives; without it, the user may (else the mark says "anonymous").
  const askName = useSession().data?.auth === false;
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [user, setUser] = useState(() => localStorage.getItem(USER_KEY) ?? '');

  if (mark.data) {
    return (
      <div className="archive-mark" data-testid="archive-mark" role="status">
        <span className="badge archived">Archived</span>
        <span>{describeMark(mark.data)}</span>
        {mark.data.note !== '' && (
          <q className="archive-note" title={mark.data.note}>
            {mark.data.note}
          </q>
        )}
        <Link to="/archived">All archived</Link>
        <UnarchiveButton traceId={traceId} />
      </div>
    );
  }
  if (mark.isPending) return null;
  if (mark.isError) {
    // Not known whether it is archived: said, rather than an Archive… button that may not apply.
    return (
      <span className="muted small" role="status">
        Archive status could not be read: {mark.error.message}
      </span>
    );
  }
  // Closed or reopened, the form forgets what the last attempt said.
  const show = (now: boolean) => {
    archive.reset();
    setOpen(now);
  };
  if (!open) {
    return (
      <button type="button" className="archive-open" onClick={() => show(true)} title="Keep this trace after retention drops its day">
        Archive…
      </button>
    );
  }
  return (
    <form
      className="archive-form"
      onSubmit={(e) => {
        e.preventDefault();
        const name = askName ? user.trim() : '';
        if (askName) localStorage.setItem(USER_KEY, name);
        archive.mutate({ traceId, ...(note.trim() !== '' && { note: note.trim() }), ...(name !== '' && { user: name }) }, { onSuccess: () => setOpen(false) });
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') show(false);
      }}
    >
      <label>
        Why keep it? <span className="muted">(optional)</span>
        <input type="text" value={note} maxLength={ARCHIVE_NOTE_MAX} onChange={(e) => setNote(e.target.value)} placeholder="e.g. INC-42: checkout outage" autoFocus />
      </label>
      {askName && (
        <label>
          By <span className="muted">(optional)</span>
          <input className="archive-user" type="text" value={user} maxLength={200} onChange={(e) => setUser(e.target.value)} placeholder="your name" />
        </label>
      )}
      <button type="submit" className="primary" disabled={archive.isPending}>
        Archive
      </button>
      <button type="button" onClick={() => show(false)}>
        Cancel
      </button>
      {archive.error && <span className="error-text" role="alert">{archive.error.message}</span>}
    </form>
  );
}
