import type { MetricsStore, SpanReader, Store } from '@clew/storage';
import type { TraceId, UnixNanos } from '@clew/model';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import { metricsReaderFor, spanReaderFor } from '../../query/tenant-readers.js';
import { ERR_TRACE_NOT_FOUND } from './errors.js';
import { readEdgeLinks, toJaegerDependencies } from './dependencies.js';
import type { JaegerOperation, JaegerTrace } from './jaeger-json-types.js';
import { parseDependencies, parseGetTrace, parseTraceSearch } from './params-v1.js';
import type { V1ItemError } from './reply.js';
import { queryOf, sendV1 } from './reply.js';
import { jaegerSpanKindName, parseSpanKindParam } from './span-kind.js';
import { toJaegerTrace } from './to-jaeger-json.js';
import { jaegerTraceIdString } from './trace-id.js';

const ZERO_TRACE_ID = '0'.repeat(32);

/** Jaeger's v1 query API (cmd/query/app/http_handler.go), the one Jaeger UI and Grafana's Jaeger data source call. */
export function registerV1Routes(app: FastifyInstance, store: Store, now: () => UnixNanos, metricsStore?: MetricsStore): void {
  // Every route reads the request's tenant only.
  const spansOf = (request: FastifyRequest): SpanReader => spanReaderFor(store, request.tenant);

  app.get('/api/services', async (request, reply) => {
    const services = await spansOf(request).services();
    return sendV1(request, reply, services, { total: services.length });
  });

  app.get<{ Params: { service: string } }>('/api/services/:service/operations', async (request, reply) => {
    const operations = await spansOf(request).operations({ service: request.params.service });
    const names = [...new Set(operations.map((o) => o.name))];
    return sendV1(request, reply, names, { total: names.length });
  });

  app.get('/api/operations', async (request, reply) => {
    const q = queryOf(request);
    const service = q.get('service') ?? '';
    if (service === '') throw new ClewError('BAD_PARAMETER', "parameter 'service' is required");
    const spanKind = parseSpanKindParam(q.get('spanKind') ?? '');
    const operations = await spansOf(request).operations({ service, ...(spanKind !== undefined && { spanKind }) });
    const data: JaegerOperation[] = operations.map((o) => ({ name: o.name, spanKind: jaegerSpanKindName(o.spanKind) }));
    return sendV1(request, reply, data, { total: data.length });
  });

  app.get('/api/traces', async (request, reply) => {
    const search = parseTraceSearch(queryOf(request), now());
    const spans = spansOf(request);
    if (search.traceIds.length > 0) {
      const window = { start: search.query.start, end: search.query.end };
      const found = await Promise.all(search.traceIds.map((id) => loadTrace(spans, id, window, search.raw)));
      const errors: V1ItemError[] = search.traceIds
        .filter((_id, i) => found[i] === null)
        .map((id) => ({ msg: ERR_TRACE_NOT_FOUND, traceID: jaegerTraceIdString(id) }));
      return sendV1(request, reply, found.filter((t) => t !== null), { errors });
    }
    const result = await spans.findTraces(search.query);
    // One read for the page's traces, in the search's order.
    const read = await spans.getTraces(result.traces.map((t) => t.traceId));
    const traces = result.traces.map((t) => read.get(t.traceId) ?? []).filter((spans) => spans.length > 0);
    return sendV1(request, reply, traces.map((spans) => toJaegerTrace(spans, search.raw)));
  });

  app.get<{ Params: { traceID: string } }>('/api/traces/:traceID', async (request, reply) => {
    const { traceId, window, raw } = parseGetTrace(request.params.traceID, queryOf(request));
    const trace = await loadTrace(spansOf(request), traceId, window, raw);
    if (trace === null) throw new ClewError('TRACE_NOT_FOUND', ERR_TRACE_NOT_FOUND);
    return sendV1(request, reply, [trace]);
  });

  app.get('/api/dependencies', async (request, reply) => {
    const q = queryOf(request);
    const window = parseDependencies(q, now());
    // The service graph's edges from the metrics rollups; none without them.
    const links = metricsStore ? await readEdgeLinks(metricsReaderFor(metricsStore, request.tenant), window) : [];
    return sendV1(request, reply, toJaegerDependencies(links, q.get('service') ?? ''));
  });
}

async function loadTrace(
  store: SpanReader,
  id: TraceId,
  window: { start?: UnixNanos; end?: UnixNanos },
  raw: boolean,
): Promise<JaegerTrace | null> {
  if (id === ZERO_TRACE_ID) return null;
  const spans = await store.getTrace(id, window);
  return spans.length === 0 ? null : toJaegerTrace(spans, raw);
}
