import type {
  AttributeKeysResponse,
  AttributeValuesResponse,
  OperationsResponse,
  SearchPointsResponse,
  SearchResponse,
  ServicesResponse,
} from '@clew/api';
import {
  AttributeKeysQuerySchema,
  AttributeValuesQuerySchema,
  OperationsQuerySchema,
  ROUTES,
  SEARCH_MAX_POINTS,
  SearchQuerySchema,
  SPAN_KIND_NAMES,
  toApiTrace,
  TraceParamsSchema,
  TraceQuerySchema,
} from '@clew/api';
import { encodeOtlpJson } from '@clew/codecs';
import type { Span, UnixNanos } from '@clew/model';
import type { Store, TraceArchive } from '@clew/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { markOf } from './archive-routes.js';
import type { AttributeCatalogs } from './attribute-catalogs.js';
import { parseQuery, parseWith } from './parse-params.js';
import { spanKindOf, toTraceQuery } from './to-trace-query.js';
import { searchTraces } from './search-traces.js';

/** The native API's routes over the Store, each reading the request's tenant only; answers typed by @clew/api. */
export function registerNativeRoutes(app: FastifyInstance, store: Store, catalogs: AttributeCatalogs, archive?: TraceArchive): void {
  const spansOf = (request: FastifyRequest) => spanReaderFor(store, request.tenant);

  /** The spans of the trace named in the path, or TRACE_NOT_FOUND. */
  const loadTrace = async (request: FastifyRequest): Promise<Span[]> => {
    const { traceId } = parseWith(TraceParamsSchema, request.params);
    const { start, end } = parseQuery(request, TraceQuerySchema);
    const window = { ...(start !== undefined && { start: start as UnixNanos }), ...(end !== undefined && { end: end as UnixNanos }) };
    const spans = await spansOf(request).getTrace(traceId, window);
    if (spans.length === 0) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} not found`);
    catalogs.for(request.tenant).record(spans);
    return spans;
  };

  app.get(ROUTES.services, async (request): Promise<ServicesResponse> => ({ services: await spansOf(request).services() }));

  app.get(ROUTES.operations, async (request): Promise<OperationsResponse> => {
    const q = parseQuery(request, OperationsQuerySchema);
    const ops = await spansOf(request).operations({ service: q.service, ...(q.spanKind !== undefined && { spanKind: spanKindOf(q.spanKind) }) });
    return { operations: ops.map((o) => ({ name: o.name, spanKind: SPAN_KIND_NAMES[o.spanKind] })) };
  });

  app.get(ROUTES.search, async (request): Promise<SearchResponse> => {
    const marks = archive?.forTenant(request.tenant);
    return searchTraces(spansOf(request), parseQuery(request, SearchQuerySchema), marks && ((ids) => marks.archivedAmong(ids)));
  });

  app.get(ROUTES.searchPoints, async (request): Promise<SearchPointsResponse> => {
    const q = parseQuery(request, SearchQuerySchema);
    if (q.q !== undefined) {
      throw new ClewError('BAD_PARAMETER', 'points take the form fields only; a TraceQL search plots its page of results', { parameter: 'q' });
    }
    const found = await spansOf(request).tracePoints(toTraceQuery(q), SEARCH_MAX_POINTS);
    const points = found.points.map((p) => ({
      traceId: p.traceId,
      startTimeUnixNano: p.startTimeUnixNano.toString(),
      durationNanos: (p.endTimeUnixNano > p.startTimeUnixNano ? p.endTimeUnixNano - p.startTimeUnixNano : 0n).toString(),
      spanCount: p.spanCount,
      errorCount: p.errorCount,
    }));
    return { points, total: found.total, sampled: found.sampled };
  });

  app.get(ROUTES.trace, async (request) => {
    const spans = await loadTrace(request);
    const traceId = spans[0]!.traceId;
    const [mark, ranged] = await Promise.all([archive?.forTenant(request.tenant).mark(traceId), spansOf(request).rangeArchived?.([traceId])]);
    return {
      ...toApiTrace(spans),
      ...(mark && { archived: markOf(mark) }),
      ...(ranged?.has(traceId) && { rangeArchived: true as const }),
    };
  });

  app.get<{ Params: { traceId: string } }>(ROUTES.traceOtlp, async (request, reply) => {
    const spans = await loadTrace(request);
    return reply
      .header('content-type', 'application/json')
      .header('content-disposition', `attachment; filename="trace-${spans[0]!.traceId}.json"`)
      .send(JSON.stringify(encodeOtlpJson(spans)));
  });

  app.get(ROUTES.attributeKeys, async (request): Promise<AttributeKeysResponse> => {
    const q = parseQuery(request, AttributeKeysQuerySchema);
    return { keys: catalogs.for(request.tenant).keysOf(q.service, q.prefix) };
  });

  app.get(ROUTES.attributeValues, async (request): Promise<AttributeValuesResponse> => {
    const q = parseQuery(request, AttributeValuesQuerySchema);
    return { key: q.key, values: catalogs.for(request.tenant).valuesOf(q.key, q.service, q.prefix) };
  });
}
