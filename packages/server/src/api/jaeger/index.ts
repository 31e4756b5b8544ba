import type { UnixNanos } from '@clew/model';
import { nowNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { apiErrorHandler } from '../error-handler.js';
import { sendGoHttpError, v1ErrorBody, v3ErrorBody } from './errors.js';
import { registerV1Routes } from './routes-v1.js';
import { registerV3Routes } from './routes-v3.js';

export interface JaegerApiOptions {
  readonly store: Store;
  /** The clock behind default time windows; tests pin it. */
  readonly now?: () => UnixNanos;
}

/**
 * Jaeger's query API (v1 JSON and api_v3) over a Store, answering as Jaeger v2's query service does so that Jaeger UI
 * and Grafana's Jaeger data source work unchanged. A fastify plugin; its error handler covers its routes only.
 * @example await app.register(jaegerApi, { store })
 */
export async function jaegerApi(app: FastifyInstance, opts: JaegerApiOptions): Promise<void> {
  app.setErrorHandler(
    apiErrorHandler('jaeger api', (reply, err, request) => {
      const status = err.httpStatus;
      const body = request.url.startsWith('/api/v3/') ? v3ErrorBody(status, err.message) : v1ErrorBody(status, err.message);
      return sendGoHttpError(reply, status, body);
    }),
  );
  registerV1Routes(app, opts.store, opts.now ?? nowNanos);
  registerV3Routes(app, opts.store);
}
