import { encodeOtlpJson } from '@clew/codecs';
import type { SpanReader, Store } from '@clew/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { parseV3FindTraces, parseV3GetTrace, parseV3Operations } from './params-v3.js';
import { queryOf, sendV3 } from './reply.js';
import { jaegerSpanKindName } from './span-kind.js';
import { toV3TraceSummary } from './trace-summary.js';

const ZERO_TRACE_ID = '0'.repeat(32);

/** api_v3's message when a lookup or a search finds nothing (apiv3/http_gateway.go returnTraces). */
const NO_TRACES = 'No traces found';

/**
 * Jaeger's api_v3 HTTP gateway (apiv3/http_gateway.go): traces as OTLP JSON with hex ids inside {"result": …},
 * services and operations as proto3 JSON, errors as {"error": {"httpCode", "message"}}. Traces are returned as stored,
 * without the v1 adjusters, so OTLP in gives the same OTLP out.
 */
export function registerV3Routes(app: FastifyInstance, store: Store): void {
  // Every route reads the request's tenant only.
  const spansOf = (request: FastifyRequest): SpanReader => spanReaderFor(store, request.tenant);

  app.get('/api/v3/services', async (request, reply) => {
    const services = await spansOf(request).services();
    return sendV3(reply, services.length > 0 ? { services } : {});
  });

  app.get('/api/v3/operations', async (request, reply) => {
    const { service, spanKind } = parseV3Operations(queryOf(request));
    const operations = await spansOf(request).operations({ service, ...(spanKind !== undefined && { spanKind }) });
    // api_v3 reports a span without a kind as "internal" (http_gateway.go getOperations).
    const out = operations.map((o) => ({ name: o.name, spanKind: jaegerSpanKindName(o.spanKind) || 'internal' }));
    return sendV3(reply, out.length > 0 ? { operations: out } : {});
  });

  app.get<{ Params: { traceId: string } }>('/api/v3/traces/:traceId', async (request, reply) => {
    const { traceId, window } = parseV3GetTrace(request.params.traceId, queryOf(request));
    const spans = traceId === ZERO_TRACE_ID ? [] : await spansOf(request).getTrace(traceId, window);
    if (spans.length === 0) throw new ClewError('TRACE_NOT_FOUND', NO_TRACES);
    return sendV3(reply, { result: encodeOtlpJson(spans) });
  });

  app.get('/api/v3/traces', async (request, reply) => {
    const query = parseV3FindTraces(queryOf(request));
    const spans = spansOf(request);
    const found = await spans.findTraces(query);
    // One read for the page's traces; each keeps its own resource groups, one after another, as Jaeger combines them.
    const read = await spans.getTraces(found.traces.map((t) => t.traceId));
    const resourceSpans = found.traces
      .map((t) => read.get(t.traceId) ?? [])
      .filter((spans) => spans.length > 0)
      .flatMap((spans) => encodeOtlpJson(spans).resourceSpans);
    if (resourceSpans.length === 0) throw new ClewError('TRACE_NOT_FOUND', NO_TRACES);
    return sendV3(reply, { result: { resourceSpans } });
  });

  // The summaries Jaeger UI 2.19+ searches with: the same query, one digest per trace from one store read, and
  // {} (not a 404) when nothing matches, as jsonpb writes an empty FindTraceSummariesResponse.
  app.get('/api/v3/trace-summaries', async (request, reply) => {
    const query = parseV3FindTraces(queryOf(request));
    const spans = spansOf(request);
    const found = await spans.findTraces(query);
    const digests = await spans.summarizeTraces(found.traces.map((t) => t.traceId));
    const summaries = found.traces.flatMap((t) => {
      const d = digests.get(t.traceId);
      return d === undefined ? [] : [toV3TraceSummary(d)];
    });
    return sendV3(reply, summaries.length > 0 ? { summaries } : {});
  });
}
