import type { Span } from '@clew/model';
import type { SpanReader, Store } from '@clew/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { queryOf } from '../jaeger/reply.js';
import { spanReaderFor } from '../../query/tenant-readers.js';
import type { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { parseTraceQL, searchTraceQL } from '../../query/traceql/index.js';
import { ClewError } from '../../errors.js';
import { sendJson, sendText } from './reply.js';
import { searchResponseJson } from './search-response.js';
import { parseTempoSearch, parseUnixRange, windowNanos } from './search-params.js';
import { tagsToTraceQL } from './tags-query.js';
import { attributeKeys, parseScope, tagNamesOf, tagValues, typedTagValues } from './tags.js';
import type { TagScope } from './tags.js';
import { parseTempoTraceId } from './trace-id.js';
import { tempoResourceSpans } from './trace-json.js';
import { encodeTempoTrace, encodeTraceByIdResponse } from './trace-proto.js';
import { registerTempoMetricsRoutes } from './metrics-routes.js';
import { registerTempoTraceDiffRoutes } from './trace-diff-routes.js';

/** What /api/status/buildinfo answers: a Tempo 2.x version, so that Grafana turns on TraceQL and the v2 tag APIs. */
export const TEMPO_COMPATIBLE_VERSION = '2.9.0';

/**
 * Tempo's query API (query-frontend routes of modules.go) over a Store, as Tempo 2.x answers it. Every route reads
 * the request's tenant only (the X-Scope-OrgID of Tempo's multi-tenancy, as the auth hook sets it).
 */
export function registerTempoRoutes(app: FastifyInstance, store: Store, catalogs: AttributeCatalogs): void {
  const spansOf = (request: FastifyRequest): SpanReader => spanReaderFor(store, request.tenant);

  app.get('/api/echo', async (_request, reply) => reply.header('content-type', 'text/plain; charset=utf-8').send('echo'));
  app.get('/ready', async (_request, reply) => sendText(reply, 200, 'ready'));
  app.get('/api/status/buildinfo', async (_request, reply) =>
    sendJson(reply, { version: TEMPO_COMPATIBLE_VERSION, revision: 'clew', branch: '', buildUser: '', buildDate: '', goVersion: '' }),
  );

  const readTrace = async (request: FastifyRequest<{ Params: { traceId: string } }>): Promise<Span[]> => {
    const traceId = parseTempoTraceId(request.params.traceId);
    const window = windowNanos(parseUnixRange(queryOf(request)));
    const reader = spansOf(request);
    let spans = await reader.getTrace(traceId, window);
    // start/end only say where to look first: a stored trace outside them is still found (Tempo would answer 404).
    if (spans.length === 0 && (window.start !== undefined || window.end !== undefined)) spans = await reader.getTrace(traceId);
    if (spans.length === 0) throw new ClewError('TRACE_NOT_FOUND', 'trace not found');
    return spans;
  };

  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId', async (request, reply) => {
    const spans = await readTrace(request);
    if (wantsProtobuf(request)) return sendProtobuf(reply, encodeTempoTrace(spans));
    return sendJson(reply, { batches: tempoResourceSpans(spans) });
  });

  app.get<{ Params: { traceId: string } }>('/api/v2/traces/:traceId', async (request, reply) => {
    const spans = await readTrace(request);
    if (wantsProtobuf(request)) return sendProtobuf(reply, encodeTraceByIdResponse(spans));
    return sendJson(reply, { trace: { resourceSpans: tempoResourceSpans(spans) } });
  });

  app.get('/api/search', async (request, reply) => {
    const req = parseTempoSearch(queryOf(request));
    const parsed = parseTraceQL(req.q ?? tagsToTraceQL(req.tags));
    if (!parsed.ok) throw new ClewError('BAD_PARAMETER', parsed.error.message);
    const result = await searchTraceQL(spansOf(request), parsed.query, {
      ...windowNanos(req),
      limit: req.limit,
      spansPerSpanSet: req.spss,
      ...(req.minDuration !== undefined && { minDuration: req.minDuration }),
      ...(req.maxDuration !== undefined && { maxDuration: req.maxDuration }),
    });
    return sendJson(reply, searchResponseJson(result));
  });

  app.get('/api/search/tags', async (request, reply) => {
    const scope = parseScope(queryOf(request).get('scope'));
    const catalog = catalogs.for(request.tenant);
    const names = scope === undefined ? [...new Set([...attributeKeys(catalog, 'span'), ...attributeKeys(catalog, 'resource')])].sort() : tagNamesOf(catalog, scope);
    return sendJson(reply, { tagNames: names });
  });

  app.get('/api/v2/search/tags', async (request, reply) => {
    const scope = parseScope(queryOf(request).get('scope'));
    const scopes: TagScope[] = scope === undefined ? ['span', 'resource', 'intrinsic'] : [scope];
    const catalog = catalogs.for(request.tenant);
    return sendJson(reply, { scopes: scopes.map((name) => ({ name, tags: tagNamesOf(catalog, name) })) });
  });

  app.get<{ Params: { tag: string } }>('/api/search/tag/:tag/values', async (request, reply) =>
    sendJson(reply, { tagValues: await tagValues(spansOf(request), catalogs.for(request.tenant), request.params.tag) }),
  );

  app.get<{ Params: { tag: string } }>('/api/v2/search/tag/:tag/values', async (request, reply) =>
    sendJson(reply, { tagValues: await typedTagValues(spansOf(request), catalogs.for(request.tenant), request.params.tag) }),
  );

  registerTempoMetricsRoutes(app, store);
  registerTempoTraceDiffRoutes(app, store);
}

/** Tempo answers protobuf when the Accept header asks for application/protobuf, JSON otherwise. */
const wantsProtobuf = (request: FastifyRequest): boolean => (request.headers.accept ?? '').includes('application/protobuf');

const sendProtobuf = (reply: FastifyReply, body: Uint8Array): FastifyReply =>
  reply.header('content-type', 'application/protobuf').send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
