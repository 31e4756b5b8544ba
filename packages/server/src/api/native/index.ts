import { API_BASE } from '@clew/api';
import type { Store, TraceArchive } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { apiErrorHandler } from '../error-handler.js';
import { decorateTenant } from '../../auth/request-tenant.js';
import type { AttributeCatalogs } from './attribute-catalogs.js';
import { nativeErrorReply } from './error-body.js';
import type { ServiceHealthQueries } from '../../query/metrics/service-health.js';
import { registerCompareRoutes } from './compare-routes.js';
import { registerCriticalPathRoutes } from './critical-path-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerArchiveRoutes } from './archive-routes.js';
import { registerAttributeComparisonRoutes } from './attribute-comparison-routes.js';
import { registerNativeRoutes } from './routes.js';
import { TraceCache } from './trace-cache.js';
import { registerTracePartRoutes } from './trace-part-routes.js';
import { registerExportRoute } from '../export/export-route.js';
import type { RangeArchiveSource } from '../export/range-archive-route.js';
import { registerRangeArchiveRoute } from '../export/range-archive-route.js';
import { spanReaderFor } from '../../query/tenant-readers.js';

export { AttributeCatalog } from './attribute-catalog.js';
export { AttributeCatalogs } from './attribute-catalogs.js';
export { TraceCache } from './trace-cache.js';

export interface NativeApiOptions {
  readonly store: Store;
  /** Where autocomplete suggestions come from: the server's catalogs (one per tenant), which ingest feeds. */
  readonly catalogs: AttributeCatalogs;
  /** Recently read traces for the trace page's outline, span and search routes; a 200,000-span cache by default. */
  readonly traceCache?: TraceCache;
  /** Service health over the metrics rollups; its routes answer only when given. */
  readonly health?: ServiceHealthQueries;
  /** More routes under the native API's error handling (SLOs). */
  readonly extraRoutes?: ReadonlyArray<(app: FastifyInstance) => void | Promise<void>>;
  /** Archived traces: the archive routes, and the mark on a trace's answer, only when given. */
  readonly archive?: TraceArchive;
  /** A store that writes range archives itself: the range archive route, only when given (see RANGE_ARCHIVE_ROUTE). */
  readonly rangeArchives?: RangeArchiveSource;
}

/**
 * Clew's own query API for its UI, under /api/clew/v1 (routes and shapes in @clew/api). A fastify plugin; its error
 * handler covers its routes only, so the Jaeger API beside it keeps Jaeger's error envelopes. Every route reads the
 * request's tenant only (`request.tenant`).
 * @example await app.register(nativeApi, { store, catalogs })
 */
export async function nativeApi(app: FastifyInstance, opts: NativeApiOptions): Promise<void> {
  decorateTenant(app);
  app.setErrorHandler(
    apiErrorHandler('native api', (reply, err) => {
      const { status, body } = nativeErrorReply(err);
      return reply.code(status).send(body);
    }),
  );
  const traceCache = opts.traceCache ?? new TraceCache();
  registerNativeRoutes(app, opts.store, opts.catalogs, opts.archive);
  if (opts.archive) registerArchiveRoutes(app, opts.archive, opts.store, traceCache);
  registerTracePartRoutes(app, opts.store, traceCache);
  registerAttributeComparisonRoutes(app, opts.store);
  registerCompareRoutes(app, opts.store);
  registerCriticalPathRoutes(app, opts.store);
  registerExportRoute(app, (request) => spanReaderFor(opts.store, request.tenant));
  if (opts.rangeArchives) registerRangeArchiveRoute(app, opts.rangeArchives);
  if (opts.health) registerHealthRoutes(app, opts.health);
  for (const register of opts.extraRoutes ?? []) await register(app);
  // Below the routes above in find-my-way's precedence, so it answers only what nothing else matches.
  app.all(`${API_BASE}/*`, async (request) => {
    throw new ClewError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]} (the routes are listed in packages/api/README.md)`);
  });
}
