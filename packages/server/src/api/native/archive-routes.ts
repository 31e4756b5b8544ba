import type { ArchivedTraceResponse, ArchivedTracesResponse, ArchiveStatusResponse, RangeArchiveDaysResponse } from '@clew/api';
import { ARCHIVE_ROUTES, ArchiveNoteRequestSchema, ArchiveRequestSchema, TraceParamsSchema, TraceQuerySchema } from '@clew/api';
import type { UnixNanos } from '@clew/model';
import type { ArchiveMark, Store, TraceArchive } from '@clew/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { archivedBy } from '../archived-by.js';
import { parseQuery, parseWith } from './parse-params.js';
import type { TraceCache } from './trace-cache.js';
import { traceRow } from './trace-row.js';

/** A stored mark as the APIs answer it. */
export const markOf = (m: ArchiveMark): ArchivedTraceResponse['archived'] => ({
  archivedAt: m.archivedAt,
  archivedBy: m.archivedBy,
  note: m.note,
  ...(m.noteEditedBy !== undefined && { noteEditedBy: m.noteEditedBy, noteEditedAt: m.noteEditedAt }),
});

/**
 * The archive's routes on the native API: list the request's tenant's archived traces (`GET /archive`), archive one
 * (`POST /archive/:traceId`, body ArchiveRequest), read its mark (`GET`, null when it is not archived: a trace page
 * asks for every trace), change its note (`PATCH`, body ArchiveNoteRequest: who archived it and when stay) and
 * un-archive it (`DELETE`); and the days of attached range archives that hold the
 * tenant's spans (`GET /range-archives/days`, what the Services page says it does not count).
 * `store` is the store the APIs read (live, falling back to the archive), for the list's rows; `cache` the trace
 * page's, which forgets an un-archived trace.
 */
export function registerArchiveRoutes(app: FastifyInstance, archive: TraceArchive, store: Store, cache: TraceCache): void {
  const traceIdOf = (request: FastifyRequest) => parseWith(TraceParamsSchema, request.params).traceId;

  app.get(ARCHIVE_ROUTES.list, async (request): Promise<ArchivedTracesResponse> => {
    const marks = await archive.forTenant(request.tenant).marks();
    const digests = await spanReaderFor(store, request.tenant).summarizeTraces(marks.map((m) => m.traceId));
    return {
      traces: marks.map((m) => {
        const digest = digests.get(m.traceId);
        return { traceId: m.traceId, archived: markOf(m), ...(digest && { trace: traceRow(digest) }) };
      }),
    };
  });

  app.get(ARCHIVE_ROUTES.rangeDays, async (request): Promise<RangeArchiveDaysResponse> => ({
    days: (await spanReaderFor(store, request.tenant).rangeArchiveDays?.()) ?? [],
  }));

  app.get(ARCHIVE_ROUTES.trace, async (request): Promise<ArchiveStatusResponse> => {
    const traceId = traceIdOf(request);
    const [mark, ranged] = await Promise.all([
      archive.forTenant(request.tenant).mark(traceId),
      spanReaderFor(store, request.tenant).rangeArchived?.([traceId]),
    ]);
    return { traceId, archived: mark ? markOf(mark) : null, ...(ranged?.has(traceId) && { rangeArchived: true as const }) };
  });

  app.post(ARCHIVE_ROUTES.trace, async (request): Promise<ArchivedTraceResponse> => {
    const traceId = traceIdOf(request);
    const { start, end } = parseQuery(request, TraceQuerySchema);
    const body = parseWith(ArchiveRequestSchema, request.body ?? {});
    const result = await archive.forTenant(request.tenant).archive(traceId, {
      by: archivedBy(request, body.user),
      note: body.note ?? '',
      at: Date.now(),
      // Archiving again without a note (to copy spans that arrived since) keeps the mark: its note, who and when.
      keepMark: body.note === undefined,
      window: { ...(start !== undefined && { start: start as UnixNanos }), ...(end !== undefined && { end: end as UnixNanos }) },
    });
    if (!result.found) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} not found`);
    return { traceId, archived: markOf(result.mark) };
  });

  app.patch(ARCHIVE_ROUTES.trace, async (request): Promise<ArchivedTraceResponse> => {
    const traceId = traceIdOf(request);
    const body = parseWith(ArchiveNoteRequestSchema, request.body ?? {});
    const mark = await archive.forTenant(request.tenant).editNote(traceId, { note: body.note, by: archivedBy(request, body.user), at: Date.now() });
    if (mark === undefined) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} is not archived`);
    return { traceId, archived: markOf(mark) };
  });

  app.delete(ARCHIVE_ROUTES.trace, async (request, reply) => {
    const traceId = traceIdOf(request);
    if (!(await archive.forTenant(request.tenant).unarchive(traceId))) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} is not archived`);
    cache.forget(request.tenant, traceId);
    return reply.code(204).send();
  });
}
