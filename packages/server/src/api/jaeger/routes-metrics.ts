import type { UnixNanos } from '@clew/model';
import type { MetricsStore } from '@clew/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { metricsReaderFor } from '../../query/tenant-readers.js';
import { sendGoHttpError, v1ErrorBody } from './errors.js';
import type { MonitorMetric } from './metric-family.js';
import { metricFamilyJson } from './metric-family-json.js';
import { readMonitorMetric } from './monitor-metrics.js';
import { parseMetricsQuery, parseQuantile } from './params-metrics.js';
import { queryOf } from './reply.js';

/** disabled.ErrDisabled's text (internal/storage/metricstore/disabled/reader.go). */
export const ERR_METRICS_DISABLED = 'trace metrics are currently disabled - no metrics backend configured';

/**
 * Jaeger's metrics query API (the Monitor tab's calls). Parameters are read and checked first (400 with Jaeger's
 * messages). With a metrics store, the answer is a MetricFamily computed from the span-metrics rollups, written as
 * Jaeger's jsonpb writes it. Without one, it is Jaeger's answer with its disabled reader: 501 with ErrDisabled's
 * text in the v1 error envelope, which Jaeger UI takes as "metrics storage not configured" rather than a failure;
 * `minstep` too, as Jaeger answered it until it dropped that route (#8425; with a store it is a 404, as now there).
 */
export function registerMetricsRoutes(app: FastifyInstance, now: () => UnixNanos, metricsStore?: MetricsStore): void {
  const nowMs = () => now() / 1_000_000n;
  const answer = async (request: FastifyRequest, reply: FastifyReply, metric: MonitorMetric): Promise<FastifyReply> => {
    const q = queryOf(request);
    const query = parseMetricsQuery(q, nowMs());
    if (!metricsStore) return sendGoHttpError(reply, 501, v1ErrorBody(501, ERR_METRICS_DISABLED));
    const family = await readMonitorMetric(metricsReaderFor(metricsStore, request.tenant), metric, query);
    const pretty = q.get('prettyPrint');
    const indent = pretty !== null && pretty !== '' && pretty !== 'false' ? '    ' : '';
    return reply.header('content-type', 'application/json').send(metricFamilyJson(family, indent));
  };

  // Jaeger reads `quantile` before anything else.
  app.get('/api/metrics/latencies', async (request, reply) => answer(request, reply, { kind: 'latencies', quantile: parseQuantile(queryOf(request)) }));
  app.get('/api/metrics/calls', async (request, reply) => answer(request, reply, { kind: 'calls' }));
  app.get('/api/metrics/errors', async (request, reply) => answer(request, reply, { kind: 'errors' }));
  if (!metricsStore) {
    app.get('/api/metrics/minstep', async (_request, reply) => sendGoHttpError(reply, 501, v1ErrorBody(501, ERR_METRICS_DISABLED)));
  }
}
