import type { UnixNanos } from '@clew/model';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendGoHttpError, v1ErrorBody } from './errors.js';
import { parseMetricsQuery, parseQuantile } from './params-metrics.js';
import { queryOf } from './reply.js';

/** disabled.ErrDisabled's text (internal/storage/metricstore/disabled/reader.go). */
export const ERR_METRICS_DISABLED = 'trace metrics are currently disabled - no metrics backend configured';

/**
 * Jaeger's metrics query API (the Monitor tab's calls), answered as Jaeger answers it with no metrics backend
 * configured: parameters are read and checked first (400 with Jaeger's messages), then 501 with ErrDisabled's text
 * in the v1 error envelope, which Jaeger UI takes as "metrics storage not configured" rather than a failure.
 * `minstep` answers 501 as Jaeger did until it dropped that route (#8425); it reads no parameters.
 */
export function registerMetricsRoutes(app: FastifyInstance, now: () => UnixNanos): void {
  const disabled = (_request: FastifyRequest, reply: FastifyReply): FastifyReply => sendGoHttpError(reply, 501, v1ErrorBody(501, ERR_METRICS_DISABLED));
  const nowMs = () => now() / 1_000_000n;

  app.get('/api/metrics/latencies', async (request, reply) => {
    const q = queryOf(request);
    parseQuantile(q);
    parseMetricsQuery(q, nowMs());
    return disabled(request, reply);
  });
  for (const metric of ['calls', 'errors']) {
    app.get(`/api/metrics/${metric}`, async (request, reply) => {
      parseMetricsQuery(queryOf(request), nowMs());
      return disabled(request, reply);
    });
  }
  app.get('/api/metrics/minstep', async (request, reply) => disabled(request, reply));
}
