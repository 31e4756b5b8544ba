import type { TraceComparison } from '@clew/api';
import { COMPARE_ROUTE, CompareQuerySchema } from '@clew/api';
import type { SpanOutline, TraceId } from '@clew/model';
import type { SpanReader, Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { traceComparison } from './compare-response.js';
import { parseQuery } from './parse-params.js';

/** `GET /api/clew/v1/compare?a=&b=`: two traces aligned by service + operation path (traceComparison). */
export function registerCompareRoutes(app: FastifyInstance, store: Store): void {
  const read = async (reader: SpanReader, traceId: TraceId, side: 'a' | 'b'): Promise<SpanOutline[]> => {
    const spans = await reader.getTraceOutline(traceId);
    if (spans.length === 0) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} (${side}) not found`);
    return spans;
  };

  app.get(COMPARE_ROUTE, async (request): Promise<TraceComparison> => {
    const { a, b } = parseQuery(request, CompareQuerySchema);
    const reader = spanReaderFor(store, request.tenant);
    const [spansA, spansB] = await Promise.all([read(reader, a, 'a'), read(reader, b, 'b')]);
    return traceComparison(spansA, spansB);
  });
}
