import type { TraceArchive } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { archivedBy } from '../archived-by.js';
import { ERR_TRACE_NOT_FOUND } from './errors.js';
import { goJsonStringify } from './go-json.js';
import { parseGetTrace } from './params-v1.js';
import { prettyIndent, queryOf } from './reply.js';

const ZERO_TRACE_ID = '0'.repeat(32);

/**
 * Jaeger's `POST /api/archive/{traceID}` (http_handler.go archiveTrace, querysvc ArchiveTrace), which Jaeger UI's
 * "Archive Trace" button calls: the trace as GET /api/traces/{id} would find it (live, else already archived) is
 * kept in the archive. Any body is read and ignored, as Jaeger ignores it; `start` and `end` (µs) narrow the read.
 * A trace already archived keeps its mark (who, when, the note): the button pressed twice changes nothing.
 * Answers `{"data":[],…,"errors":[]}`, or 404 `trace not found`.
 */
export async function archiveRoute(app: FastifyInstance, opts: { readonly archive: TraceArchive }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    done(null);
  });
  app.post<{ Params: { traceID: string } }>('/api/archive/:traceID', async (request, reply) => {
    const { traceId, window } = parseGetTrace(request.params.traceID, queryOf(request));
    const result =
      traceId === ZERO_TRACE_ID
        ? { found: false as const }
        : await opts.archive.forTenant(request.tenant).archive(traceId, { by: archivedBy(request), note: '', at: Date.now(), window, keepMark: true });
    if (!result.found) throw new ClewError('TRACE_NOT_FOUND', ERR_TRACE_NOT_FOUND);
    // Jaeger's reply: an empty data array and an empty (not null) errors array.
    return reply.header('content-type', 'application/json').send(goJsonStringify({ data: [], total: 0, limit: 0, offset: 0, errors: [] }, prettyIndent(request)));
  });
  // Another method: what Go's ServeMux answers for a route registered as "POST /api/archive/{traceID}".
  app.route({
    method: ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'],
    url: '/api/archive/:traceID',
    handler: async (_request, reply) => reply.code(405).header('allow', 'POST').header('content-type', 'text/plain; charset=utf-8').send('Method Not Allowed\n'),
  });
}
