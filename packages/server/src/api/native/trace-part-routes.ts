import type { TraceSearchResponse } from '@clew/api';
import { matchesWords, ROUTES, searchWords, SpanParamsSchema, spanSearchText, toApiAttributes, toApiTrace, TraceParamsSchema, TraceSearchQuerySchema } from '@clew/api';
import { serviceName } from '@clew/model';
import type { TraceId } from '@clew/model';
import type { Store } from '@clew/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { parseQuery, parseWith } from './parse-params.js';
import { readCachedTrace } from './read-cached-trace.js';
import type { CachedTrace, TraceCache } from './trace-cache.js';
import { TRACE_CACHE_FRESH_MS } from './trace-cache.js';

/**
 * The trace page's routes: the outline it draws, then span details and attribute search on demand. All three read
 * through `cache`: opening a trace reads its outline only, the first detail or search reads it in full, and the
 * clicks after that read memory. Each request reads its tenant's trace.
 */
export function registerTracePartRoutes(app: FastifyInstance, store: Store, cache: TraceCache): void {
  const cached = (request: FastifyRequest, traceId: TraceId, maxAgeMs = Infinity): Promise<CachedTrace> =>
    readCachedTrace(spanReaderFor(store, request.tenant), request.tenant, cache, traceId, maxAgeMs);

  // Re-read once the cached copy is older than TRACE_CACHE_FRESH_MS: a trace may still be receiving spans. The span
  // and search routes take any cached copy, so the indexes they give are those of the outline last served.
  app.get(ROUTES.traceOutline, async (request, reply) => {
    const { traceId } = parseWith(TraceParamsSchema, request.params);
    const trace = await cached(request, traceId, TRACE_CACHE_FRESH_MS);
    return reply.type('application/json').send(trace.outlineJson);
  });

  app.get(ROUTES.traceSpan, async (request) => {
    const { traceId, spanId } = parseWith(SpanParamsSchema, request.params);
    const span = (await (await cached(request, traceId)).full()).byId(spanId);
    if (!span) throw new ClewError('SPAN_NOT_FOUND', `span ${spanId} is not in trace ${traceId}`);
    return toApiTrace([span]);
  });

  app.get(ROUTES.traceSearch, async (request): Promise<TraceSearchResponse> => {
    const { traceId } = parseWith(TraceParamsSchema, request.params);
    const words = searchWords(parseQuery(request, TraceSearchQuerySchema).q);
    const trace = await cached(request, traceId);
    if (words.length === 0) return { spans: [] };
    const { spans } = await trace.full();
    trace.searchText ??= spans.map((s) =>
      spanSearchText(serviceName(s.resource), s.name, s.spanId, toApiAttributes(s.attributes), {
        statusCode: s.status.code,
        statusMessage: s.status.message,
        events: s.events.map((e) => ({ name: e.name, attributes: toApiAttributes(e.attributes) })),
      }),
    );
    // By outline index: spans read in full after the outline was served (still arriving then) have none.
    const found = new Set<number>();
    trace.searchText.forEach((text, i) => {
      if (!matchesWords(text, words)) return;
      const at = trace.indexOf(spans[i]!.spanId);
      if (at >= 0) found.add(at);
    });
    return { spans: [...found].sort((a, b) => a - b) };
  });
}
