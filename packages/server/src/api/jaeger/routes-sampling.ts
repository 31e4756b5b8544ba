import type { FastifyInstance } from 'fastify';
import type { StrategyProvider } from '../../sampling/strategy-response.js';
import { strategyResponseJson } from '../../sampling/strategy-response.js';
import { sendGoHttpError } from './errors.js';

export interface SamplingRouteOptions {
  readonly strategies: StrategyProvider;
}

/**
 * Jaeger's remote-sampling endpoint, `GET /api/sampling?service=NAME`, as its sampling handler answers
 * (`internal/sampling/http/handler.go`): the service's strategy as `application/json` in the handler's JSON
 * ({@link strategyResponseJson}), and a 400 in Go's plain text unless `service` is given exactly once. Registered on
 * the query port and on the Jaeger collector's port, where Jaeger clients and `@clew/node` look for it.
 * @example await app.register(samplingRoute, { strategies })
 */
export async function samplingRoute(app: FastifyInstance, opts: SamplingRouteOptions): Promise<void> {
  app.get('/api/sampling', async (request, reply) => {
    const service = (request.query as Record<string, string | string[] | undefined>).service;
    if (typeof service !== 'string') return sendGoHttpError(reply, 400, "'service' parameter must be provided once");
    // As bytes, so that fastify adds no charset to Jaeger's bare `application/json`.
    return reply.header('content-type', 'application/json').send(Buffer.from(strategyResponseJson(opts.strategies.strategyFor(service, request.tenant))));
  });
}
