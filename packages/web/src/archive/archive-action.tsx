import { ARCHIVE_NOTE_MAX } from '@clew/api';
import type { ArchiveMark } from '@clew/api';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useArchiveMark, useArchiveTrace, useEditArchiveNote, useRangeArchived } from '../api/use-archive.js';
import { useSession } from '../api/use-session.js';
import { formatTimestampWithZone } from '../format/time.js';
import { UnarchiveButton } from './unarchive-button.js';
import './archive.css';

/** "Archived by ana on 2026-12-03 16:20:11.000 UTC", what a mark says in a line. */
export const describeMark = (m: ArchiveMark): string => `Archived by ${m.archivedBy} on ${formatTimestampWithZone(m.archivedAt)}`;

/**
 * The trace page's archive action: "Archive…" opens a note field; once archived, the mark (who, when, why), "Edit
 * note" (in place) and "Un-archive". An archived trace is kept when retention drops its day.
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

/** "note edited by bo on 2026-12-06 10:20:11.000 UTC", once a note was changed after archiving; '' before. */
export const describeNoteEdit = (m: ArchiveMark): string =>
  m.noteEditedBy !== undefined && m.noteEditedAt !== undefined ? `note edited by ${m.noteEditedBy} on ${formatTimestampWithZone(m.noteEditedAt)}` : '';

function ArchiveRow({ traceId }: { traceId: string }) {
  const mark = useArchiveMark(traceId);
  const archive = useArchiveTrace();
  const editNote = useEditArchiveNote();
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  // Un-archived meanwhile (another tab, another user): the edit is over, and archived again the row starts afresh.
  const archived = mark.data != null;
  useEffect(() => {
    if (!archived) setEditing(false);
  }, [archived]);

  if (mark.data) {
    const m = mark.data;
    if (editing) {
      return (
        <MarkForm
          label="Note"
          placeholder="why this trace is kept"
          initialNote={m.note}
          submit="Save note"
          pending={editNote.isPending}
          error={editNote.error}
          onSubmit={(note, user) => editNote.mutate({ traceId, note, ...(user !== '' && { user }) }, { onSuccess: () => setEditing(false) })}
          onCancel={() => setEditing(false)}
        />
      );
    }
    const edited = describeNoteEdit(m);
    return (
      <div className="archive-mark" data-testid="archive-mark" role="status">
        <span className="badge archived">Archived</span>
        <span>{describeMark(m)}</span>
        {m.note !== '' && (
          <q className="archive-note" title={m.note}>
            {m.note}
          </q>
        )}
        {edited !== '' && (
          // Short, so that the row stays one line: the time is on hover (and on the Archived page).
          <span className="muted small archive-note-edited" title={edited}>
            (edited by {m.noteEditedBy})
          </span>
        )}
        <button
          type="button"
          className="link-button"
          onClick={() => {
            editNote.reset();
            setEditing(true);
          }}
        >
          {m.note === '' ? 'Add a note' : 'Edit note'}
        </button>
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
  if (!open) {
    return (
      <button
        type="button"
        className="archive-open"
        onClick={() => {
          // Reopened, the form forgets what the last attempt said.
          archive.reset();
          setOpen(true);
        }}
        title="Keep this trace after retention drops its day"
      >
        Archive…
      </button>
    );
  }
  return (
    <MarkForm
      label={
        <>
          Why keep it? <span className="muted">(optional)</span>
        </>
      }
      placeholder="e.g. INC-42: checkout outage"
      initialNote=""
      submit="Archive"
      pending={archive.isPending}
      error={archive.error}
      onSubmit={(note, user) => archive.mutate({ traceId, ...(note !== '' && { note }), ...(user !== '' && { user }) }, { onSuccess: () => setOpen(false) })}
      onCancel={() => setOpen(false)}
    />
  );
}

/**
 * The note field of archiving and of editing a note, with a "By" field when auth is off (with auth on, the token says
 * who; without it, the name given is remembered for the next time, else the mark says "anonymous"). Escape cancels.
 */
function MarkForm(props: {
  label: ReactNode;
  placeholder: string;
  initialNote: string;
  submit: string;
  pending: boolean;
  error: Error | null;
  onSubmit: (note: string, user: string) => void;
  onCancel: () => void;
}) {
  const askName = useSession().data?.auth === false;
  const [note, setNote] = useState(props.initialNote);
  const [user, setUser] = useState(() => localStorage.getItem(USER_KEY) ?? '');
  return (
    <form
      className="archive-form"
      onSubmit={(e) => {
        e.preventDefault();
        const name = askName ? user.trim() : '';
        if (askName) localStorage.setItem(USER_KEY, name);
        props.onSubmit(note.trim(), name);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onCancel();
      }}
    >
      <label>
        {props.label}
        <input type="text" value={note} maxLength={ARCHIVE_NOTE_MAX} onChange={(e) => setNote(e.target.value)} placeholder={props.placeholder} autoFocus />
      </label>
      {askName && (
        <label>
          By <span className="muted">(optional)</span>
          <input className="archive-user" type="text" value={user} maxLength={200} onChange={(e) => setUser(e.target.value)} placeholder="your name" />
        </label>
      )}
      <button type="submit" className="primary" disabled={props.pending}>
        {props.submit}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      {props.error && (
        <span className="error-text" role="alert">
          {props.error.message}
        </span>
      )}
    </form>
  );
}
