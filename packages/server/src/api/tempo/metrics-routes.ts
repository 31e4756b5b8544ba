import { nowNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { queryOf } from '../jaeger/reply.js';
import { ClewError } from '../../errors.js';
import { spanReaderFor } from '../../query/tenant-readers.js';
import { parseTraceQL, parseTraceQLMetrics } from '../../query/traceql/index.js';
import type { HintValue, MetricsQuery } from '../../query/traceql/index.js';
import { queryRangeTraceQL } from '../../query/traceql-metrics/index.js';
import { MAX_EXEMPLARS, parseInstantParams, parseQueryRangeParams } from './metrics-params.js';
import { queryInstantResponseJson, queryRangeResponseJson } from './metrics-response.js';
import { sendJson } from './reply.js';

/**
 * TraceQL metrics on Tempo's port: /api/metrics/query_range and /api/metrics/query (the query-frontend routes of
 * Tempo's modules.go), computed from the spans in the store. Errors are 400s with Tempo's plain-text messages.
 */
export function registerTempoMetricsRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/metrics/query_range', async (request, reply) => {
    const req = parseQueryRangeParams(queryOf(request), nowNanos());
    const { query, hints } = parseMetrics(req.query);
    const exemplars = req.instant ? 0 : exemplarsWithHint(req.exemplars, hints.get('exemplars'));
    const result = await queryRangeTraceQL(spanReaderFor(store, request.tenant), query, { ...req, exemplars });
    return sendJson(reply, queryRangeResponseJson(result));
  });

  app.get('/api/metrics/query', async (request, reply) => {
    const req = parseInstantParams(queryOf(request), nowNanos());
    const result = await queryRangeTraceQL(spanReaderFor(store, request.tenant), parseMetrics(req.query).query, req);
    return sendJson(reply, queryInstantResponseJson(result));
  });
}

/** Tempo's normalizeRequestExemplars: `with (exemplars = n)` or `= false` wins over the parameter; 100 at most. */
function exemplarsWithHint(param: number, hint: HintValue | undefined): number {
  if (typeof hint === 'bigint') return Math.min(MAX_EXEMPLARS, Math.max(0, Number(hint)));
  if (hint === false) return 0;
  return param;
}

function parseMetrics(text: string): { query: MetricsQuery; hints: ReadonlyMap<string, HintValue> } {
  const parsed = parseTraceQLMetrics(text);
  if (parsed.ok) return parsed;
  // A search query that parses is not wrong, only not a metrics query: Tempo's words for it.
  if (text.trim() !== '' && parseTraceQL(text).ok) throw new ClewError('BAD_PARAMETER', 'not a metrics query');
  throw new ClewError('BAD_PARAMETER', parsed.error.message);
}
