import type { Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { apiErrorHandler } from '../error-handler.js';
import type { AttributeCatalog } from '../native/attribute-catalog.js';
import { sendText } from './reply.js';
import { registerTempoRoutes } from './routes.js';

export interface TempoApiOptions {
  readonly store: Store;
  /** Tag names and values seen at ingest: the server's catalog. */
  readonly catalog: AttributeCatalog;
}

/**
 * Tempo's HTTP query API over a Store (trace by id, search with TraceQL or tags, tag names and values), answering
 * as Tempo 2.x does so that Grafana's Tempo data source works unchanged. A fastify plugin; its error handler covers
 * its routes only.
 * @example await app.register(tempoApi, { store, catalog })
 */
export async function tempoApi(app: FastifyInstance, opts: TempoApiOptions): Promise<void> {
  app.setErrorHandler(apiErrorHandler('tempo api', (reply, err) => sendText(reply, err.httpStatus, err.message)));
  // Go's http.NotFound, as Tempo's router answers a path it does not serve.
  app.setNotFoundHandler(async () => {
    throw new ClewError('NOT_FOUND', '404 page not found');
  });
  registerTempoRoutes(app, opts.store, opts.catalog);
}
