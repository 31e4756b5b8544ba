import type { UnixNanos } from '@clew/model';
import { nowNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import type { FastifyError, FastifyInstance } from 'fastify';
import { JaegerApiError, sendGoHttpError, v1ErrorBody, v3ErrorBody } from './errors.js';
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
  app.setErrorHandler((err: FastifyError | JaegerApiError, request, reply) => {
    const v3 = request.url.startsWith('/api/v3/');
    let status = 500;
    let message = 'internal error';
    if (err instanceof JaegerApiError) {
      status = err.status;
      message = err.message;
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode; // fastify's own refusals (bad URL encoding and the like) keep their status
      message = err.message;
    } else {
      request.log.error({ err }, 'jaeger api: internal error');
    }
    return sendGoHttpError(reply, status, v3 ? v3ErrorBody(status, message) : v1ErrorBody(status, message));
  });
  registerV1Routes(app, opts.store, opts.now ?? nowNanos);
  registerV3Routes(app, opts.store);
}
