import type { TraceId } from '@clew/model';
import type { EpochMillis, StoredDocument } from '../metrics/metrics-store.js';

/** The document collection of archive marks in the metrics store, one document per archived trace of a tenant. */
export const ARCHIVE_COLLECTION = 'archived-traces';

/** Who archived a trace, when and why: what makes a trace archived (its spans alone do not). */
export interface ArchiveMark {
  readonly traceId: TraceId;
  readonly archivedAt: EpochMillis;
  /** The token's name or tenant with auth on; otherwise the name the caller gave, or `anonymous`. */
  readonly archivedBy: string;
  /** Why, as the user wrote it; '' when no note was given. */
  readonly note: string;
  /** Who last changed the note after the trace was archived, and when (absent while it is the note it was archived with). */
  readonly noteEditedBy?: string;
  readonly noteEditedAt?: EpochMillis;
}

interface MarkBody {
  readonly by: string;
  readonly note: string;
  readonly noteBy?: string;
  readonly noteAt?: number;
}

export function markToDocument(mark: ArchiveMark): StoredDocument {
  const body: MarkBody = {
    by: mark.archivedBy,
    note: mark.note,
    ...(mark.noteEditedBy !== undefined && mark.noteEditedAt !== undefined && { noteBy: mark.noteEditedBy, noteAt: mark.noteEditedAt }),
  };
  // updatedAt is when the trace was archived, whatever edits its note since: the list's order is the archive's.
  return { id: mark.traceId, body: JSON.stringify(body), updatedAt: mark.archivedAt };
}

/** The mark a stored document holds; a body that is not a mark's reads as an anonymous mark without a note. */
export function markFromDocument(doc: StoredDocument): ArchiveMark {
  let body: Partial<MarkBody> = {};
  try {
    body = JSON.parse(doc.body) as Partial<MarkBody>;
  } catch {
    // an unreadable body still marks the trace archived
  }
  return {
    traceId: doc.id as TraceId,
    archivedAt: doc.updatedAt,
    archivedBy: typeof body.by === 'string' ? body.by : 'anonymous',
    note: typeof body.note === 'string' ? body.note : '',
    ...(typeof body.noteBy === 'string' && typeof body.noteAt === 'number' && { noteEditedBy: body.noteBy, noteEditedAt: body.noteAt }),
  };
}
