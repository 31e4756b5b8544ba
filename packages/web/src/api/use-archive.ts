import type { ArchivedTraceResponse, ArchivedTracesResponse, ArchiveNoteRequest, ArchiveRequest, ArchiveStatusResponse, RangeArchiveDaysResponse } from '@clew/api';
import { ARCHIVE_ROUTES, archivePath } from '@clew/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchJson, sendJson } from './fetch-json.js';

/** The trace's archive status (one request serves the mark and the range archive badge). */
const archiveStatus = (traceId: string) => ({
  queryKey: ['archive-mark', traceId],
  queryFn: ({ signal }: { signal: AbortSignal }) => fetchJson<ArchiveStatusResponse>(archivePath(traceId), signal),
});

/** The trace's archive mark, or null when it is not archived. */
export function useArchiveMark(traceId: string) {
  return useQuery({ ...archiveStatus(traceId), select: (r) => r.archived });
}

/** Whether spans of the trace are in a range archive attached read-only (`clew serve --archive-dir`). */
export function useRangeArchived(traceId: string) {
  return useQuery({ ...archiveStatus(traceId), select: (r) => r.rangeArchived === true });
}

/**
 * The days of attached range archives that hold the tenant's spans, oldest first; none when none is attached or the
 * Clew does not say (archives are attached at start: asked once a visit).
 */
export function useRangeArchiveDays() {
  return useQuery({
    queryKey: ['range-archive-days'],
    queryFn: ({ signal }) => fetchJson<RangeArchiveDaysResponse>(ARCHIVE_ROUTES.rangeDays, signal),
    select: (r) => r.days,
    staleTime: Infinity,
    retry: false,
  });
}

/** Every archived trace of the tenant, most recently archived first. */
export function useArchivedTraces() {
  return useQuery({
    queryKey: ['archived-traces'],
    queryFn: ({ signal }) => fetchJson<ArchivedTracesResponse>(ARCHIVE_ROUTES.list, signal),
    select: (r) => r.traces,
  });
}

/** Everything read of archives changes with an archive or un-archive: the marks, the list, and the trace's page. */
function useArchiveInvalidation() {
  const client = useQueryClient();
  return (traceId: string) =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['archive-mark', traceId] }),
      client.invalidateQueries({ queryKey: ['archived-traces'] }),
    ]);
}

/** Archives a trace with an optional note. */
export function useArchiveTrace() {
  const invalidate = useArchiveInvalidation();
  return useMutation({
    mutationFn: ({ traceId, ...body }: ArchiveRequest & { traceId: string }) => sendJson<ArchivedTraceResponse>('POST', archivePath(traceId), body),
    onSuccess: (_r, { traceId }) => invalidate(traceId),
  });
}

/**
 * Changes an archived trace's note; who archived it and when stay. Read again whether it succeeds or not: refused as
 * not archived (un-archived meanwhile), the page shows what is so.
 */
export function useEditArchiveNote() {
  const invalidate = useArchiveInvalidation();
  return useMutation({
    mutationFn: ({ traceId, ...body }: ArchiveNoteRequest & { traceId: string }) => sendJson<ArchivedTraceResponse>('PATCH', archivePath(traceId), body),
    onSettled: (_r, _e, { traceId }) => invalidate(traceId),
  });
}

/** Un-archives a trace: retention may then take it with its day. */
export function useUnarchiveTrace() {
  const invalidate = useArchiveInvalidation();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (traceId: string) => sendJson<unknown>('DELETE', archivePath(traceId)),
    onSuccess: (_r, traceId) => {
      client.setQueryData<ArchivedTracesResponse>(['archived-traces'], (r) => r && { traces: r.traces.filter((t) => t.traceId !== traceId) });
      return invalidate(traceId);
    },
  });
}
