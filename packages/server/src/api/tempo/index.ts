import type { Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { apiErrorHandler } from '../error-handler.js';
import { decorateTenant } from '../../auth/request-tenant.js';
import type { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { sendText } from './reply.js';
import { registerTempoRoutes } from './routes.js';

export interface TempoApiOptions {
  readonly store: Store;
  /** Tag names and values seen at ingest: the server's catalogs (one per tenant). */
  readonly catalogs: AttributeCatalogs;
}

/**
 * Tempo's HTTP query API over a Store (trace by id, search with TraceQL or tags, tag names and values), answering
 * as Tempo 2.x does so that Grafana's Tempo data source works unchanged. A fastify plugin; its error handler covers
 * its routes only. Every route reads the request's tenant only.
 * @example await app.register(tempoApi, { store, catalogs })
 */
export async function tempoApi(app: FastifyInstance, opts: TempoApiOptions): Promise<void> {
  decorateTenant(app);
  app.setErrorHandler(apiErrorHandler('tempo api', (reply, err) => sendText(reply, err.httpStatus, err.message)));
  // Go's http.NotFound, as Tempo's router answers a path it does not serve.
  app.setNotFoundHandler(async () => {
    throw new ClewError('NOT_FOUND', '404 page not found');
  });
  registerTempoRoutes(app, opts.store, opts.catalogs);
}
