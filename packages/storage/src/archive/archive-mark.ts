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
}

interface MarkBody {
  readonly by: string;
  readonly note: string;
}

export function markToDocument(mark: ArchiveMark): StoredDocument {
  const body: MarkBody = { by: mark.archivedBy, note: mark.note };
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
  };
}
