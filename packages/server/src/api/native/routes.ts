import type { AttributeKeysResponse, AttributeValuesResponse, OperationsResponse, SearchResponse, ServicesResponse, TraceRow } from '@clew/api';
import {
  AttributeKeysQuerySchema,
  AttributeValuesQuerySchema,
  OperationsQuerySchema,
  ROUTES,
  SearchQuerySchema,
  SPAN_KIND_NAMES,
  toApiTrace,
  TraceParamsSchema,
  TraceQuerySchema,
} from '@clew/api';
import { encodeOtlpJson } from '@clew/codecs';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import type { AttributeCatalog } from './attribute-catalog.js';
import { mapBounded } from './map-bounded.js';
import { parseQuery, parseWith } from './parse-params.js';
import { spanKindOf, toTraceQuery } from './to-trace-query.js';
import { traceRow } from './trace-row.js';
import { searchTraceQLPage } from './traceql-search.js';

/** Store reads in flight for one page of search results. */
const ROW_CONCURRENCY = 8;

/** The native API's routes over the Store; answers typed by @clew/api. */
export function registerNativeRoutes(app: FastifyInstance, store: Store, catalog: AttributeCatalog): void {
  /** The spans of the trace named in the path, or TRACE_NOT_FOUND. */
  const loadTrace = async (request: FastifyRequest): Promise<Span[]> => {
    const { traceId } = parseWith(TraceParamsSchema, request.params);
    const { start, end } = parseQuery(request, TraceQuerySchema);
    const window = { ...(start !== undefined && { start: start as UnixNanos }), ...(end !== undefined && { end: end as UnixNanos }) };
    const spans = await store.getTrace(traceId, window);
    if (spans.length === 0) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} not found`);
    catalog.record(spans);
    return spans;
  };

  app.get(ROUTES.services, async (): Promise<ServicesResponse> => ({ services: await store.services() }));

  app.get(ROUTES.operations, async (request): Promise<OperationsResponse> => {
    const q = parseQuery(request, OperationsQuerySchema);
    const ops = await store.operations({ service: q.service, ...(q.spanKind !== undefined && { spanKind: spanKindOf(q.spanKind) }) });
    return { operations: ops.map((o) => ({ name: o.name, spanKind: SPAN_KIND_NAMES[o.spanKind] })) };
  });

  app.get(ROUTES.search, async (request): Promise<SearchResponse> => {
    const q = parseQuery(request, SearchQuerySchema);
    if (q.q !== undefined) {
      const page = await searchTraceQLPage(store, q.q, q);
      const rows = await mapBounded(page.traceIds, ROW_CONCURRENCY, rowOf);
      return { traces: rows.filter((r): r is TraceRow => r !== null), total: page.total, totalIsLowerBound: page.totalIsLowerBound, limit: q.limit, offset: q.offset };
    }
    const found = await store.findTraces(toTraceQuery(q));
    // The Store's search answers ids and start times only; a row needs the whole trace (root, duration, counts per
    // service). So each row costs one getTrace: a page of `limit` results is `limit` trace reads, ROW_CONCURRENCY at
    // a time. Fine for pages of tens; a Store method answering summaries would make it one query.
    const rows = await mapBounded(found.traces, ROW_CONCURRENCY, async (t) => rowOf(t.traceId));
    return { traces: rows.filter((r): r is TraceRow => r !== null), total: found.total, limit: q.limit, offset: q.offset };
  });

  async function rowOf(traceId: TraceId): Promise<TraceRow | null> {
    const spans = await store.getTrace(traceId);
    catalog.record(spans);
    // Empty only when retention dropped the trace between the search and this read; the row is left out.
    return traceRow(spans);
  }

  app.get(ROUTES.trace, async (request) => toApiTrace(await loadTrace(request)));

  app.get<{ Params: { traceId: string } }>(ROUTES.traceOtlp, async (request, reply) => {
    const spans = await loadTrace(request);
    return reply
      .header('content-type', 'application/json')
      .header('content-disposition', `attachment; filename="trace-${spans[0]!.traceId}.json"`)
      .send(JSON.stringify(encodeOtlpJson(spans)));
  });

  app.get(ROUTES.attributeKeys, async (request): Promise<AttributeKeysResponse> => {
    const q = parseQuery(request, AttributeKeysQuerySchema);
    return { keys: catalog.keysOf(q.service, q.prefix) };
  });

  app.get(ROUTES.attributeValues, async (request): Promise<AttributeValuesResponse> => {
    const q = parseQuery(request, AttributeValuesQuerySchema);
    return { key: q.key, values: catalog.valuesOf(q.key, q.service, q.prefix) };
  });
}
