import type { MetricsStore, Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import type { AttributeCatalogs } from '../../api/native/attribute-catalogs.js';
import { zipkinApi } from '../../api/zipkin/index.js';
import type { Metrics } from '../../observability/metrics.js';
import type { IngestPipeline } from '../../pipeline/ingest.js';
import { zipkinReceiver } from './receiver.js';

export interface ZipkinAppOptions {
  /** The collector half (`POST /api/v1|v2/spans`); absent on a query node. */
  readonly pipeline?: IngestPipeline;
  /** The query API half; absent on a collector. */
  readonly store?: Store;
  readonly catalogs: AttributeCatalogs;
  readonly metrics: Metrics;
  readonly maxRequestBytes: number;
  /** The metrics rollups, for `/api/v2/dependencies` (the service graph's edges). */
  readonly metricsStore?: MetricsStore;
}

/**
 * Port 9411, as zipkin-server: the span collector and the v2 query API in one app. Every answer allows any origin,
 * as Zipkin's defaults do (zipkin.query.allowed-origins=*), so browser clients (zipkin-js) can post spans.
 */
export async function zipkinApp(app: FastifyInstance, opts: ZipkinAppOptions): Promise<void> {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*');
  });
  // Browser preflights, for any path here.
  app.options('/*', async (request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'content-type')
      .send(),
  );
  if (opts.pipeline) await app.register(zipkinReceiver, { pipeline: opts.pipeline, metrics: opts.metrics, maxRequestBytes: opts.maxRequestBytes });
  if (opts.store) await app.register(zipkinApi, { store: opts.store, catalogs: opts.catalogs, ...(opts.metricsStore && { metricsStore: opts.metricsStore }) });
}
