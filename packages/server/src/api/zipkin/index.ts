import type { UnixNanos } from '@clew/model';
import { nowNanos } from '@clew/model';
import type { MetricsStore, Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { apiErrorHandler } from '../error-handler.js';
import { decorateTenant } from '../../auth/request-tenant.js';
import type { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { sendJson, sendText } from './reply.js';
import { registerZipkinRoutes } from './routes.js';

export interface ZipkinApiOptions {
  readonly store: Store;
  /** Autocomplete keys and values, and remote services seen at ingest: the server's catalogs (one per tenant). */
  readonly catalogs: AttributeCatalogs;
  /** The clock behind default time windows; tests pin it. */
  readonly now?: () => UnixNanos;
  /** The metrics rollups: `/api/v2/dependencies` reads the service graph's edges there (no links without them). */
  readonly metricsStore?: MetricsStore;
}

/**
 * Zipkin's v2 query API over a Store, answering as Zipkin 3.x does so that Zipkin's UI (Lens) and tools built on
 * the API work unchanged. Served at /api/v2 and, as zipkin-server also does for its UI, under /zipkin/api/v2.
 * A fastify plugin; its error handler covers its routes only. Every route reads the request's tenant only.
 * @example await app.register(zipkinApi, { store, catalogs })
 */
export async function zipkinApi(app: FastifyInstance, opts: ZipkinApiOptions): Promise<void> {
  decorateTenant(app);
  app.setErrorHandler(apiErrorHandler('zipkin api', (reply, err) => sendText(reply, err.httpStatus, err.message)));
  const deps = { store: opts.store, catalogs: opts.catalogs, now: opts.now ?? nowNanos, ...(opts.metricsStore && { metricsStore: opts.metricsStore }) };
  registerZipkinRoutes(app, deps);
  await app.register(async (ui) => {
    registerZipkinRoutes(ui, deps);
    // What Lens reads first; zipkin-server's defaults (ZipkinUiConfiguration), with search and dependencies on.
    ui.get('/config.json', async (_request, reply) => sendJson(reply, LENS_CONFIG));
  }, { prefix: '/zipkin' });
}

const LENS_CONFIG = {
  environment: '',
  queryLimit: 10,
  defaultLookback: 900_000,
  searchEnabled: true,
  logsUrl: null,
  supportUrl: null,
  archivePostUrl: null,
  archiveUrl: null,
  dependency: { enabled: true, lowErrorRate: 0.5, highErrorRate: 0.75 },
};
