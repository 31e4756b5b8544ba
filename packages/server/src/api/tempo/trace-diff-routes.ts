import type { Span } from '@clew/model';
import type { SpanReader, Store } from '@clew/storage';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { goJson } from './trace-diff/go-json.js';
import type { GoValue } from './trace-diff/go-json.js';
import { diffTraces, VERSION_TRACE_PATCH_V0 } from './trace-diff/patch.js';
import type { TraceDiffSide } from './trace-diff/request.js';
import { parseTraceDiffRequest, TraceDiffRequestError } from './trace-diff/request.js';
import { compose, summarize, VERSION_TRACE_SUMMARY_V0_COMPOSED } from './trace-diff/summary.js';

/** Tempo's api.PathTraceDiffV2. */
export const TEMPO_TRACE_DIFF_PATH = '/api/v2/traces/diff';

/**
 * `POST /api/v2/traces/diff` as Tempo's query frontend answers it (modules/frontend/tracediff_handler.go): both
 * traces read, then the format asked for (trace-patch-v0 by default, trace-summary-v0-native,
 * trace-summary-v0-composed) as JSON. Bad bodies are 400 with Tempo's text, a missing trace 404 "Not Found", any
 * method but POST 405.
 */
export function registerTempoTraceDiffRoutes(app: FastifyInstance, store: Store): void {
  // A child scope (registered in order with the routes beside it) so its body parser is its own.
  void app.register(async (scope) => {
    // Tempo reads the body whatever its content type; so does this route, to give Tempo's words for bad JSON.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.all(TEMPO_TRACE_DIFF_PATH, async (request, reply) => {
      if (request.method !== 'POST') return plain(reply, 405, 'Method Not Allowed');
      let req;
      try {
        req = parseTraceDiffRequest(typeof request.body === 'string' ? request.body : '');
      } catch (e) {
        if (e instanceof TraceDiffRequestError) return plain(reply, 400, e.message);
        throw e;
      }
      const spans = spanReaderFor(store, request.tenant);
      const [base, compare] = await Promise.all([readTrace(spans, req.base), readTrace(spans, req.compare)]);
      if (base.length === 0 || compare.length === 0) return plain(reply, 404, 'Not Found');
      const body: GoValue =
        req.format === VERSION_TRACE_PATCH_V0
          ? (diffTraces(base, compare).patch as unknown as GoValue)
          : req.format === VERSION_TRACE_SUMMARY_V0_COMPOSED
            ? compose(base, compare)
            : summarize(base, compare);
      return reply.header('content-type', 'application/json').send(Buffer.from(goJson(body)));
    });
  });
}

/** A trace by id; start/end (unix seconds) say where to look first, as for Tempo's trace-by-id route. */
async function readTrace(store: SpanReader, side: TraceDiffSide): Promise<Span[]> {
  if (side.start === undefined && side.end === undefined) return store.getTrace(side.traceId);
  const spans = await store.getTrace(side.traceId, {
    ...(side.start !== undefined && { start: BigInt(side.start) * 1_000_000_000n }),
    ...(side.end !== undefined && { end: (BigInt(side.end) + 1n) * 1_000_000_000n - 1n }),
  } as Parameters<SpanReader['getTrace']>[1]);
  return spans.length > 0 ? spans : store.getTrace(side.traceId);
}

/** Go's http.Response with a plain body and no newline, as the diff handler writes its errors. */
const plain = (reply: FastifyReply, status: number, text: string): FastifyReply =>
  reply.code(status).header('content-type', 'text/plain; charset=utf-8').send(text);
