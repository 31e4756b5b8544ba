import type { UnixNanos } from '@clew/model';
import { nowNanos } from '@clew/model';
import type { MetricsStore, Store, TraceArchive } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { decorateTenant } from '../../auth/request-tenant.js';
import { apiErrorHandler } from '../error-handler.js';
import { sendGoHttpError, v1ErrorBody, v3ErrorBody } from './errors.js';
import { archiveRoute } from './routes-archive.js';
import { registerMetricsRoutes } from './routes-metrics.js';
import { transformRoute } from './routes-transform.js';
import { registerV1Routes } from './routes-v1.js';
import { registerV3Routes } from './routes-v3.js';

export interface JaegerApiOptions {
  readonly store: Store;
  /** The clock behind default time windows; tests pin it. */
  readonly now?: () => UnixNanos;
  /** Largest body `POST /api/transform` accepts (limits.maxRequestBytes); 16 MiB by default. */
  readonly maxRequestBytes?: number;
  /**
   * The metrics rollups: the Monitor tab's `/api/metrics/*` and `/api/dependencies` read them. Without them the
   * metrics routes answer 501 as Jaeger's disabled metrics reader does, and `/api/dependencies` answers no links.
   */
  readonly metricsStore?: MetricsStore;
  /** Archived traces: `POST /api/archive/{traceID}` answers only when given (reads fall back to them through `store`). */
  readonly archive?: TraceArchive;
}

const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * Jaeger's query API (v1 JSON and api_v3) over a Store, answering as Jaeger v2's query service does so that Jaeger UI
 * and Grafana's Jaeger data source work unchanged. A fastify plugin; its error handler covers its routes only. Every
 * route reads the request's tenant only (`request.tenant`).
 * @example await app.register(jaegerApi, { store })
 */
export async function jaegerApi(app: FastifyInstance, opts: JaegerApiOptions): Promise<void> {
  decorateTenant(app);
  const onError = apiErrorHandler('jaeger api', (reply, err, request) => {
    const status = err.httpStatus;
    const body = request.url.startsWith('/api/v3/') ? v3ErrorBody(status, err.message) : v1ErrorBody(status, err.message);
    return sendGoHttpError(reply, status, body);
  });
  app.setErrorHandler(onError);
  const now = opts.now ?? nowNanos;
  registerV1Routes(app, opts.store, now, opts.metricsStore);
  registerV3Routes(app, opts.store);
  registerMetricsRoutes(app, now, opts.metricsStore);
  if (opts.archive) await app.register(archiveRoute, { archive: opts.archive });
  await app.register(transformRoute, { maxRequestBytes: opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES, onError });
  await app.register(unknownApiPaths);
}

/**
 * Jaeger answers unknown /api/ paths with a 404 rather than the UI's page (server.go); here in its JSON envelope.
 * A wildcard, so every route above (and the native API's own /api/clew/v1/*) takes precedence over it; whatever the
 * body's type, the answer is the 404 (no 415 first).
 */
async function unknownApiPaths(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume(); // read and dropped: nothing here wants it
    done(null);
  });
  app.all('/api/*', async (request) => {
    throw new ClewError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]} (the routes are listed in docs/api.md)`);
  });
}
