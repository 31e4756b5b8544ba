import type { TraceComparison } from '@clew/api';
import { COMPARE_ROUTE, CompareQuerySchema } from '@clew/api';
import type { SpanOutline, TraceId } from '@clew/model';
import type { Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { traceComparison } from './compare-response.js';
import { parseQuery } from './parse-params.js';

/** `GET /api/clew/v1/compare?a=&b=`: two traces aligned by service + operation path (traceComparison). */
export function registerCompareRoutes(app: FastifyInstance, store: Store): void {
  const read = async (traceId: TraceId, side: 'a' | 'b'): Promise<SpanOutline[]> => {
    const spans = await store.getTraceOutline(traceId);
    if (spans.length === 0) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} (${side}) not found`);
    return spans;
  };

  app.get(COMPARE_ROUTE, async (request): Promise<TraceComparison> => {
    const { a, b } = parseQuery(request, CompareQuerySchema);
    const [spansA, spansB] = await Promise.all([read(a, 'a'), read(b, 'b')]);
    return traceComparison(spansA, spansB);
  });
}
