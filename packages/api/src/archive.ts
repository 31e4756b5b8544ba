import { z } from 'zod';
import { API_BASE } from './routes.js';
import { TraceRowSchema } from './search.js';

/**
 * Where archived traces are listed (GET) and each one archived (POST), read (GET), its note changed (PATCH) and
 * un-archived (DELETE).
 */
export const ARCHIVE_ROUTES = {
  list: `${API_BASE}/archive`,
  trace: `${API_BASE}/archive/:traceId`,
  /** Of range archives (`clew archive`, attached with `clew serve --archive-dir`), not of traces. */
  rangeDays: `${API_BASE}/range-archives/days`,
} as const;

/** `/api/clew/v1/archive/{traceId}` */
export const archivePath = (traceId: string): string => `${API_BASE}/archive/${encodeURIComponent(traceId)}`;

/** Longest note kept with an archived trace, in characters. */
export const ARCHIVE_NOTE_MAX = 2000;

/**
 * The body of `POST /api/clew/v1/archive/{traceId}` (optional, as is each field): why the trace is kept, and who
 * keeps it when auth is off (with auth on, the token's name or tenant is recorded instead).
 * @example { "note": "checkout outage of 3 March, see INC-42", "user": "ana" }
 */
export const ArchiveRequestSchema = z
  .object({
    note: z.string().max(ARCHIVE_NOTE_MAX).optional(),
    user: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type ArchiveRequest = z.infer<typeof ArchiveRequestSchema>;

/**
 * The body of `PATCH /api/clew/v1/archive/{traceId}`: the archived trace's new note ('' to clear it), and who writes
 * it when auth is off (as for archiving).
 * @example { "note": "INC-42: root cause was the card gateway's timeout", "user": "bo" }
 */
export const ArchiveNoteRequestSchema = z
  .object({
    note: z.string().max(ARCHIVE_NOTE_MAX),
    user: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type ArchiveNoteRequest = z.infer<typeof ArchiveNoteRequestSchema>;

/**
 * Who archived a trace, when (ms since the epoch) and why ('' without a note); once the note was changed after
 * archiving, who changed it last and when.
 */
export const ArchiveMarkSchema = z.object({
  archivedAt: z.number().int(),
  archivedBy: z.string(),
  note: z.string(),
  noteEditedBy: z.string().optional(),
  noteEditedAt: z.number().int().optional(),
});
export type ArchiveMark = z.infer<typeof ArchiveMarkSchema>;

/** `POST` and `PATCH /api/clew/v1/archive/{traceId}`: the trace's mark, as now stored. */
export const ArchivedTraceResponseSchema = z.object({
  traceId: z.string(),
  archived: ArchiveMarkSchema,
});
export type ArchivedTraceResponse = z.infer<typeof ArchivedTraceResponseSchema>;

/**
 * `GET /api/clew/v1/archive/{traceId}`: whether the trace is archived: its mark, or null; `rangeArchived` when spans of
 * it are in an attached range archive (`clew serve --archive-dir`, read-only: no mark, nothing to un-archive).
 */
export const ArchiveStatusResponseSchema = ArchivedTraceResponseSchema.extend({
  archived: ArchiveMarkSchema.nullable(),
  rangeArchived: z.literal(true).optional(),
});
export type ArchiveStatusResponse = z.infer<typeof ArchiveStatusResponseSchema>;

/** One archived trace on the Archived page: its mark and, when its spans can be read, its search row. */
export const ArchivedTraceSchema = ArchivedTraceResponseSchema.extend({ trace: TraceRowSchema.optional() });
export type ArchivedTrace = z.infer<typeof ArchivedTraceSchema>;

/**
 * `GET /api/clew/v1/range-archives/days`: the days of attached range archives that hold the request's tenant's spans,
 * oldest first, with how many (from the archives' manifests). Empty when none is attached.
 * @example { "days": [{ "day": "2026-09-01", "spans": 1204511 }, { "day": "2026-09-02", "spans": 1187002 }] }
 */
export const RangeArchiveDaysResponseSchema = z.object({
  days: z.array(z.object({ day: z.string(), spans: z.number().int().nonnegative() })),
});
export type RangeArchiveDaysResponse = z.infer<typeof RangeArchiveDaysResponseSchema>;

/** `GET /api/clew/v1/archive`: the tenant's archived traces, most recently archived first. */
export const ArchivedTracesResponseSchema = z.object({ traces: z.array(ArchivedTraceSchema) });
export type ArchivedTracesResponse = z.infer<typeof ArchivedTracesResponseSchema>;
